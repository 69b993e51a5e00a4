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
        Files.createDirectories(dir);
        try (DataStore ds = StoreOption.of(spec).open()) {
            Revision rev = ds.revision(r.id(), r.revision());
            for (FileEntry f : rev.files()) {
                Path out = dir.resolve(f.path()).normalize();
                if (!out.startsWith(dir)) {
                    throw new CofferException(ErrorCode.INVALID_PATH, "file '" + f.path() + "' would leave " + dir);
                }
                Files.createDirectories(out.getParent());
                Path tmp = Files.createTempFile(out.getParent(), ".coffer-pull-", ".part");
                try (InputStream in = ds.open(rev, f.path())) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            spec.commandLine().getOut().printf("pulled %s revision %d into %s (%d files)%n", r.id(), rev.revision(),
                    dir, rev.files().size());
        }
        return 0;
    }
}
