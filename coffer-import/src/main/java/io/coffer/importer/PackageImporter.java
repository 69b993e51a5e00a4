package io.coffer.importer;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.model.PackagePath;
import io.coffer.model.Resource;
import io.coffer.store.DataStore;
import io.coffer.store.FileEntry;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Imports existing Fiscal Data Packages (either {@code model} or the legacy {@code mapping}) from a
 * directory, a zip or a URL. Everything fetched or extracted lands in a private temporary directory
 * first; the store only ever sees a package that passed the same checks as {@code coffer publish}.
 */
public final class PackageImporter {
    private final DataStore store;
    private final SafeFetcher fetcher;
    private final SafeZip.Limits zipLimits;

    public PackageImporter(DataStore store, SafeFetcher fetcher, SafeZip.Limits zipLimits) {
        this.store = store;
        this.fetcher = fetcher;
        this.zipLimits = zipLimits;
    }

    /** {@code source} is a directory, a {@code datapackage.json}, a {@code .zip} file, or an http(s) URL. */
    public ImportReport importPackage(String source, String owner, String name) {
        Path work = null;
        try {
            work = Files.createTempDirectory("coffer-import-");
            Path dir = stage(source, work);
            return publish(source, dir, owner, name, false);
        } catch (CofferException e) {
            List<String> problems = new ArrayList<>();
            problems.add(e.getMessage());
            e.details().stream().skip(1).forEach(problems::add);
            return new ImportReport(source, null, null, false, List.of(), List.of(), problems);
        } catch (IOException e) {
            return new ImportReport(source, null, null, false, List.of(), List.of(),
                    List.of("cannot read " + source + ": " + e.getMessage()));
        } finally {
            deleteQuietly(work);
        }
    }

    /**
     * Fetches a package and publishes it only when its content differs from the dataset's latest revision
     * (mirroring). Returns empty when the source is gone (404/410): the last good copy stays.
     */
    Optional<ImportReport> refresh(URI url, DatasetId id) throws IOException {
        Path work = Files.createTempDirectory("coffer-mirror-");
        try {
            Optional<Path> dir = stageUrl(url, work);
            if (dir.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(publish(SafeFetcher.redact(url), dir.get(), id.owner(), id.name(), true));
        } finally {
            deleteQuietly(work);
        }
    }

    private ImportReport publish(String source, Path dir, String owner, String name, boolean onlyIfChanged)
            throws IOException {
        PackageSource src = PackageSource.directory(dir);
        DataPackage pkg = DataPackage.read(src.descriptor());
        String n = name != null ? name : DatasetId.slugify(pkg.name() != null ? pkg.name() : dir.getFileName().toString());
        DatasetId id = DatasetId.of(owner, n);
        List<String> kept = new ArrayList<>();
        List<String> notKept = new ArrayList<>();
        Map<String, String> hashes = contentHashes(dir, pkg, kept, notKept);
        if (onlyIfChanged && store.exists(id)) {
            Revision latest = store.revision(id, null);
            Map<String, String> stored = new TreeMap<>();
            for (FileEntry f : latest.files()) {
                stored.put(f.path(), f.sha256());
            }
            if (stored.equals(hashes)) {
                return new ImportReport(source, id, latest.revision(), true, kept, notKept, List.of());
            }
        }
        Revision rev = store.publish(id, src);
        return new ImportReport(source, id, rev.revision(), false, kept, notKept, List.of());
    }

    /** SHA-256 of every file the publish would store, by path; notes files of the source left behind. */
    private static Map<String, String> contentHashes(Path dir, DataPackage pkg, List<String> kept,
                                                     List<String> notKept) throws IOException {
        Map<String, String> out = new TreeMap<>();
        out.put("datapackage.json", sha256(dir.resolve("datapackage.json")));
        for (Resource r : pkg.resources()) {
            List<PackagePath> paths = new ArrayList<>(r.localPaths());
            if (paths.isEmpty()) {
                for (String url : r.remoteUrls()) {
                    String base = url.replaceAll("[?#].*$", "");
                    base = base.substring(base.lastIndexOf('/') + 1);
                    if (PackagePath.isValid(base) && Files.isRegularFile(dir.resolve(base))) {
                        paths.add(PackagePath.of(base));
                    }
                }
            }
            for (PackagePath p : paths) {
                Path f = dir.resolve(p.value());
                if (Files.isRegularFile(f)) {
                    out.put(p.value(), sha256(f));
                    kept.add(p.value() + " (resource '" + r.name() + "')");
                }
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !out.containsKey(p)).sorted()
                    .forEach(p -> notKept.add(p + " (not referenced by the descriptor)"));
        }
        return out;
    }

    private Path stage(String source, Path work) throws IOException {
        String lower = source.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return stageUrl(URI.create(source), work).orElseThrow(() -> new CofferException(ErrorCode.NOT_FOUND,
                    "the source " + SafeFetcher.redact(URI.create(source)) + " does not exist (404)"));
        }
        Path p = Path.of(source);
        if (Files.isRegularFile(p) && lower.endsWith(".zip")) {
            try (InputStream in = Files.newInputStream(p)) {
                SafeZip.extract(in, work.resolve("zip"), zipLimits);
            }
            return packageRoot(work.resolve("zip"));
        }
        if (Files.isDirectory(p) || (Files.isRegularFile(p) && p.getFileName().toString().equals("datapackage.json"))) {
            return Files.isDirectory(p) ? p : p.toAbsolutePath().getParent();
        }
        throw new CofferException(ErrorCode.NOT_FOUND, "'" + source + "' is not a package directory, a datapackage.json, a .zip or a URL");
    }

    private Optional<Path> stageUrl(URI url, Path work) throws IOException {
        Path first = work.resolve("download");
        Optional<SafeFetcher.Fetched> got = fetcher.fetch(url, first);
        if (got.isEmpty()) {
            return Optional.empty();
        }
        SafeFetcher.Fetched f = got.get();
        if (isZip(first)) {
            try (InputStream in = Files.newInputStream(first)) {
                SafeZip.extract(in, work.resolve("zip"), zipLimits);
            }
            return Optional.of(packageRoot(work.resolve("zip")));
        }
        // A descriptor: fetch each local resource path relative to it.
        Path dir = Files.createDirectories(work.resolve("pkg"));
        byte[] descriptor = Files.readAllBytes(first);
        JsonNode json = Json.parse(descriptor, "datapackage.json at " + SafeFetcher.redact(f.finalUrl()));
        DataPackage pkg = DataPackage.fromJson(json);
        Files.write(dir.resolve("datapackage.json"), descriptor);
        for (Resource r : pkg.resources()) {
            for (PackagePath p : r.localPaths()) {
                Path target = dir.resolve(p.value());
                Files.createDirectories(target.getParent());
                // Resolving a checked relative path against the descriptor URL stays on its host and path.
                if (fetcher.fetch(f.finalUrl().resolve(encodePath(p.value())), target).isEmpty()) {
                    throw new CofferException(ErrorCode.INVALID_DATA, "resource '" + r.name() + "': file '" + p
                            + "' is missing at the source");
                }
            }
            if (r.localPaths().isEmpty()) {
                for (String remote : r.remoteUrls()) {
                    String base = remote.replaceAll("[?#].*$", "");
                    base = base.substring(base.lastIndexOf('/') + 1);
                    if (PackagePath.isValid(base) && !base.equals("datapackage.json")) {
                        fetcher.fetch(URI.create(remote), dir.resolve(base));
                    }
                }
            }
        }
        return Optional.of(dir);
    }

    private static String encodePath(String path) {
        StringBuilder b = new StringBuilder();
        for (String seg : path.split("/")) {
            if (b.length() > 0) {
                b.append('/');
            }
            b.append(java.net.URLEncoder.encode(seg, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return b.toString();
    }

    private static boolean isZip(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        }
    }

    /** The directory holding datapackage.json: the archive root, or its single top-level folder. */
    static Path packageRoot(Path extracted) throws IOException {
        if (Files.isRegularFile(extracted.resolve("datapackage.json"))) {
            return extracted;
        }
        try (Stream<Path> s = Files.list(extracted)) {
            List<Path> dirs = s.filter(Files::isDirectory).toList();
            if (dirs.size() == 1 && Files.isRegularFile(dirs.get(0).resolve("datapackage.json"))) {
                return dirs.get(0);
            }
        }
        throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "the archive has no datapackage.json at its root");
    }

    static String sha256(Path p) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // temp files; the OS cleans up the rest
                }
            });
        } catch (IOException ignored) {
            // nothing to clean
        }
    }
}
