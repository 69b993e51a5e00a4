package io.coffer.loader;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.Json;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validation of one table (a resource or a bare CSV), a Frictionless v5 report task.
 *
 * @param name        resource name
 * @param place       the file, as given (relative path in a package)
 * @param labels      header labels as read
 * @param rows        data rows read
 * @param bytes       bytes read
 * @param fields      fields in the schema
 * @param seconds     time taken
 * @param errors      errors kept: the first N of each type (see {@link ValidationOptions#maxErrorsPerType})
 * @param errorCounts every error found, by type code, including those not kept
 * @param warnings    remarks that do not make the table invalid
 */
public record ReportTask(String name, String place, List<String> labels, long rows, long bytes, int fields,
                         double seconds, List<ReportError> errors, Map<String, Long> errorCounts,
                         List<String> warnings) {
    public ReportTask {
        labels = labels == null ? List.of() : List.copyOf(labels);
        errors = List.copyOf(errors);
        errorCounts = Collections.unmodifiableMap(new LinkedHashMap<>(errorCounts));
        warnings = List.copyOf(warnings);
    }

    public boolean valid() {
        return errorCounts.isEmpty();
    }

    /** All errors found, kept or not. */
    public long errorCount() {
        return errorCounts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether some errors were counted but not kept. */
    public boolean truncated() {
        return errorCount() > errors.size();
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("name", name);
        o.put("type", "table");
        o.put("valid", valid());
        o.put("place", place);
        ArrayNode ls = o.putArray("labels");
        labels.forEach(l -> ls.add(Cells.excerpt(l)));
        ObjectNode stats = o.putObject("stats");
        stats.put("bytes", bytes);
        stats.put("fields", fields);
        stats.put("rows", rows);
        stats.put("warnings", warnings.size());
        stats.put("errors", errorCount());
        stats.put("seconds", Math.round(seconds * 1000) / 1000.0);
        ObjectNode counts = o.putObject("errorCounts");
        errorCounts.forEach(counts::put);
        ArrayNode ws = o.putArray("warnings");
        warnings.forEach(ws::add);
        ArrayNode es = o.putArray("errors");
        errors.forEach(e -> es.add(e.toJson()));
        return o;
    }
}
