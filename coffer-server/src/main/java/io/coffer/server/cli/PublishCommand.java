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
        }
        return 0;
    }
}
