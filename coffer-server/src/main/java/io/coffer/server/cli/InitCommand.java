package io.coffer.server.cli;

import io.coffer.loader.InitResult;
import io.coffer.loader.Loader;
import io.coffer.loader.Mapping;
import io.coffer.loader.TerminalProgress;
import io.coffer.loader.ValidationOptions;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "init", description = {
        "Turn a spending CSV (any encoding, delimiter, decimal comma) into a Fiscal Data Package directory:",
        "datapackage.json with schema and model, the data normalised to UTF-8 and comma, and mapping.json."})
final class InitCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DATA.csv")
    Path csv;

    @Option(names = "--out", paramLabel = "DIR", description = "Package directory (default: named after the CSV).")
    Path out;

    @Option(names = "--mapping", paramLabel = "mapping.json",
            description = "Your choices (column types, measures, dimensions); saved in the package for re-uploads.")
    Path mapping;

    @Option(names = "--json", description = "Print the validation report as JSON (Frictionless report shape).")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Mapping> m = mapping == null ? Optional.empty() : Optional.of(Mapping.read(mapping));
        String base = csv.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Path dir = out != null ? out : Path.of(DatasetId.slugify(base));
        InitResult r = Loader.init(csv, dir, m, ValidationOptions.DEFAULT, TerminalProgress.forConsole());
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
