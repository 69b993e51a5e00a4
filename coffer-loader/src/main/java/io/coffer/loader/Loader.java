package io.coffer.loader;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.DescriptorValidator;
import io.coffer.model.Dialect;
import io.coffer.model.ErrorCode;
import io.coffer.model.Field;
import io.coffer.model.FiscalModel;
import io.coffer.model.Json;
import io.coffer.model.Resource;
import io.coffer.model.TableSchema;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a CSV into a Fiscal Data Package directory in two streaming passes: (1) sniff and infer the
 * schema, suggest the fiscal model, apply the mapping; (2) check every row against the chosen schema and
 * write it normalised (UTF-8, comma, LF, dot decimals, no thousands separators, placeholders as empty),
 * summing every measure exactly. Writes:
 * <pre>
 *   DIR/datapackage.json   schema of the normalised data + model (profile fiscal-data-package when complete)
 *   DIR/data/NAME.csv      the normalised data
 *   DIR/mapping.json       the effective mapping, reused by the next load into DIR
 * </pre>
 * Files are written to temporary names and moved into place, so a failed load leaves DIR as it was.
 */
public final class Loader {
    private Loader() {
    }

    public static InitResult init(Path csv, Path outDir, Optional<Mapping> mapping, ProgressListener progress) {
        return init(csv, outDir, mapping, ValidationOptions.DEFAULT, progress);
    }

    /**
     * Loads {@code csv} into the package directory {@code outDir} (created if needed). Without a mapping, the
     * {@code mapping.json} already in {@code outDir} (from an earlier load) is used, if any.
     *
     * @throws CofferException {@link ErrorCode#NOT_FOUND} when the CSV does not exist, {@link ErrorCode#BAD_REQUEST}
     *                         for an invalid mapping file; bad data never throws, it is in {@link InitResult#report()}
     */
    public static InitResult init(Path csv, Path outDir, Optional<Mapping> mapping, ValidationOptions options,
                                  ProgressListener progress) {
        long t0 = System.nanoTime();
        boolean reused = false;
        Mapping user = mapping.orElse(null);
        if (user == null && Files.isRegularFile(outDir.resolve(Mapping.FILE_NAME))) {
            user = Mapping.read(outDir.resolve(Mapping.FILE_NAME));
            reused = true;
        }
        if (user == null) {
            user = Mapping.EMPTY;
        }
        List<String> warnings = new ArrayList<>();
        CsvFormat sniffed = Sniffer.sniff(csv);
        CsvFormat format = user.format() == null ? sniffed : user.format().applyTo(sniffed);
        List<String> missing = user.missingValues() != null ? user.missingValues() : List.of("");
        InferenceResult inferred = Inference.run(csv, format, missing, options, progress);
        format = inferred.format();
        if (!format.charset().equals(sniffed.charset()) && (user.format() == null || user.format().encoding() == null)) {
            warnings.add("read as " + format.encodingName() + ": the file is not valid UTF-8");
        }
        ReportTask inferTask = inferred.report().tasks().get(0);
        if (inferTask.errorCounts().containsKey(ErrorType.SOURCE_ERROR.code())) {
            return new InitResult(false, outDir, null, null, user, reused, format, 0, Map.of(), inferred.report(),
                    warnings, List.of());
        }
        for (ReportError e : inferTask.errors()) {
            if (e.type() == ErrorType.BLANK_LABEL || e.type() == ErrorType.DUPLICATE_LABEL) {
                warnings.add("header column " + e.fieldNumber() + " renamed to \"" + e.fieldName() + "\": "
                        + e.message());
            }
        }
        for (String name : user.fields().keySet()) {
            if (inferred.schema().field(name).isEmpty()) {
                warnings.add("mapping names field \"" + name + "\", which the file does not have; ignored");
            }
        }
        TableSchema appliedSchema = user.applyTo(withAmountCandidates(inferred.schema(), inferred.columns(), user));
        Map<String, String> columnTypes = FiscalSuggester.columnTypes(appliedSchema, inferred.columns());
        Mapping userMapping = user;
        user.fields().forEach((name, m) -> {
            if (m.columnType() != null && columnTypes.containsKey(name)) {
                columnTypes.put(name, m.columnType());
            }
        });
        TableSchema sourceSchema = textWhereNotAmounts(appliedSchema, inferred.columns(), columnTypes, user, warnings);
        List<String> notes = new ArrayList<>();
        FiscalSuggester.explanations(sourceSchema, inferred.columns()).forEach((field, why) -> {
            Mapping.FieldMapping fm = userMapping.fields().get(field);
            boolean overridden = fm != null && fm.columnType() != null;
            notes.add("column \"" + field + "\": " + (overridden ? "columnType \"" + fm.columnType()
                    + "\" from the mapping; detection said " : "") + why);
        });
        if (format.headerRecord() > 0) {
            notes.add("the header is record " + (format.headerRecord() + 1) + ": the " + format.headerRecord()
                    + " record(s) above it (titles, notes) are not part of the table");
        }
        for (ColumnProfile p : inferred.columns()) {
            if (p.nonEmpty() == 0) {
                notes.add("column \"" + p.name() + "\" is blank (no value in any row): left out of the model");
            }
            if (p.numbers() != null && p.numbers().strayCells() > 0 && "value".equals(columnTypes.get(p.name()))) {
                warnings.add("measure \"" + p.name() + "\": " + p.numbers().strayCells() + " cell(s) are not numbers"
                        + " (listed as type errors with row and value); their rows are kept with the amount empty."
                        + " Set \"type\": \"string\" for the field in the mapping file to keep the column as text");
            }
        }
        FiscalModel model = FiscalSuggester.model(sourceSchema, columnTypes, user);
        for (Field f : sourceSchema.fields()) {
            if (f.extras().has("missingValues")) {
                warnings.add("field \"" + f.name() + "\": " + f.extras().get("missingValues")
                        + " read as missing values (written as empty cells)");
            }
        }

        int breakdownColumn = breakdownColumn(csv, format, sourceSchema, columnTypes, inferred.columns(), options,
                progress, notes);
        String name = user.name() != null ? DatasetId.slugify(user.name()) : DatasetId.slugify(Inference.baseName(csv));
        String dataPath = "data/" + name + ".csv";
        try {
            Files.createDirectories(outDir.resolve("data"));
            Path part = outDir.resolve(dataPath + ".part");
            Normaliser out;
            ErrorCollector errors = new ErrorCollector(options.maxErrorsPerType());
            CsvScan.Outcome o;
            try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(part),
                    StandardCharsets.UTF_8), 1 << 16)) {
                out = new Normaliser(new CsvOut(w), sourceSchema, columnTypes, inferred.columns(), breakdownColumn);
                out.header();
                try (TableCheck check = new TableCheck(sourceSchema, options, errors, out, false, false);
                     InputStream in = Files.newInputStream(csv)) {
                    o = CsvScan.run(in, Files.size(csv), format, check, "write", progress);
                    RowShape.outcome(o, format, errors);
                    check.finish();
                    if (out.totalRows.totals > 0) {
                        notes.add(out.totalRows.totals + " total or subtotal row(s) kept out of the facts (rows "
                                + out.totalRows.shown + (out.totalRows.totals > out.totalRows.shown.size() ? ", ..." : "")
                                + "): a total word with an empty key column, or amounts equal to the sum of the rows"
                                + " above");
                    }
                    if (out.breakdownRows > 0) {
                        notes.add(out.breakdownRows + " row(s) without \"" + sourceSchema.fields().get(breakdownColumn)
                                .name() + "\" kept out of the facts: they break down the row above them (or total"
                                + " the table), so summing them would count the same money twice");
                    }
                    if (check.blankRows > 0) {
                        warnings.add(check.blankRows + " blank row(s) dropped");
                    }
                }
            } catch (WriteFailure e) {
                throw e.getCause();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            ReportTask task = errors.task(name, csv.getFileName().toString(), inferred.labels(), o.rows(), o.bytes(),
                    sourceSchema.fields().size(), seconds);
            Report report = new Report(List.of(task), List.of(), List.of(), seconds);

            TableSchema outSchema = normalisedSchema(sourceSchema, columnTypes);
            DataPackage pkg = descriptor(name, user, format, dataPath, outSchema, model, o, warnings);
            Mapping effective = effectiveMapping(user, columnTypes);
            Files.move(part, outDir.resolve(dataPath), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            writeAtomically(outDir.resolve(Mapping.FILE_NAME), Json.write(effective.toJson()));
            writeAtomically(outDir.resolve("datapackage.json"), pkg.toBytes());
            return new InitResult(true, outDir, dataPath, pkg, effective, reused, format, out.rows, out.totals(),
                    report, warnings, notes);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.INTERNAL, "cannot write the package to " + outDir + ": "
                    + e.getMessage(), e);
        }
    }

    /** Text columns that are numbers but for a few stray words are read as numbers until the measures are known. */
    private static TableSchema withAmountCandidates(TableSchema schema, List<ColumnProfile> profiles, Mapping user) {
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < schema.fields().size(); i++) {
            Field f = schema.fields().get(i);
            ColumnProfile p = i < profiles.size() ? profiles.get(i) : null;
            Mapping.FieldMapping m = user.fields().get(f.name());
            boolean userTyped = m != null && m.type() != null;
            fields.add(!userTyped && p != null && p.numbers() != null && p.numbers().asNumber() != null
                    ? p.numbers().asNumber() : f);
        }
        return schema.withFields(fields);
    }

    /**
     * A number column with stray non-number cells that is not a measure is kept as text, so no value is lost;
     * in a measure the stray cells are row-level errors.
     */
    private static TableSchema textWhereNotAmounts(TableSchema schema, List<ColumnProfile> profiles,
                                                   Map<String, String> columnTypes, Mapping user, List<String> warnings) {
        List<Field> fields = new ArrayList<>();
        boolean changed = false;
        for (Field f : schema.fields()) {
            ColumnProfile p = profiles.stream().filter(c -> c.name().equals(f.name())).findFirst().orElse(null);
            Mapping.FieldMapping m = user.fields().get(f.name());
            boolean userTyped = m != null && m.type() != null;
            if (!userTyped && p != null && p.numbers() != null && p.numbers().strayCells() > 0
                    && f.type().equals("number") && !"value".equals(columnTypes.get(f.name()))) {
                fields.add(new Field(f.name(), "string", null, f.title(), f.description(), f.constraints(), null, null,
                        null, withoutMissingValues(f)));
                changed = true;
            } else {
                fields.add(f);
            }
        }
        return changed ? schema.withFields(fields) : schema;
    }

    private static ObjectNode withoutMissingValues(Field f) {
        ObjectNode e = f.extras();
        e.remove("missingValues");
        return e;
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The schema of the written file: canonical numbers, empty cells for every missing value, column types. */
    static TableSchema normalisedSchema(TableSchema source, Map<String, String> columnTypes) {
        List<Field> fields = new ArrayList<>();
        for (Field f : source.fields()) {
            ObjectNode extras = f.extras();
            extras.remove("missingValues");
            String ct = columnTypes.get(f.name());
            if (ct != null && !ct.isEmpty()) {
                extras.put("columnType", ct);
            }
            boolean number = f.type().equals("number");
            fields.add(new Field(f.name(), f.type(), f.format(), f.title(), f.description(), f.constraints(),
                    number ? null : f.decimalChar(), number ? null : f.groupChar(), number ? null : f.bareNumber(),
                    extras));
        }
        return new TableSchema(fields, source.primaryKey(), List.of(""), source.foreignKeys(), source.extras());
    }

    private static DataPackage descriptor(String name, Mapping user, CsvFormat source, String dataPath,
                                          TableSchema schema, FiscalModel model, CsvScan.Outcome o,
                                          List<String> warnings) {
        ObjectNode extras = Json.object();
        extras.put("profile", "tabular-data-resource");
        ObjectNode src = extras.putObject("coffer:source");
        src.put("encoding", source.encodingName());
        src.put("bom", source.bom());
        src.put("delimiter", String.valueOf(source.delimiter()));
        src.put("quoteChar", String.valueOf(source.quote()));
        src.put("lineTerminator", source.lineEnding());
        if (source.headerRecord() > 0) {
            src.put("headerRecord", source.headerRecord());
        }
        src.put("bytes", o.bytes());
        src.put("rows", o.rows());
        Resource r = new Resource(name, List.of(dataPath), null, "csv", "text/csv", "utf-8",
                new Dialect(',', '"', true, "\n", true, false), schema, extras);
        // The vendored fiscal profile extends tabular-data-package and requires that profile name, so the
        // package says "tabular-data-package" and the model is checked against the fiscal profile separately.
        DataPackage pkg = new DataPackage(name, user.title(), null, "tabular-data-package", List.of(r),
                model.measures().isEmpty() && model.dimensions().isEmpty() ? null : model, null);
        if (model.measures().isEmpty()) {
            warnings.add("no measure (amount column) found: set \"columnType\": \"value\" on one in the mapping file");
            return pkg;
        }
        List<String> problems = DescriptorValidator.validate("fiscal-data-package", pkg.toJson());
        if (!problems.isEmpty()) {
            boolean noCurrency = model.measures().values().stream().anyMatch(m -> m.currency() == null);
            warnings.add("the model does not satisfy the Fiscal Data Package profile yet: "
                    + (noCurrency ? "set \"currency\" in the mapping file (e.g. \"EUR\")" : problems.get(0)));
        }
        return pkg;
    }

    /** The user's mapping plus the column type of every field, so the next load models the data the same way. */
    private static Mapping effectiveMapping(Mapping user, Map<String, String> columnTypes) {
        Map<String, Mapping.FieldMapping> fields = new LinkedHashMap<>();
        columnTypes.forEach((name, ct) -> {
            Mapping.FieldMapping m = user.fields().get(name);
            fields.put(name, m == null ? Mapping.FieldMapping.columnType(ct) : m.withColumnType(ct));
        });
        user.fields().forEach(fields::putIfAbsent);
        return new Mapping(user.format(), user.missingValues(), user.name(), user.title(), user.currency(),
                user.primaryKey(), fields);
    }

    /** A failed write of the output, kept apart from read failures (which {@link CsvScan} reports). */
    private static final class WriteFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WriteFailure(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /**
     * The column filled only on parent rows whose empty rows break the parent down ({@link Breakdowns}), or -1.
     * Costs one more read of the file, made only when some column is sparse enough to be such a key.
     */
    private static int breakdownColumn(Path csv, CsvFormat format, TableSchema schema, Map<String, String> columnTypes,
                                       List<ColumnProfile> profiles, ValidationOptions options,
                                       ProgressListener progress, List<String> notes) {
        Breakdowns probe = Breakdowns.probe(schema, columnTypes, profiles);
        if (probe == null) {
            return -1;
        }
        ErrorCollector ignored = new ErrorCollector(1);
        try (TableCheck check = new TableCheck(schema, options, ignored, probe, false, false);
             InputStream in = Files.newInputStream(csv)) {
            CsvScan.run(in, Files.size(csv), format, check, "structure", progress);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.INTERNAL, "cannot read " + csv + ": " + e.getMessage(), e);
        }
        int column = probe.decide();
        if (column >= 0) {
            notes.add("column \"" + schema.fields().get(column).name() + "\" is filled on parent rows only: "
                    + probe.evidence(column));
        }
        return column;
    }

    /** Writes checked rows normalised, summing measures. */
    private static final class Normaliser implements TableCheck.RowOutput {
        private final CsvOut out;
        private final TableSchema schema;
        private final BigDecimal[] sums;
        private final BigDecimal[] values;
        final TotalRows totalRows;
        private final int breakdownColumn;
        long breakdownRows;
        long rows;

        Normaliser(CsvOut out, TableSchema schema, Map<String, String> columnTypes, List<ColumnProfile> profiles,
                   int breakdownColumn) {
            this.out = out;
            this.breakdownColumn = breakdownColumn;
            this.schema = schema;
            int n = schema.fields().size();
            this.sums = new BigDecimal[n];
            this.values = new BigDecimal[n];
            boolean[] measure = new boolean[n];
            boolean[] filled = new boolean[n];
            boolean[] text = new boolean[n];
            for (int i = 0; i < sums.length; i++) {
                Field f = schema.fields().get(i);
                boolean numeric = f.type().equals("number") || f.type().equals("integer");
                if (numeric && "value".equals(columnTypes.get(f.name()))) {
                    sums[i] = BigDecimal.ZERO;
                    measure[i] = true;
                    continue;
                }
                ColumnProfile p = i < profiles.size() ? profiles.get(i) : null;
                long all = p == null ? 0 : p.nonEmpty() + p.empty();
                filled[i] = all > 0 && p.nonEmpty() * 5 >= all * 4;
                text[i] = f.type().equals("string");
            }
            this.totalRows = new TotalRows(filled, text, measure);
        }

        void header() throws IOException {
            for (Field f : schema.fields()) {
                out.cell(f.name());
            }
            out.endRow();
        }

        @Override
        public void write(Row row, long rowNumber, int[] status, FieldCheck[] checks) {
            try {
                if (breakdownColumn >= 0 && Breakdowns.empty(row, breakdownColumn, status)) {
                    breakdownRows++;
                    return;
                }
                char[] b = row.chars;
                for (int i = 0; i < checks.length; i++) {
                    values[i] = null;
                    if (sums[i] != null && i < row.size() && status[i] == FieldCheck.OK) {
                        int s = row.start(i);
                        values[i] = new BigDecimal(checks[i].normalised(b, s, row.end(i) - s));
                    }
                }
                if (totalRows.isTotal(rowNumber, values, i -> i < row.size() ? row.get(i) : "",
                        i -> i >= row.size() || status[i] == FieldCheck.MISSING || row.end(i) == row.start(i))) {
                    return; // a total or subtotal row: reported, kept out of the facts
                }
                for (int i = 0; i < checks.length; i++) {
                    if (i >= row.size() || status[i] == FieldCheck.MISSING) {
                        out.cell(b, 0, 0);
                        continue;
                    }
                    int s = row.start(i);
                    int len = row.end(i) - s;
                    if (status[i] == FieldCheck.OK && checks[i].kind == FieldCheck.Kind.NUMBER) {
                        out.cell(checks[i].normalised(b, s, len));
                    } else if (checks[i].kind == FieldCheck.Kind.NUMBER && status[i] != FieldCheck.OK) {
                        // Reported as a type error (row, field, value); the normalised file stays valid.
                        out.cell(b, 0, 0);
                    } else {
                        out.cell(b, s, len);
                    }
                    if (values[i] != null) {
                        sums[i] = sums[i].add(values[i]);
                    }
                }
                out.endRow();
                rows++;
            } catch (IOException e) {
                throw new WriteFailure(e);
            }
        }

        Map<String, BigDecimal> totals() {
            Map<String, BigDecimal> t = new LinkedHashMap<>();
            for (int i = 0; i < sums.length; i++) {
                if (sums[i] != null) {
                    t.put(schema.fields().get(i).name(), sums[i]);
                }
            }
            return t;
        }
    }
}
