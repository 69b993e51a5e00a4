package io.coffer.loader;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * A validation report in the Frictionless v5 shape:
 * <pre>
 * {"valid": false,
 *  "stats": {"tasks": 1, "errors": 2, "warnings": 0, "seconds": 0.1},
 *  "warnings": [], "errors": [ package-level errors ],
 *  "tasks": [{"name": "budget", "type": "table", "valid": false, "place": "data/budget.csv", "labels": [...],
 *             "stats": {"bytes": .., "fields": .., "rows": .., "warnings": .., "errors": .., "seconds": ..},
 *             "errorCounts": {"type-error": 1234},
 *             "warnings": [...],
 *             "errors": [{"type": "type-error", "title": "Type Error", "description": "...", "message": "...",
 *                         "tags": ["#table", "#row", "#cell"], "note": "...", "cells": [...],
 *                         "rowNumber": 3, "cell": "12,5x", "fieldName": "amount", "fieldNumber": 4}]}]}
 * </pre>
 * {@code errorCounts} is Coffer's addition: reports keep only the first N errors of each type, the counts
 * are complete. Immutable.
 */
public record Report(List<ReportTask> tasks, List<ReportError> errors, List<String> warnings, double seconds) {
    public Report {
        tasks = List.copyOf(tasks);
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    public boolean valid() {
        return errors.isEmpty() && tasks.stream().allMatch(ReportTask::valid);
    }

    /** Every error found (package-level plus all tasks' counts). */
    public long errorCount() {
        return errors.size() + tasks.stream().mapToLong(ReportTask::errorCount).sum();
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("valid", valid());
        ObjectNode stats = o.putObject("stats");
        stats.put("tasks", tasks.size());
        stats.put("errors", errorCount());
        stats.put("warnings", warnings.size() + tasks.stream().mapToInt(t -> t.warnings().size()).sum());
        stats.put("seconds", Math.round(seconds * 1000) / 1000.0);
        ArrayNode ws = o.putArray("warnings");
        warnings.forEach(ws::add);
        ArrayNode es = o.putArray("errors");
        errors.forEach(e -> es.add(e.toJson()));
        ArrayNode ts = o.putArray("tasks");
        tasks.forEach(t -> ts.add(t.toJson()));
        return o;
    }

    /** Lines for a terminal: a verdict, then per table its errors (row, field, value) and what was left out. */
    public List<String> toText() {
        List<String> out = new ArrayList<>();
        long n = errorCount();
        out.add(valid() ? "VALID: " + tasks.size() + " table(s), no errors"
                : "INVALID: " + n + " error(s) in " + tasks.size() + " table(s)");
        warnings.forEach(w -> out.add("warning: " + w));
        errors.forEach(e -> out.add(e.toText()));
        for (ReportTask t : tasks) {
            out.add("table '" + t.name() + "' (" + t.place() + "): " + t.rows() + " rows, " + t.fields() + " fields, "
                    + t.errorCount() + " error(s)");
            t.warnings().forEach(w -> out.add("  warning: " + w));
            t.errors().forEach(e -> out.add("  " + e.toText()));
            if (t.truncated()) {
                t.errorCounts().forEach((type, count) -> out.add("  " + type + ": " + count + " in all"));
                out.add("  (only the first errors of each type are listed)");
            }
        }
        return out;
    }
}
