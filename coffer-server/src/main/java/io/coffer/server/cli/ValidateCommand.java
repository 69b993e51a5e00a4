package io.coffer.server.cli;

import io.coffer.loader.Report;
import io.coffer.loader.TerminalProgress;
import io.coffer.loader.ValidationOptions;
import io.coffer.loader.Validator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "validate", description = "Validate a package (or a bare CSV) against its schema; every error "
        + "names row, column and value. Exit 1 when invalid.")
final class ValidateCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR|datapackage.json|DATA.csv")
    Path target;

    @Option(names = "--json", description = "Print the report as JSON (Frictionless report shape).")
    boolean json;

    @Option(names = "--max-errors", defaultValue = "100", description = "Errors kept per type (all are counted).")
    int maxErrors;

    @Override
    public Integer call() {
        Report r = Validator.validate(target, ValidationOptions.DEFAULT.withMaxErrorsPerType(maxErrors),
                TerminalProgress.forConsole());
        InitCommand.printReport(spec.commandLine().getOut(), r, json);
        return r.valid() ? 0 : CofferCli.FAILED;
    }
}
