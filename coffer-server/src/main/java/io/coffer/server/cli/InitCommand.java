package io.coffer.server.cli;

import io.coffer.loader.InitResult;
import io.coffer.loader.Loader;
import io.coffer.loader.Mapping;
import io.coffer.loader.TerminalProgress;
import io.coffer.loader.ValidationOptions;
import io.coffer.loader.sheets.Spreadsheets;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "init", description = {
        "Turn a spending CSV (any encoding, delimiter, decimal comma) or a sheet of an .xlsx/.ods workbook into",
        "a Fiscal Data Package directory:",
        "datapackage.json with schema and model, the data normalised to UTF-8 and comma, and mapping.json."})
final class InitCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DATA.csv|.tsv|.xlsx|.ods")
    Path csv;

    @Option(names = "--sheet", paramLabel = "NAME",
            description = "With a workbook (.xlsx, .ods): the sheet to read (default: the first).")
    String sheet;

    @Option(names = "--out", paramLabel = "DIR", description = "Package directory (default: named after the CSV).")
    Path out;

    @Option(names = "--mapping", paramLabel = "mapping.json",
            description = "Your choices (column types, measures, dimensions); saved in the package for re-uploads.")
    Path mapping;

    @Option(names = "--json", description = "Print the validation report as JSON (Frictionless report shape).")
    boolean json;

    @Override
    public Integer call() throws java.io.IOException {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Mapping> m = mapping == null ? Optional.empty() : Optional.of(Mapping.read(mapping));
        String base = csv.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Path dir = out != null ? out : Path.of(DatasetId.slugify(base));
        InitResult r;
        Spreadsheets.Kind kind = Spreadsheets.kind(csv);
        switch (kind) {
            case EMPTY -> throw new CofferException(ErrorCode.INVALID_DATA, csv + " is empty: expected a CSV or TSV "
                    + "file, or an .xlsx or .ods workbook, with a header row and at least one row of data");
            case OTHER -> throw new CofferException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, csv + " is not a table: expected "
                    + "a CSV or TSV file, or an .xlsx or .ods workbook");
            default -> { }
        }
        if (sheet != null && kind == Spreadsheets.Kind.TEXT) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "--sheet is for workbooks (.xlsx, .ods); " + csv + " is text");
        }
        if (kind == Spreadsheets.Kind.TEXT) {
            r = Loader.init(csv, dir, m, ValidationOptions.DEFAULT, TerminalProgress.forConsole());
        } else {
            // The sheet as a CSV first (streamed, exact numbers), then the same loader as for any CSV.
            Path tmp = Files.createTempFile("coffer-sheet-", ".csv");
            try {
                Spreadsheets.Converted c = Spreadsheets.convert(csv, sheet, tmp);
                err.printf("read sheet '%s' of %s (%d rows; sheets: %s)%n", c.sheet(), csv, c.rows(),
                        String.join(", ", c.sheets()));
                r = Loader.init(tmp, dir, m, ValidationOptions.DEFAULT, TerminalProgress.forConsole());
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        r.warnings().forEach(w -> err.println("warning: " + w));
        printReport(o, r.report(), json);
        if (r.written()) {
            o.printf("package written to %s (%d rows; read as %s)%n", dir, r.rows(), r.source());
            r.totals().forEach((k, v) -> o.printf("  total %s = %s%n", k, v.toPlainString()));
            if (r.mappingReused()) {
                o.println("  reused the mapping saved in the package");
            }
        } else {
            o.println("nothing written");
        }
        return r.ok() ? 0 : CofferCli.FAILED;
    }

    static void printReport(PrintWriter o, io.coffer.loader.Report report, boolean json) {
        if (json) {
            o.println(new String(Json.write(report.toJson()), StandardCharsets.UTF_8));
        } else {
            report.toText().forEach(o::println);
        }
    }
}
