package io.coffer.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.model.PackagePath;
import io.coffer.model.Resource;
import io.coffer.store.spi.BlobStore;
import io.coffer.store.spi.CasOutcome;
import io.coffer.store.spi.Ref;
import io.coffer.store.spi.Streams;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned datasets over any {@link BlobStore}. The layout (all keys under {@code datasets/{owner}/{name}/}):
 *
 * <pre>
 *   ref.json                         the only mutable key: latest revision + the list of revisions
 *   revisions/000007-1f2e3d4c/...    the package files of revision 7, exactly as published
 *   revisions/000007-1f2e3d4c.json   its manifest: every file with size and SHA-256
 * </pre>
 *
 * A publish writes a fresh revision directory (a random suffix keeps concurrent publishers apart), its
 * manifest last, then switches {@code ref.json} with one compare-and-set. A crash before the switch leaves
 * an unreferenced directory and the previous revision untouched; the switch itself is atomic.
 */
public final class DataStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataStore.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String REF = "ref.json";
    /** The loader's saved column choices, kept with a revision when the package has one. */
    public static final String MAPPING_FILE = "mapping.json";

    private final BlobStore blobs;
    private final Registry registry;
    private volatile Consumer<String> faultHook = step -> { };

    public DataStore(BlobStore blobs) {
        this.blobs = blobs;
        this.registry = new Registry(this, blobs);
    }

    public BlobStore blobs() {
        return blobs;
    }

    public Registry registry() {
        return registry;
    }

    /** For crash tests: called before each step of a publish with the step's name. */
    public void faultHook(Consumer<String> hook) {
        this.faultHook = hook == null ? step -> { } : hook;
    }

    static String base(DatasetId id) {
        return "datasets/" + id.owner() + "/" + id.name() + "/";
    }

    // ------------------------------------------------------------------ publish

    /** Publishes a new revision; fails with {@link ErrorCode#CONFLICT} when another publish won the race. */
    public Revision publish(DatasetId id, PackageSource source) {
        return publish(id, source, null);
    }

    /**
     * Publishes a new revision. When {@code expectedLatest} is set the publish only succeeds if the
     * dataset's latest revision is still that one (0: the dataset must not exist).
     */
    public Revision publish(DatasetId id, PackageSource source, Long expectedLatest) {
        try {
            byte[] descriptor = source.descriptor();
            DataPackage pkg = PackageChecker.check(descriptor, source);
            Optional<Ref> ref = blobs.getRef(base(id) + REF);
            DatasetRef current = ref.map(r -> DatasetRef.parse(r.value())).orElse(DatasetRef.EMPTY);
            long latest = current.deleted() ? 0 : current.latest();
            requireLatest(id, latest, expectedLatest);
            long number = current.maxRevision() + 1;
            String dir = String.format("%06d-%08x", number, RANDOM.nextInt());
            String revBase = base(id) + "revisions/" + dir + "/";
            Instant now = Instant.now();

            List<FileEntry> files = new ArrayList<>();
            Map<String, List<String>> resources = new LinkedHashMap<>();
            faultHook.accept("descriptor");
            files.add(write(revBase + "datapackage.json", new java.io.ByteArrayInputStream(descriptor),
                    descriptor.length, "datapackage.json", "application/json"));
            for (Resource r : pkg.resources()) {
                List<PackagePath> paths = new ArrayList<>(r.localPaths());
                PackagePath copy = PackageChecker.localCopyOfUrl(r, source);
                if (copy != null) {
                    paths.add(copy);
                }
                List<String> names = new ArrayList<>();
                for (PackagePath p : paths) {
                    faultHook.accept("file:" + p);
                    try (InputStream in = source.open(p).orElseThrow(() -> new CofferException(
                            ErrorCode.INVALID_DATA, "file '" + p + "' disappeared during the publish"))) {
                        files.add(write(revBase + p.value(), in, source.size(p), p.value(), MediaTypes.of(p.value())));
                    }
                    names.add(p.value());
                }
                resources.put(r.name() == null ? "resource" + (resources.size() + 1) : r.name(), names);
            }
            // The loader's mapping.json (the publisher's column choices) travels with the revision, so the next
            // upload of next year's file can reuse it.
            PackagePath mappingFile = PackagePath.of(MAPPING_FILE);
            if (files.stream().noneMatch(f -> f.path().equals(MAPPING_FILE)) && source.size(mappingFile) >= 0) {
                try (InputStream in = source.open(mappingFile).orElseThrow()) {
                    files.add(write(revBase + MAPPING_FILE, in, source.size(mappingFile), MAPPING_FILE, "application/json"));
                }
            }
            Revision rev = new Revision(id, number, dir, now, null, files, resources);
            byte[] manifest = Manifests.write(rev);
            String manifestSha = sha256(manifest);
            faultHook.accept("manifest");
            blobs.put(base(id) + "revisions/" + dir + ".json", new java.io.ByteArrayInputStream(manifest),
                    manifest.length);

            DatasetRef next = current.withRevision(new RevisionInfo(number, dir, manifestSha, now, rev.bytes()));
            faultHook.accept("switch");
            CasOutcome outcome = blobs.compareAndSet(base(id) + REF, ref.map(Ref::version).orElse(null),
                    next.toBytes());
            switch (outcome) {
                case CasOutcome.Committed c -> {
                }
                case CasOutcome.Conflict c -> {
                    discard(revBase, base(id) + "revisions/" + dir + ".json");
                    throw new CofferException(ErrorCode.CONFLICT, "dataset " + id
                            + " was changed by another publish while this one ran; nothing was published");
                }
                case CasOutcome.Unknown u -> {
                    // Find out whether the switch happened before reporting anything.
                    Optional<Ref> now2 = blobs.getRef(base(id) + REF);
                    boolean ours = now2.isPresent() && DatasetRef.parse(now2.get().value()).latestInfo()
                            .map(i -> i.dir().equals(dir)).orElse(false);
                    if (!ours) {
                        throw new CofferException(ErrorCode.COMMIT_UNKNOWN, "publishing " + id
                                + " failed while switching to the new revision; it was not published", u.cause());
                    }
                }
            }
            faultHook.accept("registry");
            registry.updateQuietly(id, pkg);
            LOG.info("published {} revision {} ({} files, {} bytes)", id, number, files.size(), rev.bytes());
            return new Revision(id, number, dir, now, manifestSha, files, resources);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "publishing " + id + " failed: " + e.getMessage()
                    + "; the previous revision is unchanged", e);
        }
    }

    private FileEntry write(String key, InputStream in, long size, String path, String mediatype) throws IOException {
        MessageDigest md = sha256();
        Streams.Counting counting = new Streams.Counting(new DigestInputStream(in, md));
        blobs.put(key, counting, size);
        return new FileEntry(path, counting.count(), HexFormat.of().formatHex(md.digest()), mediatype);
    }

    private void discard(String revBase, String manifestKey) {
        try {
            for (var b : blobs.list(revBase, Integer.MAX_VALUE)) {
                blobs.delete(b.key());
            }
            blobs.delete(manifestKey);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove the files of a losing publish under {}: {}", revBase, e.toString());
        }
    }

    // ------------------------------------------------------------------ delete

    /** Deletes a dataset: its ref becomes a tombstone (numbers are never reused), then its files go. */
    public void delete(DatasetId id) {
        try {
            Ref ref = blobs.getRef(base(id) + REF).orElseThrow(() -> notFound(id));
            DatasetRef current = DatasetRef.parse(ref.value());
            if (current.deleted()) {
                throw notFound(id);
            }
            CasOutcome o = blobs.compareAndSet(base(id) + REF, ref.version(), current.asDeleted().toBytes());
            if (o instanceof CasOutcome.Conflict) {
                throw new CofferException(ErrorCode.CONFLICT, "dataset " + id + " changed while deleting it; try again");
            }
            if (o instanceof CasOutcome.Unknown u) {
                throw new CofferException(ErrorCode.COMMIT_UNKNOWN, "deleting " + id + " may not have happened", u.cause());
            }
            // Everything of the dataset but its tombstone: revisions and derived data (aggregates, ...).
            for (var b : blobs.list(base(id), Integer.MAX_VALUE)) {
                if (!b.key().equals(base(id) + REF)) {
                    blobs.delete(b.key());
                }
            }
            registry.updateQuietly(id, null);
            LOG.info("deleted {}", id);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "deleting " + id + " failed: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ reads

    /** Datasets that exist (not deleted), sorted by owner and name. */
    public List<DatasetId> list() {
        try {
            List<DatasetId> out = new ArrayList<>();
            for (String owner : blobs.children("datasets/")) {
                if (!DatasetId.isValidName(owner)) {
                    continue;
                }
                for (String name : blobs.children("datasets/" + owner + "/")) {
                    if (!DatasetId.isValidName(name)) {
                        continue;
                    }
                    try {
                        if (exists(DatasetId.of(owner, name))) {
                            out.add(DatasetId.of(owner, name));
                        }
                    } catch (CofferException e) {
                        if (e.code() != ErrorCode.CORRUPT) {
                            throw e;
                        }
                        // One damaged dataset must not hide all the others: it is left out and logged.
                        LOG.warn("{}/{} left out of the listing: {}", owner, name, e.getMessage());
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot list datasets: " + e.getMessage(), e);
        }
    }

    public boolean exists(DatasetId id) {
        return ref(id).map(r -> !r.deleted() && r.latest() > 0).orElse(false);
    }

    /**
     * Refuses (CONFLICT) a publish that expected another latest revision ({@code expected} null: any). One
     * wording wherever it is checked: early by the HTTP service and the CLI, atomically here.
     */
    public static void requireLatest(DatasetId id, long latest, Long expected) {
        if (expected != null && expected != latest) {
            throw new CofferException(ErrorCode.CONFLICT, "dataset " + id + " is at revision " + latest + ", not "
                    + expected + "; nothing was published");
        }
    }

    /** The number of the latest revision, or 0 when the dataset does not exist (or was deleted). */
    public long latestRevision(DatasetId id) {
        return ref(id).filter(r -> !r.deleted()).map(DatasetRef::latest).orElse(0L);
    }

    Optional<DatasetRef> ref(DatasetId id) {
        try {
            return blobs.getRef(base(id) + REF).map(r -> {
                try {
                    return DatasetRef.parse(r.value());
                } catch (RuntimeException e) {
                    throw new CofferException(ErrorCode.CORRUPT, "the ref of " + id + " is damaged: "
                            + e.getMessage(), e);
                }
            });
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot read " + id + ": " + e.getMessage(), e);
        }
    }

    /** All revisions of a dataset, oldest first. */
    public List<RevisionInfo> revisions(DatasetId id) {
        DatasetRef r = ref(id).filter(x -> !x.deleted()).orElseThrow(() -> notFound(id));
        return r.revisions();
    }

    /** The latest revision ({@code revision} null) or the given one, with its verified manifest. */
    public Revision revision(DatasetId id, Long revision) {
        DatasetRef r = ref(id).filter(x -> !x.deleted()).orElseThrow(() -> notFound(id));
        long wanted = revision == null ? r.latest() : revision;
        RevisionInfo info = r.revisions().stream().filter(i -> i.revision() == wanted).findFirst()
                .orElseThrow(() -> CofferException.notFound("dataset " + id + " has no revision " + wanted));
        return readManifest(id, info);
    }

    private Revision readManifest(DatasetId id, RevisionInfo info) {
        String key = base(id) + "revisions/" + info.dir() + ".json";
        try (InputStream in = blobs.open(key).orElseThrow(() -> new CofferException(ErrorCode.CORRUPT,
                "manifest of " + id + " revision " + info.revision() + " is missing"))) {
            byte[] b = in.readNBytes(Json.MAX_DOCUMENT_BYTES);
            if (!sha256(b).equals(info.manifestSha256())) {
                throw new CofferException(ErrorCode.CORRUPT, "manifest of " + id + " revision " + info.revision()
                        + " does not match its checksum");
            }
            return Manifests.read(id, info, b);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot read " + id + ": " + e.getMessage(), e);
        }
    }

    /** The package descriptor of a revision. */
    public DataPackage descriptor(Revision rev) {
        try (InputStream in = open(rev, "datapackage.json")) {
            return DataPackage.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens a file of a revision; the stream fails at its end if the bytes do not match the manifest's
     * checksum, so corruption is never served silently as complete.
     */
    public InputStream open(Revision rev, String path) {
        FileEntry f = rev.file(PackagePath.of(path).value()).orElseThrow(() -> CofferException.notFound(
                "revision " + rev.revision() + " of " + rev.dataset() + " has no file '" + path + "'"));
        try {
            InputStream in = blobs.open(base(rev.dataset()) + "revisions/" + rev.dir() + "/" + f.path())
                    .orElseThrow(() -> new CofferException(ErrorCode.CORRUPT, "file '" + path + "' of "
                            + rev.dataset() + " revision " + rev.revision() + " is missing from the store"));
            return new VerifyingInputStream(in, f);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Opens a byte range of a file (not verified: a range cannot be). */
    public InputStream open(Revision rev, String path, long offset, long length) {
        FileEntry f = rev.file(PackagePath.of(path).value()).orElseThrow(() -> CofferException.notFound(
                "revision " + rev.revision() + " of " + rev.dataset() + " has no file '" + path + "'"));
        try {
            return blobs.open(base(rev.dataset()) + "revisions/" + rev.dir() + "/" + f.path(), offset, length)
                    .orElseThrow(() -> new CofferException(ErrorCode.CORRUPT, "file '" + path + "' is missing"));
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads every file of a revision and compares it with the manifest; returns the problems found. */
    public List<String> verify(Revision rev) {
        List<String> problems = new ArrayList<>();
        byte[] buf = new byte[64 * 1024];
        for (FileEntry f : rev.files()) {
            try (InputStream in = open(rev, f.path())) {
                while (in.read(buf) >= 0) {
                    // VerifyingInputStream checks at the end
                }
            } catch (IOException | RuntimeException e) {
                problems.add(f.path() + ": " + e.getMessage());
            }
        }
        return problems;
    }

    static CofferException notFound(DatasetId id) {
        return CofferException.notFound("dataset " + id + " does not exist");
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] b) {
        return HexFormat.of().formatHex(sha256().digest(b));
    }

    @Override
    public void close() throws IOException {
        blobs.close();
    }

    /** The dataset ref: latest revision and the history. */
    record DatasetRef(long latest, boolean deleted, List<RevisionInfo> revisions) {
        static final DatasetRef EMPTY = new DatasetRef(0, false, List.of());

        long maxRevision() {
            return revisions.stream().mapToLong(RevisionInfo::revision).max().orElse(0);
        }

        Optional<RevisionInfo> latestInfo() {
            return revisions.stream().filter(r -> r.revision() == latest).findFirst();
        }

        DatasetRef withRevision(RevisionInfo info) {
            // After a delete the history restarts: old revisions' files are gone.
            List<RevisionInfo> rs = new ArrayList<>(deleted ? List.of() : revisions);
            rs.add(info);
            return new DatasetRef(info.revision(), false, rs);
        }

        DatasetRef asDeleted() {
            return new DatasetRef(0, true, List.of(new RevisionInfo(maxRevision(), "-", "-", Instant.now(), 0)));
        }

        byte[] toBytes() {
            ObjectNode o = Json.object();
            o.put("format", 1);
            o.put("latest", latest);
            o.put("deleted", deleted);
            ArrayNode a = o.putArray("revisions");
            for (RevisionInfo r : revisions) {
                a.addObject().put("revision", r.revision()).put("dir", r.dir())
                        .put("manifestSha256", r.manifestSha256()).put("publishedAt", r.publishedAt().toString())
                        .put("bytes", r.bytes());
            }
            return Json.write(o);
        }

        static DatasetRef parse(byte[] b) {
            JsonNode n = Json.parse(b, "dataset ref");
            List<RevisionInfo> rs = new ArrayList<>();
            n.path("revisions").forEach(r -> rs.add(new RevisionInfo(r.path("revision").asLong(),
                    r.path("dir").asText(), r.path("manifestSha256").asText(),
                    Instant.parse(r.path("publishedAt").asText()), r.path("bytes").asLong())));
            return new DatasetRef(n.path("latest").asLong(), n.path("deleted").asBoolean(), rs);
        }
    }
}
