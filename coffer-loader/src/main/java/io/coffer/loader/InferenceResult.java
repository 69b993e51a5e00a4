package io.coffer.loader;

import io.coffer.model.TableSchema;
import java.util.List;

/**
 * The outcome of one inference pass.
 *
 * @param format  the format read with; its charset may differ from the sniffed one when a non-UTF-8 byte
 *                appeared after an all-ASCII sample
 * @param schema  the inferred schema (field names unique and non-blank)
 * @param columns per-column profile, in schema order
 * @param rows    data rows
 * @param bytes   bytes read
 * @param report  structural problems found on the way (labels, blank rows, cell counts, encoding, parse
 *                failures); types cannot fail since they were inferred from these very values
 */
public record InferenceResult(CsvFormat format, TableSchema schema, List<ColumnProfile> columns, long rows,
                              long bytes, Report report) {
    public InferenceResult {
        columns = List.copyOf(columns);
    }

    /** Header labels as read. */
    public List<String> labels() {
        return columns.stream().map(ColumnProfile::label).toList();
    }
}
