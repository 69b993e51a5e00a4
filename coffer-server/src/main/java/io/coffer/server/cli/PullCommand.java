package io.coffer.server.cli;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.store.DataStore;
import io.coffer.store.FileEntry;
import io.coffer.store.Revision;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "pull", description = "Write the files of a dataset revision into a directory, checking every checksum.")
final class PullCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;


    @Parameters(index = "0", paramLabel = "OWNER/NAME[@REV]")
    String ref;

    @Parameters(index = "1", paramLabel = "DIR")
    Path target;

    @Override
    public Integer call() throws Exception {
        DatasetRef r = DatasetRef.parse(ref);
        Path dir = target.toAbsolutePath().normalize();
        boolean existed = Files.exists(dir);
        Files.createDirectories(dir.getParent());
        // Everything is written into a staging folder beside DIR first: a file failing its checksum leaves
        // nothing behind (no partial DIR), and DIR gets the files only once all of them verified.
        Path staging = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".coffer-pull-");
        try (DataStore ds = StoreOption.of(spec).open()) {
            Revision rev = ds.revision(r.id(), r.revision());
            for (FileEntry f : rev.files()) {
                Path out = staging.resolve(f.path()).normalize();
                if (!out.startsWith(staging)) {
                    throw new CofferException(ErrorCode.INVALID_PATH, "file '" + f.path() + "' would leave " + dir);
                }
                Files.createDirectories(out.getParent());
                try (InputStream in = ds.open(rev, f.path())) {
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (!existed) {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } else {
                for (FileEntry f : rev.files()) {
                    Path out = dir.resolve(f.path()).normalize();
                    Files.createDirectories(out.getParent());
                    Files.move(staging.resolve(f.path()), out, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                }
            }
            spec.commandLine().getOut().printf("pulled %s revision %d into %s (%d files)%n", r.id(), rev.revision(),
                    dir, rev.files().size());
        } finally {
            if (Files.exists(staging)) {
                try (var walk = Files.walk(staging)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
                }
            }
        }
        return 0;
    }
}
