package io.coffer.importer;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.loader.InitResult;
import io.coffer.loader.Loader;
import io.coffer.loader.ProgressListener;
import io.coffer.loader.ValidationOptions;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.model.PackagePath;
import io.coffer.model.Resource;
import io.coffer.store.DataStore;
import io.coffer.store.FileEntry;
import io.coffer.meta.auth.Principal;
import io.coffer.service.PublishService;
import io.coffer.store.PackageChecker;
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
    private final PublishService publisher;
    private final SafeFetcher fetcher;
    private final SafeZip.Limits zipLimits;
    private final boolean allowInvalid;

    /** Imports as the store's local operator, through {@link PublishService#local}. */
    public PackageImporter(DataStore store, SafeFetcher fetcher, SafeZip.Limits zipLimits) {
        this(PublishService.local(store, Long.MAX_VALUE), fetcher, zipLimits);
    }

    /** Every import is published through {@code publisher}: the same checks as any other publish. */
    public PackageImporter(PublishService publisher, SafeFetcher fetcher, SafeZip.Limits zipLimits) {
        this(publisher, fetcher, zipLimits, false);
    }

    private PackageImporter(PublishService publisher, SafeFetcher fetcher, SafeZip.Limits zipLimits,
                            boolean allowInvalid) {
        this.store = publisher.store();
        this.publisher = publisher;
        this.fetcher = fetcher;
        this.zipLimits = zipLimits;
        this.allowInvalid = allowInvalid;
    }

    /**
     * This importer, publishing packages whose rows do not match their schema too (as {@code coffer publish
     * --allow-invalid}); legacy exports often declare types their cells do not follow.
     */
    public PackageImporter allowingInvalid() {
        return new PackageImporter(publisher, fetcher, zipLimits, true);
    }

    /**
     * Imports one source: a package directory, a {@code datapackage.json}, a {@code .zip}, an http(s) URL of
     * either, a legacy OpenSpending/babbage export (model JSON with {@code fact_table} + CSVs), a CKAN dump
     * ({@code package_show} JSON + its CSV resources), or plain CSVs (each becomes a dataset through the
     * loader). Returns one report per dataset the source holds; a refused source is a report, not an exception.
     */
    public List<ImportReport> importSource(String source, String owner, String name) {
        Path work = null;
        try {
            work = Files.createTempDirectory("coffer-import-");
            return importStaged(source, work, owner, name);
        } catch (CofferException e) {
            List<String> problems = new ArrayList<>();
            problems.add(e.getMessage());
            e.details().stream().skip(1).forEach(problems::add);
            return List.of(ImportReport.failed(source, e.code(), problems));
        } catch (IOException | RuntimeException e) {
            return List.of(ImportReport.failed(source, ErrorCode.INTERNAL,
                    List.of("cannot import " + source + ": " + e.getMessage())));
        } finally {
            deleteQuietly(work);
        }
    }

    /** One source that holds one dataset. */
    public ImportReport importPackage(String source, String owner, String name) {
        return importSource(source, owner, name).get(0);
    }

    private List<ImportReport> importStaged(String source, Path work, String owner, String name) throws IOException {
        String lower = source.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            Path dir = stageUrl(URI.create(source), work).orElseThrow(() -> new CofferException(ErrorCode.NOT_FOUND,
                    "the source " + SafeFetcher.redact(URI.create(source)) + " does not exist (404)"));
            return fromDirectory(source, dir, work, owner, name);
        }
        Path p = Path.of(source);
        if (Files.isRegularFile(p) && lower.endsWith(".zip")) {
            try (InputStream in = Files.newInputStream(p)) {
                SafeZip.extract(in, work.resolve("zip"), zipLimits);
            }
            return fromDirectory(source, singleFolder(work.resolve("zip")), work, owner, name);
        }
        if (Files.isRegularFile(p) && lower.endsWith(".csv")) {
            return List.of(fromCsv(source, p, work, owner, name, new ArrayList<>()));
        }
        if (Files.isRegularFile(p) && lower.endsWith(".json")) {
            if (p.getFileName().toString().equals("datapackage.json")) {
                return List.of(publish(source, p.toAbsolutePath().getParent(), owner, name, false, List.of()));
            }
            JsonNode json = Json.parse(Files.readAllBytes(p), p.getFileName().toString());
            Path dir = p.toAbsolutePath().getParent();
            if (LegacyModelConverter.isLegacyModel(json)) {
                // Exports keep models in models/ beside the tables, or next to them.
                String fact = json.path("fact_table").asText() + ".csv";
                Path tables = PackagePath.isValid(fact) && !Files.isRegularFile(dir.resolve(fact)) && dir.getParent() != null
                        && Files.isRegularFile(dir.getParent().resolve(fact)) ? dir.getParent() : dir;
                return List.of(fromLegacy(source, json, tables, work, owner, name, List.of()));
            }
            if (CkanDump.isPackageShow(json)) {
                return List.of(CkanDump.importDump(this, source, json, dir, work, owner, name));
            }
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, p.getFileName()
                    + " is neither a datapackage.json, a legacy OpenSpending model nor a CKAN package_show dump");
        }
        if (Files.isDirectory(p)) {
            return fromDirectory(source, p.toAbsolutePath(), work, owner, name);
        }
        throw new CofferException(ErrorCode.NOT_FOUND, "'" + source + "' is not a package directory, a file Coffer "
                + "can import (datapackage.json, .zip, .csv, model or CKAN .json) or a URL");
    }

    /** Recognises what a directory holds, in order: a Data Package, a legacy export, a CKAN dump, CSVs. */
    private List<ImportReport> fromDirectory(String source, Path dir, Path work, String owner, String name)
            throws IOException {
        if (Files.isRegularFile(dir.resolve("datapackage.json"))) {
            return List.of(publish(source, dir, owner, name, false, List.of()));
        }
        List<Path> jsons;
        try (Stream<Path> s = Files.walk(dir, 2)) {
            jsons = s.filter(f -> f.toString().endsWith(".json") && Files.isRegularFile(f)).sorted().toList();
        }
        List<String> skipped = new ArrayList<>();
        for (Path j : jsons) {
            JsonNode json;
            try {
                json = Json.parse(Files.readAllBytes(j), j.getFileName().toString());
            } catch (CofferException e) {
                continue;
            }
            if (LegacyModelConverter.isLegacyModel(json)) {
                String fact = json.path("fact_table").asText();
                if (PackagePath.isValid(fact + ".csv") && Files.isRegularFile(dir.resolve(fact + ".csv"))) {
                    List<String> notes = new ArrayList<>();
                    for (Path other : jsons) {
                        if (!other.equals(j)) {
                            notes.add(dir.relativize(other) + " (another model, or not a model)");
                        }
                    }
                    notes.addAll(skipped);
                    return List.of(fromLegacy(source, json, dir, work, owner, name, notes));
                }
                skipped.add(dir.relativize(j) + " (its fact table " + fact + ".csv is not in the export)");
            } else if (CkanDump.isPackageShow(json)) {
                return List.of(CkanDump.importDump(this, source, json, dir, work, owner, name));
            }
        }
        List<Path> csvs;
        try (Stream<Path> s = Files.list(dir)) {
            csvs = s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")).sorted().toList();
        }
        if (csvs.isEmpty()) {
            throw new CofferException(ErrorCode.NOT_FOUND, source + " holds no datapackage.json, model, CKAN dump or CSV");
        }
        List<ImportReport> out = new ArrayList<>();
        for (Path csv : csvs) {
            // Several CSVs without a descriptor: each is its own dataset, named after its file.
            out.add(fromCsv(source + " / " + csv.getFileName(), csv, work, owner, csvs.size() == 1 ? name : null,
                    new ArrayList<>(skipped)));
        }
        return out;
    }

    /** A bare CSV through the loader: schema inferred, fiscal model suggested, data normalised. */
    ImportReport fromCsv(String source, Path csv, Path work, String owner, String name, List<String> notes)
            throws IOException {
        String base = csv.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Path dir = Files.createTempDirectory(work, "csv-");
        InitResult r = Loader.init(csv, dir, Optional.empty(), ValidationOptions.DEFAULT, ProgressListener.NONE);
        if (!r.written()) {
            List<String> problems = new ArrayList<>(List.of("the CSV could not be turned into a package"));
            r.report().toText().stream().limit(20).forEach(problems::add);
            return ImportReport.failed(source, problems);
        }
        notes.add(csv.getFileName() + " read as " + r.source() + "; schema inferred, model suggested");
        r.warnings().stream().limit(20).forEach(notes::add);
        if (!r.report().valid()) {
            r.report().toText().stream().limit(10).forEach(l -> notes.add("validation: " + l));
        }
        return publish(source, dir, owner, name != null ? name : DatasetId.slugify(base), false, notes);
    }

    private ImportReport fromLegacy(String source, JsonNode model, Path tables, Path work, String owner, String name,
                                    List<String> extraNotes) throws IOException {
        List<String> notes = new ArrayList<>(extraNotes);
        Path dir = Files.createTempDirectory(work, "legacy-");
        String currency = model.path("currency").asText("").matches("[A-Z]{3}") ? model.path("currency").asText() : "XXX";
        if (currency.equals("XXX")) {
            notes.add("the model names no currency: measures are marked XXX (no currency); set it in the descriptor");
        }
        LegacyModelConverter.convert(model, tables, dir, currency, notes);
        return publish(source, dir, owner, name, false, notes);
    }

    /** The directory of an extracted archive: its root, or its single top-level folder. */
    static Path singleFolder(Path extracted) throws IOException {
        try (Stream<Path> s = Files.list(extracted)) {
            List<Path> all = s.toList();
            if (all.size() == 1 && Files.isDirectory(all.get(0))) {
                return all.get(0);
            }
        }
        return extracted;
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
            return Optional.of(publish(SafeFetcher.redact(url), dir.get(), id.owner(), id.name(), true, List.of()));
        } finally {
            deleteQuietly(work);
        }
    }

    ImportReport publish(String source, Path dir, String owner, String name, boolean onlyIfChanged,
                         List<String> notes) throws IOException {
        PackageSource src = PackageSource.directory(dir);
        DataPackage pkg = DataPackage.read(src.descriptor());
        String n = name != null ? name : DatasetId.slugify(pkg.name() != null ? pkg.name() : dir.getFileName().toString());
        DatasetId id = DatasetId.of(owner, n);
        List<String> kept = new ArrayList<>();
        List<String> notKept = new ArrayList<>(notes);
        Map<String, String> hashes = contentHashes(dir, pkg, kept, notKept);
        if (onlyIfChanged && store.exists(id)) {
            Revision latest = store.revision(id, null);
            Map<String, String> stored = new TreeMap<>();
            for (FileEntry f : latest.files()) {
                stored.put(f.path(), f.sha256());
            }
            if (stored.equals(hashes)) {
                return new ImportReport(source, id, latest.revision(), true, kept, notKept, List.of(), Map.of(), null);
            }
        }
        PublishService.Request request = new PublishService.Request(id, null, null, false, PublishService.Mode.REPLACE,
                allowInvalid);
        Revision rev;
        try {
            rev = publisher.publish(Principal.SYSTEM, request, () -> PublishService.Staged.of(dir)).revision();
        } catch (CofferException e) {
            if (e.code() == io.coffer.model.ErrorCode.INVALID_DATA) {
                List<String> details = new ArrayList<>(e.details());
                details.add("to import it as it is, pass --allow-invalid");
                throw new CofferException(e.code(), e.getMessage(), details);
            }
            throw e;
        }
        Map<String, java.math.BigDecimal> totals = MeasureTotals.of(dir, pkg, notKept);
        return new ImportReport(source, id, rev.revision(), false, kept, notKept, List.of(), totals, null);
    }

    /** SHA-256 of every file the publish would store, by path; notes files of the source left behind. */
    private static Map<String, String> contentHashes(Path dir, DataPackage pkg, List<String> kept,
                                                     List<String> notKept) throws IOException {
        Map<String, String> out = new TreeMap<>();
        out.put("datapackage.json", sha256(dir.resolve("datapackage.json")));
        for (Resource r : pkg.resources()) {
            List<PackagePath> paths = new ArrayList<>(r.localPaths());
            PackagePath copy = PackageChecker.localCopyOfUrl(r, PackageSource.directory(dir));
            if (copy != null) {
                paths.add(copy);
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
