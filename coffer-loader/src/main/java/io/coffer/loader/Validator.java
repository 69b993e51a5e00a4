package io.coffer.loader;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DescriptorValidator;
import io.coffer.model.ErrorCode;
import io.coffer.model.FiscalModel;
import io.coffer.model.Json;
import io.coffer.model.PackagePath;
import io.coffer.model.Resource;
import io.coffer.model.TableSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Validates data against a schema in one streaming pass per table and returns a Frictionless-shaped
 * {@link Report}. Bad content never throws: it becomes report errors. Memory is bounded: errors are capped
 * per type ({@link ValidationOptions#maxErrorsPerType()}), key checks spill to disk past
 * {@link ValidationOptions#keyMemoryBytes()}.
 */
public final class Validator {
    private Validator() {
    }

    /**
     * Validates a package directory (its {@code datapackage.json}), a {@code datapackage.json} file, or a
     * bare CSV (sniffed, schema inferred; the report then holds structural problems only, since inferred types
     * fit every value by construction).
     *
     * @throws CofferException {@link ErrorCode#NOT_FOUND} when {@code target} does not exist
     */
    public static Report validate(Path target, ValidationOptions options, ProgressListener progress) {
        if (!Files.exists(target)) {
            throw new CofferException(ErrorCode.NOT_FOUND, "not found: " + target);
        }
        if (Files.isDirectory(target)) {
            return validatePackage(target.resolve("datapackage.json"), options, progress);
        }
        if (target.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
            return validatePackage(target, options, progress);
        }
        return validateCsv(target, options, progress);
    }

    /** A bare CSV: sniffing, then the inference pass and its structural checks. */
    public static Report validateCsv(Path csv, ValidationOptions options, ProgressListener progress) {
        CsvFormat fmt = Sniffer.sniff(csv);
        return Inference.run(csv, fmt, List.of(""), options, progress).report();
    }

    /** A CSV read with {@code format}, checked against {@code schema}. */
    public static Report validateCsv(Path csv, CsvFormat format, TableSchema schema, ValidationOptions options,
                                     ProgressListener progress) {
        long t0 = System.nanoTime();
        ReportTask task = table(csv, csv.toString(), Inference.baseName(csv), format, schema, options, progress);
        return new Report(List.of(task), List.of(), List.of(), (System.nanoTime() - t0) / 1e9);
    }

    /** Validates every tabular resource of a package against its own schema, plus the descriptor itself. */
    public static Report validatePackage(Path descriptor, ValidationOptions options, ProgressListener progress) {
        long t0 = System.nanoTime();
        Path dir = descriptor.toAbsolutePath().getParent();
        List<ReportError> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<ReportTask> tasks = new ArrayList<>();
        DataPackage pkg;
        try (InputStream in = Files.newInputStream(descriptor)) {
            JsonNode json = Json.parse(in, descriptor.getFileName().toString());
            for (String p : DescriptorValidator.validate(json)) {
                errors.add(ReportError.file(ErrorType.PACKAGE_ERROR, p, "The data package has an error: " + p));
            }
            pkg = DataPackage.fromJson(json);
        } catch (NoSuchFileException e) {
            throw new CofferException(ErrorCode.NOT_FOUND, "no datapackage.json at " + descriptor);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.INVALID_DATA, "cannot read " + descriptor + ": " + e.getMessage(), e);
        } catch (CofferException e) {
            errors.add(ReportError.file(ErrorType.PACKAGE_ERROR, e.getMessage(),
                    "The data package has an error: " + e.getMessage()));
            return new Report(tasks, errors, warnings, (System.nanoTime() - t0) / 1e9);
        }
        Set<String> allFields = new HashSet<>();
        for (int i = 0; i < pkg.resources().size(); i++) {
            Resource r = pkg.resources().get(i);
            String name = r.name() == null ? "resource" + (i + 1) : r.name();
            if (r.schema() != null) {
                allFields.addAll(r.schema().fieldNames());
            }
            if (r.schema() == null || !r.isTabular()) {
                warnings.add("resource '" + name + "' has no table schema; its data is not checked");
                continue;
            }
            List<String> paths = localPaths(r, dir, errors, name);
            if (paths.isEmpty()) {
                warnings.add("resource '" + name + "' has no local data file; its data is not checked");
                continue;
            }
            for (String p : paths) {
                Path file = dir.resolve(p);
                if (!Files.isRegularFile(file)) {
                    errors.add(ReportError.file(ErrorType.PACKAGE_ERROR, "file '" + p + "' is missing",
                            "The data package has an error: resource '" + name + "' file '" + p + "' is missing"));
                    continue;
                }
                tasks.add(table(file, p, name, format(r, file), r.schema(), options, progress));
            }
        }
        checkModel(pkg.model(), allFields, errors);
        return new Report(tasks, errors, warnings, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The declared dialect when there is one; otherwise the file is sniffed, as publishing and the engine do
     * (many real packages declare no dialect for their ';' files). A declared encoding always wins.
     */
    static CsvFormat format(Resource r, Path file) {
        if (r.dialect() != null) {
            return CsvFormat.of(r.encoding(), r.dialect());
        }
        CsvFormat sniffed = Sniffer.sniff(file);
        if (r.encoding() == null) {
            return sniffed;
        }
        CsvFormat declared = CsvFormat.of(r.encoding(), null);
        return new CsvFormat(declared.charset(), sniffed.bom(), sniffed.delimiter(), sniffed.quote(),
                sniffed.lineEnding(), true, sniffed.certain());
    }

    /** Local files of a resource; a URL-only resource counts when the file it names sits beside the descriptor. */
    private static List<String> localPaths(Resource r, Path dir, List<ReportError> errors, String name) {
        List<String> out = new ArrayList<>();
        try {
            r.localPaths().forEach(p -> out.add(p.value()));
        } catch (CofferException e) {
            errors.add(ReportError.file(ErrorType.PACKAGE_ERROR, e.getMessage(),
                    "The data package has an error: resource '" + name + "': " + e.getMessage()));
            return out;
        }
        if (out.isEmpty()) {
            for (String url : r.remoteUrls()) {
                String base = url.replaceAll("[?#].*$", "");
                base = base.substring(base.lastIndexOf('/') + 1);
                if (PackagePath.isValid(base) && Files.isRegularFile(dir.resolve(base))) {
                    out.add(base);
                    break;
                }
            }
        }
        return out;
    }

    private static void checkModel(FiscalModel model, Set<String> fields, List<ReportError> errors) {
        if (model == null || fields.isEmpty()) {
            return;
        }
        model.measures().values().forEach(m -> {
            if (!fields.contains(m.source())) {
                String note = "measure '" + m.name() + "' uses field '" + m.source() + "', which no resource schema has";
                errors.add(ReportError.file(ErrorType.PACKAGE_ERROR, note, "The data package has an error: " + note));
            }
        });
        model.dimensions().values().forEach(d -> d.attributes().values().forEach(a -> {
            if (!fields.contains(a.source())) {
                String note = "dimension '" + d.name() + "' attribute '" + a.name() + "' uses field '" + a.source()
                        + "', which no resource schema has";
                errors.add(ReportError.file(ErrorType.PACKAGE_ERROR, note, "The data package has an error: " + note));
            }
        }));
    }

    static ReportTask table(Path file, String place, String name, CsvFormat fmt, TableSchema schema,
                            ValidationOptions options, ProgressListener progress) {
        long t0 = System.nanoTime();
        ErrorCollector errors = new ErrorCollector(options.maxErrorsPerType());
        CsvScan.Outcome o;
        try (TableCheck check = new TableCheck(schema, options, errors, null, true, true);
             InputStream in = Files.newInputStream(file)) {
            o = CsvScan.run(in, Files.size(file), fmt, check, "validate", progress);
            RowShape.outcome(o, fmt, errors);
            check.finish();
            return errors.task(name, place, check.labels, o.rows(), o.bytes(), schema.fields().size(),
                    (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.INVALID_DATA, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new CofferException(ErrorCode.INTERNAL, e.getMessage(), e);
        }
    }
}
