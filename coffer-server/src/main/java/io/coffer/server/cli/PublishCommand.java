package io.coffer.server.cli;

import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "publish", description = "Publish a Data Package directory (or its datapackage.json) as a new revision.")
final class PublishCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;


    @Parameters(paramLabel = "DIR|datapackage.json", description = "The package to publish.")
    Path source;

    @Option(names = "--owner", required = true, description = "Owner (user or organization) to publish under.")
    String owner;

    @Option(names = "--name", description = "Dataset name (default: the package's name, else the directory's).")
    String name;

    @Override
    public Integer call() throws Exception {
        PackageSource src = PackageSource.directory(source);
        String n = name;
        if (n == null) {
            String pkgName = DataPackage.read(src.descriptor()).name();
            Path dir = Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
            n = DatasetId.slugify(pkgName != null ? pkgName : dir.toAbsolutePath().getFileName().toString());
        }
        DatasetId id = DatasetId.of(owner, n);
        try (DataStore ds = StoreOption.of(spec).open()) {
            Revision rev = ds.publish(id, src);
            spec.commandLine().getOut().printf("published %s revision %d (%d files, %d bytes)%n", id, rev.revision(),
                    rev.files().size(), rev.bytes());
            writeStaticAggregates(ds, rev);
        }
        return 0;
    }

    /**
     * OSEP-07: totals per top-level member beside the revision, so a static site can draw without the API.
     * The revision is already published; a failure here is reported, not undone (the server writes missing
     * aggregates on first request).
     */
    private void writeStaticAggregates(DataStore ds, Revision rev) {
        try {
            if (ds.descriptor(rev).model() == null) {
                return;
            }
            java.util.List<String> files = io.coffer.engine.StaticAggregates.write(ds, rev);
            spec.commandLine().getOut().printf("static aggregates: %d files under %s%n", files.size(),
                    io.coffer.engine.StaticAggregates.prefix(rev));
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("coffer: published, but static aggregates were not written: "
                    + e.getMessage());
        }
    }
}
