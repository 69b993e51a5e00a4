package io.coffer.server.cli;

import io.coffer.store.DataStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

@Command(name = "registry", description = "Work with the registry (registry/datapackage.json + data/catalog.csv).",
        subcommands = RegistryCommand.Rebuild.class)
final class RegistryCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "rebuild", description = "Recompute the registry catalog from the datasets in the store.")
    static final class Rebuild implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;


        @Override
        public Integer call() throws Exception {
            try (DataStore ds = StoreOption.of(spec).open()) {
                int n = ds.registry().rebuild();
                spec.commandLine().getOut().printf("registry rebuilt: %d datasets%n", n);
            }
            return 0;
        }
    }
}
