package io.coffer.loader;

import io.coffer.model.DataPackage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Loader#init} did.
 *
 * @param written       whether the package was written (false when the file could not be read to the end)
 * @param packageDir    the package directory
 * @param dataPath      the normalised CSV, relative to {@code packageDir} ({@code data/<name>.csv})
 * @param descriptor    the package as written (schema of the normalised data + model)
 * @param mapping       the effective mapping, saved as {@code mapping.json} in the package
 * @param mappingReused true when no mapping was given and the one already in {@code packageDir} was used
 * @param source        how the input was read (encoding, BOM, delimiter, quote, line ending)
 * @param rows          data rows written (blank rows are dropped)
 * @param totals        exact sum of every measure column, by field name
 * @param report        validation of the input against the schema chosen (types, constraints, keys, structure)
 * @param warnings      things worth telling the user that are not errors (dropped blank rows, renamed columns,
 *                      placeholders read as missing, descriptor profile remarks)
 * @param notes         why each choice was made (measure or not, rows kept out of the facts, blank columns);
 *                      every one can be overridden in {@code mapping.json}
 */
public record InitResult(boolean written, Path packageDir, String dataPath, DataPackage descriptor, Mapping mapping,
                         boolean mappingReused, CsvFormat source, long rows, Map<String, BigDecimal> totals,
                         Report report, List<String> warnings, List<String> notes) {
    public InitResult {
        totals = Collections.unmodifiableMap(new LinkedHashMap<>(totals));
        warnings = List.copyOf(warnings);
        notes = List.copyOf(notes);
    }

    /** Written and without errors. */
    public boolean ok() {
        return written && report.valid();
    }
}
