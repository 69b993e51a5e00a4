package io.coffer.server.cli;

import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

@Command(name = "ls", description = "List datasets with their latest revision.")
final class ListCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;


    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (DataStore ds = StoreOption.of(spec).open()) {
            for (DatasetId id : ds.list()) {
                Revision rev = ds.revision(id, null);
                DataPackage pkg = ds.descriptor(rev);
                out.printf("%-40s @%-4d %s  %s%n", id, rev.revision(), rev.publishedAt(),
                        pkg.title() == null ? "" : pkg.title());
            }
        }
        return 0;
    }
}
