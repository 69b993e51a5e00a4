package io.coffer.server.cli;

import io.coffer.model.DataPackage;
import io.coffer.store.DataStore;
import io.coffer.store.FileEntry;
import io.coffer.store.Revision;
import io.coffer.store.RevisionInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "show", description = "Show a dataset revision: metadata, files with checksums, history.")
final class ShowCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;


    @Parameters(paramLabel = "OWNER/NAME[@REV]")
    String ref;

    @Override
    public Integer call() throws Exception {
        DatasetRef r = DatasetRef.parse(ref);
        PrintWriter out = spec.commandLine().getOut();
        try (DataStore ds = StoreOption.of(spec).open()) {
            Revision rev = ds.revision(r.id(), r.revision());
            DataPackage pkg = ds.descriptor(rev);
            out.printf("dataset    %s%n", r.id());
            out.printf("title      %s%n", pkg.title() == null ? "" : pkg.title());
            out.printf("revision   %d (published %s)%n", rev.revision(), rev.publishedAt());
            out.printf("resources  %s%n", String.join(", ", rev.resources().keySet()));
            if (pkg.model() != null) {
                out.printf("measures   %s%n", String.join(", ", pkg.model().measures().keySet()));
                out.printf("dimensions %s%n", String.join(", ", pkg.model().dimensions().keySet()));
            }
            out.println("files");
            for (FileEntry f : rev.files()) {
                out.printf("  %-50s %12d  sha256:%s%n", f.path(), f.bytes(), f.sha256());
            }
            out.println("revisions");
            for (RevisionInfo i : ds.revisions(r.id()).reversed()) {
                out.printf("  @%-5d %s  %d bytes%n", i.revision(), i.publishedAt(), i.bytes());
            }
        }
        return 0;
    }
}
