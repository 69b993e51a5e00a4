package io.coffer.loader;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.Field;
import io.coffer.model.TableSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the rows of one table against its schema as they stream by: header labels, blank rows, cell
 * counts, types and constraints per cell, unique fields and the primary key (through {@link KeyIndex}).
 * Optionally hands each row with its per-cell outcome to a {@link RowOutput} (the normalising writer).
 */
final class TableCheck implements CsvScan.Sink, AutoCloseable {
    /** Receives each non-blank row after checking; {@code status[i]} is a {@link FieldCheck} outcome. */
    interface RowOutput {
        void write(Row row, long rowNumber, int[] status, FieldCheck[] checks);
    }

    private final FieldCheck[] checks;
    private final List<String> names;
    private final ErrorCollector errors;
    private final RowOutput output;
    private final boolean checkLabels;
    private final boolean blankRowsAreErrors;
    private final int[] pkColumns;
    private final KeyIndex pk;
    private final KeyIndex[] uniques;
    private final int[] status;
    private final ValidationOptions options;
    List<String> labels = List.of();
    long blankRows;

    /**
     * @param checkLabels        compare the header with the schema's field names
     * @param blankRowsAreErrors false when blank rows are simply dropped (counted in {@link #blankRows})
     */
    TableCheck(TableSchema schema, ValidationOptions options, ErrorCollector errors, RowOutput output,
               boolean checkLabels, boolean blankRowsAreErrors) {
        this.options = options;
        this.errors = errors;
        this.output = output;
        this.checkLabels = checkLabels;
        this.blankRowsAreErrors = blankRowsAreErrors;
        this.names = schema.fieldNames();
        List<String> pkNames = schema.primaryKey();
        List<Integer> pkCols = new ArrayList<>();
        for (String k : pkNames) {
            int idx = names.indexOf(k);
            if (idx < 0) {
                errors.add(ReportError.file(ErrorType.SCHEMA_ERROR, "primary key field \"" + k + "\" is not in the schema",
                        "Provided schema is not valid: primary key field \"" + k + "\" is not in the schema"));
            } else {
                pkCols.add(idx);
            }
        }
        boolean pkUsable = !pkNames.isEmpty() && pkCols.size() == pkNames.size();
        this.pkColumns = pkUsable ? pkCols.stream().mapToInt(Integer::intValue).toArray() : new int[0];
        this.checks = new FieldCheck[names.size()];
        this.uniques = new KeyIndex[names.size()];
        for (int i = 0; i < checks.length; i++) {
            Field f = schema.fields().get(i);
            if (pkUsable && pkCols.contains(i) && !f.required()) {
                // Primary-key fields are required (Table Schema).
                ObjectNode c = f.constraints();
                c.put("required", true);
                f = new Field(f.name(), f.type(), f.format(), f.title(), f.description(), c, f.decimalChar(),
                        f.groupChar(), f.bareNumber(), f.extras());
            }
            checks[i] = new FieldCheck(f, i + 1, schema.missingValues());
            for (String problem : checks[i].schemaProblems) {
                errors.warn(problem);
            }
            if (checks[i].unique) {
                uniques[i] = new KeyIndex(options.keyMemoryBytes() / 2, options.tempDir());
            }
        }
        this.pk = pkUsable ? new KeyIndex(options.keyMemoryBytes(), options.tempDir()) : null;
        this.status = new int[checks.length];
    }

    FieldCheck[] checks() {
        return checks;
    }

    @Override
    public void header(Row header) {
        if (header == null) {
            return;
        }
        labels = Headers.labelsOf(header);
        if (!checkLabels) {
            return;
        }
        for (int i = 0; i < Math.max(labels.size(), names.size()); i++) {
            int col = i + 1;
            String label = i < labels.size() ? labels.get(i) : null;
            String name = i < names.size() ? names.get(i) : null;
            if (label == null) {
                errors.add(new ReportError(ErrorType.MISSING_LABEL, "There is a missing label in the header's field \""
                        + name + "\" at position \"" + col + "\"", "", null, col, name, null, null));
            } else if (name == null) {
                errors.add(new ReportError(ErrorType.EXTRA_LABEL, "The label \"" + Cells.excerpt(label)
                        + "\" in the header at position \"" + col + "\" is extra", "", null, col, null, label, null));
            } else if (!label.equals(name)) {
                errors.add(new ReportError(ErrorType.INCORRECT_LABEL, "Label \"" + Cells.excerpt(label)
                        + "\" in field " + name + " at position \"" + col + "\" does not match the field name in the schema",
                        "expected \"" + name + "\"", null, col, name, label, null));
            }
        }
    }

    @Override
    public void row(Row row, long rowNumber) {
        if (row.isBlank()) {
            blankRows++;
            if (blankRowsAreErrors) {
                RowShape.blank(row, rowNumber, errors);
            }
            return;
        }
        if (row.size() != checks.length) {
            RowShape.width(row, rowNumber, names, errors);
        }
        char[] b = row.chars;
        int n = Math.min(row.size(), checks.length);
        for (int i = 0; i < n; i++) {
            int s = row.start(i);
            status[i] = checks[i].check(b, s, row.end(i) - s, rowNumber, errors);
        }
        for (int i = n; i < checks.length; i++) {
            status[i] = FieldCheck.MISSING;
        }
        if (pk != null) {
            addPrimaryKey(row, rowNumber);
        }
        for (int i = 0; i < n; i++) {
            if (uniques[i] != null && status[i] == FieldCheck.OK) {
                int s = row.start(i);
                uniques[i].add(checks[i].keyText(b, s, row.end(i) - s), rowNumber);
            }
        }
        if (output != null) {
            output.write(row, rowNumber, status, checks);
        }
    }

    private void addPrimaryKey(Row row, long rowNumber) {
        StringBuilder key = new StringBuilder();
        for (int k = 0; k < pkColumns.length; k++) {
            int i = pkColumns[k];
            if (i >= row.size() || status[i] != FieldCheck.OK) {
                return;
            }
            if (k > 0) {
                key.append('\u0000');
            }
            int s = row.start(i);
            key.append(checks[i].keyText(row.chars, s, row.end(i) - s));
        }
        pk.add(key.toString(), rowNumber);
    }

    /** Reports repeated keys; call once after the pass. */
    void finish() {
        int keep = options.maxErrorsPerType();
        if (pk != null) {
            List<String> pkNames = new ArrayList<>();
            for (int c : pkColumns) {
                pkNames.add(names.get(c));
            }
            long[] total = {0};
            List<KeyIndex.Duplicate> shownDups = pk.duplicates(keep, () -> total[0]++);
            for (KeyIndex.Duplicate d : shownDups) {
                String shown = Cells.excerpt(d.key().replace('\u0000', ','));
                errors.add(new ReportError(ErrorType.PRIMARY_KEY, "Row at position \"" + d.rowNumber()
                        + "\" violates the primary key " + pkNames + ": the same as in the row at position \""
                        + d.firstRowNumber() + "\"", "the same as in the row at position \"" + d.firstRowNumber()
                        + "\"", d.rowNumber(), null, null, shown, null));
            }
            errors.countOnly(ErrorType.PRIMARY_KEY, total[0] - shownDups.size());
        }
        for (int i = 0; i < uniques.length; i++) {
            if (uniques[i] == null) {
                continue;
            }
            FieldCheck c = checks[i];
            long[] total = {0};
            List<KeyIndex.Duplicate> shownDups = uniques[i].duplicates(keep, () -> total[0]++);
            for (KeyIndex.Duplicate d : shownDups) {
                String cell = Cells.excerpt(d.key());
                errors.add(new ReportError(ErrorType.UNIQUE_ERROR, "Row at position \"" + d.rowNumber()
                        + "\" has unique constraint violation in field \"" + c.name + "\" at position \"" + c.number
                        + "\": the same as in the row at position \"" + d.firstRowNumber() + "\"",
                        "the same as in the row at position \"" + d.firstRowNumber() + "\"", d.rowNumber(), c.number,
                        c.name, cell, null));
            }
            errors.countOnly(ErrorType.UNIQUE_ERROR, total[0] - shownDups.size());
        }
    }

    @Override
    public void close() {
        if (pk != null) {
            pk.close();
        }
        for (KeyIndex u : uniques) {
            if (u != null) {
                u.close();
            }
        }
    }
}
