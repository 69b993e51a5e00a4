package io.coffer.server.cli;

import io.coffer.loader.Report;
import io.coffer.loader.TerminalProgress;
import io.coffer.loader.ValidationOptions;
import io.coffer.loader.Validator;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.PackageChecker;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @Option(names = "--allow-invalid", description = "Publish even when the data does not match its schema "
            + "(the validation report is still printed).")
    boolean allowInvalid;

    @Option(names = "--remote", paramLabel = "URL",
            description = "Publish to a running Coffer server over HTTP instead of a local store.")
    java.net.URI remote;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "With --remote: a file holding the API token (or set COFFER_TOKEN).")
    Path tokenFile;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "With --remote: the API token itself. Discouraged: other users see it in `ps` and it "
                    + "stays in shell history; prefer --token-file or COFFER_TOKEN.")
    String token;

    @Option(names = "--private", description = "With --remote: make the dataset private (members of the owner only).")
    boolean makePrivate;

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
        // Cheap checks first (descriptor, files, headers, model), then every row against the schema:
        // invalid data is refused before anything is stored.
        PackageChecker.check(src.descriptor(), src);
        Report report = Validator.validate(source, ValidationOptions.DEFAULT.withMaxErrorsPerType(20),
                TerminalProgress.forConsole());
        if (!report.valid()) {
            var err = spec.commandLine().getErr();
            List<String> lines = report.toText();
            lines.stream().limit(25).forEach(err::println);
            if (lines.size() > 25) {
                err.println("  ... " + (lines.size() - 25) + " more lines: run 'coffer validate " + source + "'");
            }
            if (!allowInvalid) {
                err.println("coffer: not published: the data does not match its schema (fix it, or pass --allow-invalid)");
                return CofferCli.FAILED;
            }
            err.println("coffer: publishing anyway (--allow-invalid)");
        }
        if (remote != null) {
            RemotePublish.Result r = RemotePublish.publish(src, remote, id, RemotePublish.token(tokenFile, token),
                    makePrivate);
            spec.commandLine().getOut().printf("published %s revision %d (%d files, %d bytes) to %s%n", id, r.revision(),
                    r.files(), r.bytes(), remote);
            return 0;
        }
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
