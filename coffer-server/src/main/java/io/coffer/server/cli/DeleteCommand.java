package io.coffer.server.cli;

import io.coffer.store.DataStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "delete", description = "Delete a dataset and all its revisions.")
final class DeleteCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;


    @Parameters(paramLabel = "OWNER/NAME")
    String ref;

    @Option(names = "--yes", description = "Do not ask for confirmation (needed when not on a terminal).")
    boolean yes;

    @Override
    public Integer call() throws Exception {
        DatasetRef r = DatasetRef.parse(ref);
        if (r.revision() != null) {
            spec.commandLine().getErr().println("coffer: delete removes a whole dataset; drop the @revision");
            return CofferCli.USAGE;
        }
        if (!yes) {
            java.io.Console console = System.console();
            if (console == null) {
                spec.commandLine().getErr().println("coffer: refusing to delete " + r.id() + " without --yes");
                return CofferCli.USAGE;
            }
            String answer = console.readLine("Delete %s and all its revisions? Type its name to confirm: ", r.id());
            if (answer == null || !answer.trim().equals(r.id().toString())) {
                spec.commandLine().getErr().println("coffer: not deleted");
                return CofferCli.FAILED;
            }
        }
        try (DataStore ds = StoreOption.of(spec).open()) {
            ds.delete(r.id());
        }
        spec.commandLine().getOut().printf("deleted %s%n", r.id());
        return 0;
    }
}
