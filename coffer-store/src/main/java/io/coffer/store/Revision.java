package io.coffer.store;

import io.coffer.model.DatasetId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A published, immutable revision: its number, the files it holds with their checksums, and which
 * file(s) hold each resource's data.
 */
public record Revision(DatasetId dataset, long revision, String dir, Instant publishedAt, String manifestSha256,
                       List<FileEntry> files, Map<String, List<String>> resources) {
    public Revision {
        files = List.copyOf(files);
        resources = Map.copyOf(resources);
    }

    public Optional<FileEntry> file(String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst();
    }

    public long bytes() {
        return files.stream().mapToLong(FileEntry::bytes).sum();
    }
}
