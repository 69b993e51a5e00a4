package io.coffer.store.git;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.store.spi.BlobInfo;
import io.coffer.store.spi.BlobKeys;
import io.coffer.store.spi.BlobStore;
import io.coffer.store.spi.BoundedInputStream;
import io.coffer.store.spi.CasOutcome;
import io.coffer.store.spi.Ref;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs in git repositories, one bare repository per dataset (OSEP-06), so that a dataset's history is a
 * plain git history anyone can clone. Layout under the store root:
 *
 * <pre>
 *   datasets/{owner}/{name}.git   one bare repository per dataset; HEAD -> refs/heads/main
 *   store.git                     every other key (the registry, ...)
 *   .tmp/                         spool files for streams of unknown length
 * </pre>
 *
 * <p>How the SPI maps onto git, in any repository:
 * <ul>
 *   <li>{@code put(key)} writes a blob object and points {@code refs/coffer/keys/<key>} at it ({@link RefKeys}).
 *       The ref moves atomically (lock file + rename), so the key holds the old blob or the new one.</li>
 *   <li>{@code compareAndSet(key)} is a {@link RefUpdate} of that ref with the expected old object id: the
 *       version of a key is its blob id.</li>
 * </ul>
 * In a dataset repository, {@code DataStore}'s keys are given their git meaning:
 * <ul>
 *   <li>{@code revisions/{dir}/...} and {@code revisions/{dir}.json} are staged as above while a publish
 *       writes them;</li>
 *   <li>{@code compareAndSet("ref.json")} turns the staged revision into a commit whose tree is the Data
 *       Package at the root, plus {@code .coffer/manifest.json} and {@code .coffer/ref.json}, with the
 *       previous revision as parent and a {@code Coffer-Revision: {dir}} trailer, then moves
 *       {@code refs/heads/main} from the expected commit to it. The version of {@code ref.json} is the
 *       commit id. Staged refs of the published revision are then dropped: its files are read from the
 *       commit from then on.</li>
 *   <li>A delete (a {@code ref.json} tombstone) is a commit without parent holding only
 *       {@code .coffer/ref.json}: the dataset's history becomes unreachable and {@code git gc} reclaims it.
 *       Files of published revisions cannot be deleted one by one: git history is immutable.</li>
 * </ul>
 *
 * <p>Every ref change in a repository runs under an OS file lock on {@code coffer.lock} in the repository
 * (the kernel drops it when a process dies, even by SIGKILL), so a ref's {@code .lock} file found while
 * holding it was left by a killed Coffer process and is removed after a short grace period for other git
 * tools. Objects are written before the refs that name them, each by JGit to a temporary file renamed into
 * place, so a kill at any moment leaves at worst unreferenced objects, which {@code git fsck} accepts.
 */
public final class GitBlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(GitBlobStore.class);
    static final String MAIN = "refs/heads/main";
    static final String STORE_REPO = "store.git";
    static final String META = ".coffer/";
    static final String TRAILER = "Coffer-Revision: ";
    static final String REF_JSON = "ref.json";
    private static final long STALE_LOCK_MILLIS = 1000;
    /** Locks of this JVM by repository path, shared by every store instance opened on the same root. */
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final Path tmp;
    private final GitRemote remote;
    private final PersonIdent committer;
    private final ConcurrentHashMap<Path, Repo> repos = new ConcurrentHashMap<>();

    /** An open repository; {@code dataset} is null for the store repository. */
    private record Repo(Path dir, Repository db, ReentrantLock jvmLock, DatasetId dataset,
                        ConcurrentHashMap<String, ObjectId> revisionCommits) {
    }

    /** Where a key lives: repository directory, the key inside it, and the dataset (or null). */
    private record Target(Path dir, String rest, DatasetId dataset) {
        boolean isDatasetRef() {
            return dataset != null && rest.equals(REF_JSON);
        }
    }

    public GitBlobStore(Path root, GitRemote remote, PersonIdent committer) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.tmp = this.root.resolve(".tmp");
        this.remote = remote;
        this.committer = committer;
        Files.createDirectories(this.root.resolve("datasets"));
        Files.createDirectories(tmp);
    }

    public GitBlobStore(Path root) throws IOException {
        this(root, null, new PersonIdent("Coffer", "coffer@localhost"));
    }

    public Path root() {
        return root;
    }

    /**
     * Reads the registry and one dataset's ref, so an unreadable store fails when it is opened (as
     * {@code coffer serve} starts) and the first publish does not pay for loading JGit.
     */
    void check() throws IOException {
        warmUp();
        getRef("registry/data/catalog.csv");
        for (String owner : dirNames(root.resolve("datasets"), false)) {
            for (String name : dirNames(root.resolve("datasets").resolve(owner), true)) {
                try {
                    getRef("datasets/" + owner + "/" + name + "/" + REF_JSON);
                } catch (IOException e) {
                    // One damaged dataset must not keep the whole store from opening.
                    LOG.warn("dataset {}/{} is unreadable: {}", owner, name, e.getMessage());
                }
                return;
            }
        }
    }

    /** The bare repository directory of a dataset (which may not exist yet). */
    public Path repositoryOf(DatasetId id) {
        return root.resolve("datasets").resolve(id.owner()).resolve(id.name() + ".git");
    }

    /**
     * Runs the write path (blob, tree, commit, ref update) once on a throw-away in-memory repository, so
     * the first publish after startup is not slowed by loading those parts of JGit. Touches no file.
     */
    private void warmUp() throws IOException {
        try (Repository mem = new org.eclipse.jgit.internal.storage.dfs.InMemoryRepository(
                new org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription("warm-up"));
             ObjectInserter ins = mem.newObjectInserter()) {
            DirCache index = DirCache.newInCore();
            DirCacheBuilder b = index.builder();
            DirCacheEntry e = new DirCacheEntry(META + REF_JSON);
            e.setFileMode(FileMode.REGULAR_FILE);
            e.setObjectId(ins.insert(Constants.OBJ_BLOB, new byte[] {'{', '}'}));
            b.add(e);
            b.finish();
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(index.writeTree(ins));
            cb.setAuthor(committer);
            cb.setCommitter(committer);
            cb.setMessage("warm-up\n\n" + TRAILER + "0\n");
            ObjectId commit = ins.insert(cb);
            ins.flush();
            RefUpdate u = mem.updateRef(MAIN);
            u.setNewObjectId(commit);
            u.setExpectedOldObjectId(ObjectId.zeroId());
            u.update();
            try (RevWalk rw = new RevWalk(mem); TreeWalk tw = TreeWalk.forPath(mem, META + REF_JSON,
                    rw.parseCommit(commit).getTree())) {
                mem.open(tw.getObjectId(0)).getBytes();
            }
        }
    }

    // ------------------------------------------------------------------ routing and repositories

    private Target target(String key) {
        BlobKeys.check(key);
        String[] segs = key.split("/");
        if (segs.length >= 4 && segs[0].equals("datasets") && DatasetId.isValidName(segs[1])
                && DatasetId.isValidName(segs[2])) {
            DatasetId id = DatasetId.of(segs[1], segs[2]);
            return new Target(repositoryOf(id), String.join("/", Arrays.copyOfRange(segs, 3, segs.length)), id);
        }
        return new Target(root.resolve(STORE_REPO), key, null);
    }

    private Repo repo(Target t, boolean create) throws IOException {
        Repo r = repos.get(t.dir());
        if (r != null) {
            return r;
        }
        if (!Files.isDirectory(t.dir())) {
            if (!create) {
                return null;
            }
            initBare(t.dir());
        }
        synchronized (repos) {
            r = repos.get(t.dir());
            if (r == null) {
                Repository db = new FileRepositoryBuilder().setGitDir(t.dir().toFile()).setBare().build();
                r = new Repo(t.dir(), db, JVM_LOCKS.computeIfAbsent(t.dir(), d -> new ReentrantLock()),
                        t.dataset(), new ConcurrentHashMap<>());
                repos.put(t.dir(), r);
            }
            return r;
        }
    }

    /**
     * Creates a bare repository next to its final place and renames it in, so a kill during creation
     * leaves no half-made repository, and racing creators agree on one.
     */
    private static void initBare(Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        Path staging = dir.resolveSibling("." + dir.getFileName() + "-" + UUID.randomUUID() + ".tmp");
        try (Git git = Git.init().setBare(true).setInitialBranch("main").setGitDir(staging.toFile())
                .setDirectory(staging.toFile()).call()) {
            StoredConfig c = git.getRepository().getConfig();
            c.setBoolean("core", null, "logAllRefUpdates", false);
            c.save();
        } catch (GitAPIException e) {
            throw new IOException("cannot create the repository " + dir + ": " + e.getMessage(), e);
        }
        try {
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteTree(staging);
            if (!Files.isRegularFile(dir.resolve("HEAD"))) {
                throw e;
            }
            // Another writer created it first: use theirs.
        }
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover staging directory is ignored by every listing
        }
    }

    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    /** Runs a ref change holding this JVM's and the OS lock of the repository. */
    @SuppressWarnings("try") // the FileLock is held for the body, never referenced
    private <T> T locked(Repo r, String refName, IoSupplier<T> body) throws IOException {
        r.jvmLock().lock();
        try (FileChannel ch = FileChannel.open(r.dir().resolve("coffer.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
            clearStaleLock(r, refName);
            return body.get();
        } finally {
            r.jvmLock().unlock();
        }
    }

    /**
     * Under the repository lock no live Coffer process holds a ref lock, so one that exists was left by a
     * killed process (or is held for milliseconds by another git tool): wait briefly, then remove it.
     */
    private static void clearStaleLock(Repo r, String refName) throws IOException {
        Path lock = r.dir().resolve(refName + ".lock");
        while (true) {
            long modified;
            try {
                modified = Files.getLastModifiedTime(lock).toMillis();
            } catch (NoSuchFileException e) {
                return;
            }
            if (System.currentTimeMillis() - modified >= STALE_LOCK_MILLIS) {
                Files.deleteIfExists(lock);
                LOG.warn("removed the stale lock {} in {} (left by a process that died)", refName, r.dir());
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a ref lock", e);
            }
        }
    }

    // ------------------------------------------------------------------ objects

    private ObjectId insertBlob(Repo r, InputStream data, long length) throws IOException {
        if (length >= 0) {
            try (ObjectInserter ins = r.db().newObjectInserter()) {
                // JGit trusts the length it is given, so the stream is held to it here.
                long[] count = {0};
                InputStream counted = new java.io.FilterInputStream(data) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        count[0] += b < 0 ? 0 : 1;
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        count[0] += Math.max(n, 0);
                        return n;
                    }
                };
                ObjectId id = ins.insert(Constants.OBJ_BLOB, length, counted);
                if (count[0] != length) {
                    throw new IOException("expected " + length + " bytes but got " + count[0]);
                }
                if (data.read() >= 0) {
                    throw new IOException("expected " + length + " bytes but got more");
                }
                ins.flush();
                return id;
            }
        }
        // A git object header states the length, so a stream of unknown length is spooled first.
        byte[] head = data.readNBytes(1 << 20);
        if (head.length < 1 << 20) {
            return insertBlob(r, new ByteArrayInputStream(head), head.length);
        }
        Path spool = Files.createTempFile(tmp, "spool", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(spool)) {
                out.write(head);
                data.transferTo(out);
            }
            try (InputStream in = Files.newInputStream(spool)) {
                return insertBlob(r, in, Files.size(spool));
            }
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private static InputStream openObject(Repo r, ObjectId id) throws IOException {
        return r.db().open(id, Constants.OBJ_BLOB).openStream();
    }

    private static long sizeOf(Repo r, ObjectId id) throws IOException {
        try (ObjectReader reader = r.db().newObjectReader()) {
            return reader.getObjectSize(id, Constants.OBJ_BLOB);
        }
    }

    private static Optional<ObjectId> loose(Repo r, String rest) throws IOException {
        org.eclipse.jgit.lib.Ref ref = r.db().getRefDatabase().exactRef(RefKeys.refName(rest));
        return ref == null || ref.getObjectId() == null ? Optional.empty() : Optional.of(ref.getObjectId());
    }

    private static Optional<ObjectId> main(Repo r) throws IOException {
        org.eclipse.jgit.lib.Ref ref = r.db().getRefDatabase().exactRef(MAIN);
        return ref == null || ref.getObjectId() == null ? Optional.empty() : Optional.of(ref.getObjectId());
    }

    private static Optional<ObjectId> treeEntry(Repo r, ObjectId commit, String path) throws IOException {
        try (RevWalk rw = new RevWalk(r.db())) {
            RevCommit c = rw.parseCommit(commit);
            try (TreeWalk tw = TreeWalk.forPath(r.db(), path, c.getTree())) {
                if (tw == null || (tw.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) {
                    return Optional.empty();
                }
                return Optional.of(tw.getObjectId(0));
            }
        }
    }

    /** The dataset ref's value and version: {@code .coffer/ref.json} in main's commit, and the commit id. */
    private static Optional<Map.Entry<ObjectId, ObjectId>> datasetRef(Repo r) throws IOException {
        Optional<ObjectId> head = main(r);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        ObjectId blob = treeEntry(r, head.get(), META + REF_JSON).orElseThrow(() -> new IOException(
                "the main branch of " + r.dir() + " holds no " + META + REF_JSON + "; not a Coffer dataset"));
        return Optional.of(Map.entry(head.get(), blob));
    }

    static String revisionOf(RevCommit c) {
        for (String line : c.getFullMessage().split("\n")) {
            if (line.startsWith(TRAILER)) {
                return line.substring(TRAILER.length()).trim();
            }
        }
        return null;
    }

    /** The commit that published revision directory {@code dir}, if it is in main's history. */
    private static Optional<ObjectId> revisionCommit(Repo r, String dir) throws IOException {
        ObjectId cached = r.revisionCommits().get(dir);
        if (cached != null) {
            return Optional.of(cached);
        }
        for (Map.Entry<String, ObjectId> e : history(r).entrySet()) {
            if (e.getKey().equals(dir)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    /** Every published revision directory on main's first-parent chain, newest first, with its commit. */
    private static LinkedHashMap<String, ObjectId> history(Repo r) throws IOException {
        LinkedHashMap<String, ObjectId> out = new LinkedHashMap<>();
        Optional<ObjectId> head = main(r);
        if (head.isEmpty()) {
            return out;
        }
        try (RevWalk rw = new RevWalk(r.db())) {
            RevCommit c = rw.parseCommit(head.get());
            while (c != null) {
                String dir = revisionOf(c);
                if (dir != null) {
                    out.put(dir, c.copy());
                    r.revisionCommits().put(dir, c.copy());
                }
                c = c.getParentCount() == 0 ? null : rw.parseCommit(c.getParent(0));
            }
        }
        return out;
    }

    /** A key of a dataset repository inside a published revision: revisions/{dir}/path or revisions/{dir}.json. */
    private static Optional<ObjectId> committed(Repo r, String rest) throws IOException {
        if (!rest.startsWith("revisions/")) {
            return Optional.empty();
        }
        String tail = rest.substring("revisions/".length());
        int slash = tail.indexOf('/');
        String dir;
        String path;
        if (slash < 0) {
            if (!tail.endsWith(".json")) {
                return Optional.empty();
            }
            dir = tail.substring(0, tail.length() - ".json".length());
            path = META + "manifest.json";
        } else {
            dir = tail.substring(0, slash);
            path = tail.substring(slash + 1);
            if (path.startsWith(META)) {
                return Optional.empty();
            }
        }
        Optional<ObjectId> commit = revisionCommit(r, dir);
        return commit.isEmpty() ? Optional.empty() : treeEntry(r, commit.get(), path);
    }

    /** The blob a key names now, wherever it lives. */
    private Optional<ObjectId> find(Target t, Repo r) throws IOException {
        if (t.isDatasetRef()) {
            return datasetRef(r).map(Map.Entry::getValue);
        }
        Optional<ObjectId> id = loose(r, t.rest());
        if (id.isEmpty() && t.dataset() != null) {
            id = committed(r, t.rest());
        }
        return id;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public Optional<InputStream> open(String key) throws IOException {
        Target t = target(key);
        Repo r = repo(t, false);
        if (r == null) {
            return Optional.empty();
        }
        Optional<ObjectId> id = find(t, r);
        return id.isEmpty() ? Optional.empty() : Optional.of(openObject(r, id.get()));
    }

    @Override
    public Optional<InputStream> open(String key, long offset, long length) throws IOException {
        Target t = target(key);
        Repo r = repo(t, false);
        if (r == null) {
            return Optional.empty();
        }
        Optional<ObjectId> id = find(t, r);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        if (offset >= sizeOf(r, id.get()) || length <= 0) {
            return Optional.of(new ByteArrayInputStream(new byte[0]));
        }
        InputStream s = openObject(r, id.get());
        try {
            s.skipNBytes(offset);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return Optional.of(new BoundedInputStream(s, length));
    }

    @Override
    public Optional<BlobInfo> stat(String key) throws IOException {
        Target t = target(key);
        Repo r = repo(t, false);
        if (r == null) {
            return Optional.empty();
        }
        if (t.isDatasetRef()) {
            Optional<Map.Entry<ObjectId, ObjectId>> ref = datasetRef(r);
            return ref.isEmpty() ? Optional.empty()
                    : Optional.of(new BlobInfo(key, sizeOf(r, ref.get().getValue()), ref.get().getKey().name()));
        }
        Optional<ObjectId> id = find(t, r);
        return id.isEmpty() ? Optional.empty() : Optional.of(new BlobInfo(key, sizeOf(r, id.get()), id.get().name()));
    }

    @Override
    public Optional<Ref> getRef(String key) throws IOException {
        Target t = target(key);
        Repo r = repo(t, false);
        if (r == null) {
            return Optional.empty();
        }
        ObjectId version;
        ObjectId blob;
        if (t.isDatasetRef()) {
            Optional<Map.Entry<ObjectId, ObjectId>> ref = datasetRef(r);
            if (ref.isEmpty()) {
                return Optional.empty();
            }
            version = ref.get().getKey();
            blob = ref.get().getValue();
        } else {
            Optional<ObjectId> id = find(t, r);
            if (id.isEmpty()) {
                return Optional.empty();
            }
            version = id.get();
            blob = id.get();
        }
        try (InputStream in = openObject(r, blob)) {
            return Optional.of(new Ref(in.readAllBytes(), version.name()));
        }
    }

    @Override
    public List<BlobInfo> list(String prefix, int limit) throws IOException {
        BlobKeys.checkPrefix(prefix);
        TreeMap<String, BlobInfo> out = new TreeMap<>();
        Repo store = repo(new Target(root.resolve(STORE_REPO), "", null), false);
        if (store != null) {
            looseKeys(store, "", prefix, out);
        }
        for (DatasetId id : datasetsMatching(prefix)) {
            Repo r = repo(new Target(repositoryOf(id), "", id), false);
            if (r != null) {
                datasetKeys(r, "datasets/" + id.owner() + "/" + id.name() + "/", prefix, out);
            }
        }
        return out.values().stream().limit(Math.max(0, limit)).toList();
    }

    private static void looseKeys(Repo r, String base, String prefix, TreeMap<String, BlobInfo> out)
            throws IOException {
        // Only the part of the prefix inside this repository narrows the ref scan.
        String inner = prefix.length() > base.length() && prefix.startsWith(base) ? prefix.substring(base.length()) : "";
        for (org.eclipse.jgit.lib.Ref ref : r.db().getRefDatabase().getRefsByPrefix(RefKeys.refPrefix(inner))) {
            String key = base + RefKeys.key(ref.getName());
            if (key.startsWith(prefix) && ref.getObjectId() != null) {
                out.put(key, new BlobInfo(key, sizeOf(r, ref.getObjectId()), ref.getObjectId().name()));
            }
        }
    }

    private static void datasetKeys(Repo r, String base, String prefix, TreeMap<String, BlobInfo> out)
            throws IOException {
        if ((base + REF_JSON).startsWith(prefix)) {
            Optional<Map.Entry<ObjectId, ObjectId>> ref = datasetRef(r);
            if (ref.isPresent()) {
                out.put(base + REF_JSON, new BlobInfo(base + REF_JSON, sizeOf(r, ref.get().getValue()),
                        ref.get().getKey().name()));
            }
        }
        String revBase = base + "revisions/";
        if (revBase.startsWith(prefix) || prefix.startsWith(revBase)) {
            Map<String, ObjectId> revisions;
            String wanted = prefix.length() > revBase.length() ? prefix.substring(revBase.length()) : "";
            int slash = wanted.indexOf('/');
            if (slash > 0) {
                // A prefix naming one revision directory: look only at that revision.
                String dir = wanted.substring(0, slash);
                revisions = revisionCommit(r, dir).map(c -> Map.of(dir, c)).orElse(Map.of());
            } else {
                revisions = history(r);
            }
            for (Map.Entry<String, ObjectId> rev : revisions.entrySet()) {
                addRevisionFiles(r, revBase + rev.getKey(), rev.getValue(), prefix, out);
            }
        }
        // Staged (and any other) keys last: they win over the same key in a commit, holding the same bytes.
        looseKeys(r, base, prefix, out);
    }

    private static void addRevisionFiles(Repo r, String revKey, ObjectId commit, String prefix,
                                         TreeMap<String, BlobInfo> out) throws IOException {
        try (RevWalk rw = new RevWalk(r.db()); TreeWalk tw = new TreeWalk(r.db())) {
            tw.addTree(rw.parseCommit(commit).getTree());
            tw.setRecursive(true);
            while (tw.next()) {
                String path = tw.getPathString();
                ObjectId id = tw.getObjectId(0);
                String key;
                if (path.equals(META + "manifest.json")) {
                    key = revKey + ".json";
                } else if (path.startsWith(META)) {
                    continue;
                } else {
                    key = revKey + "/" + path;
                }
                if (key.startsWith(prefix)) {
                    out.put(key, new BlobInfo(key, sizeOf(r, id), id.name()));
                }
            }
        }
    }

    /** Datasets whose keys can start with {@code prefix}. */
    private List<DatasetId> datasetsMatching(String prefix) throws IOException {
        List<DatasetId> out = new ArrayList<>();
        if (!prefix.isEmpty() && !prefix.startsWith("datasets/") && !"datasets/".startsWith(prefix)) {
            return out;
        }
        String[] segs = prefix.isEmpty() ? new String[0] : prefix.split("/");
        for (String owner : dirNames(root.resolve("datasets"), false)) {
            if (segs.length >= 2 && !segs[1].equals(owner)) {
                continue;
            }
            for (String name : dirNames(root.resolve("datasets").resolve(owner), true)) {
                if (segs.length >= 3 && !segs[2].equals(name)) {
                    continue;
                }
                out.add(DatasetId.of(owner, name));
            }
        }
        return out;
    }

    /** Valid dataset names among the subdirectories of {@code dir} ({@code *.git} ones when {@code repos}). */
    private static List<String> dirNames(Path dir, boolean repos) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (repos) {
                    if (!n.endsWith(".git")) {
                        continue;
                    }
                    n = n.substring(0, n.length() - ".git".length());
                }
                if (DatasetId.isValidName(n)) {
                    out.add(n);
                }
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public List<String> children(String prefix) throws IOException {
        BlobKeys.checkPrefix(prefix);
        TreeSet<String> out = new TreeSet<>();
        Repo store = repo(new Target(root.resolve(STORE_REPO), "", null), false);
        if (store != null) {
            TreeMap<String, BlobInfo> keys = new TreeMap<>();
            looseKeys(store, "", prefix, keys);
            keys.keySet().forEach(k -> out.add(k.substring(prefix.length()).split("/", 2)[0]));
        }
        String[] segs = prefix.isEmpty() ? new String[0] : prefix.split("/");
        boolean datasetArea = segs.length == 0 || segs[0].equals("datasets");
        if (datasetArea && segs.length <= 2) {
            // Owners and names are directories; a repository counts once it holds any ref.
            for (DatasetId id : datasetsMatching(prefix)) {
                if (hasRefs(id)) {
                    out.add(segs.length == 0 ? "datasets" : segs.length == 1 ? id.owner() : id.name());
                }
            }
        } else if (datasetArea) {
            for (BlobInfo b : list(prefix, Integer.MAX_VALUE)) {
                out.add(b.key().substring(prefix.length()).split("/", 2)[0]);
            }
        }
        out.remove("");
        return new ArrayList<>(out);
    }

    private boolean hasRefs(DatasetId id) throws IOException {
        Repo r = repo(new Target(repositoryOf(id), "", id), false);
        return r != null && r.db().getRefDatabase().hasRefs();
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        Target t = target(key);
        if (t.isDatasetRef()) {
            throw new IOException(key + " is the dataset's branch; it changes only by compareAndSet");
        }
        if (t.dataset() != null && t.rest().startsWith("revisions/")) {
            checkPackagePath(t.rest());
        }
        Repo r = repo(t, true);
        ObjectId id = insertBlob(r, data, length);
        String name = RefKeys.refName(t.rest());
        RefUpdate.Result res = locked(r, name, () -> {
            RefUpdate u = r.db().updateRef(name);
            u.setNewObjectId(id);
            u.setForceUpdate(true);
            u.disableRefLog();
            return u.update();
        });
        switch (res) {
            case NEW, FORCED, NO_CHANGE, FAST_FORWARD -> {
            }
            default -> throw new IOException("could not write " + key + ": " + res);
        }
    }

    /** Package files become tree entries: refuse names git refuses and the store's own directory. */
    private static void checkPackagePath(String rest) {
        String[] segs = rest.split("/");
        for (String s : segs) {
            if (s.toLowerCase(Locale.ROOT).equals(".git")) {
                throw new CofferException(ErrorCode.INVALID_PATH, "a package file cannot be named .git");
            }
        }
        if (segs.length >= 3 && segs[2].equals(META.substring(0, META.length() - 1))) {
            throw new CofferException(ErrorCode.INVALID_PATH, "'.coffer/' is reserved in git stores");
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        Target t = target(key);
        Repo r = repo(t, false);
        if (r == null) {
            return false;
        }
        String name = t.isDatasetRef() ? MAIN : RefKeys.refName(t.rest());
        boolean existed = locked(r, name, () -> {
            if (r.db().getRefDatabase().exactRef(name) == null) {
                return false;
            }
            RefUpdate u = r.db().updateRef(name);
            u.setForceUpdate(true);
            u.disableRefLog();
            RefUpdate.Result res = u.delete();
            if (res != RefUpdate.Result.FORCED && res != RefUpdate.Result.NO_CHANGE) {
                throw new IOException("could not delete " + key + ": " + res);
            }
            return true;
        });
        if (!existed && t.dataset() != null && committed(r, t.rest()).isPresent()) {
            throw new IOException(key + " belongs to a published revision, which git history keeps; "
                    + "delete the dataset instead");
        }
        return existed;
    }

    @Override
    public CasOutcome compareAndSet(String key, String expectedVersion, byte[] value) {
        Target t = target(key);
        try {
            Repo r = repo(t, true);
            if (t.isDatasetRef()) {
                return switchDataset(r, expectedVersion, value);
            }
            ObjectId id = insertBlob(r, new ByteArrayInputStream(value), value.length);
            return casRef(r, RefKeys.refName(t.rest()), expectedVersion, id);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CofferException c && c.code() != ErrorCode.STORE_UNAVAILABLE) {
                throw c;
            }
            return new CasOutcome.Unknown(e instanceof Exception ex ? ex : new IOException(e));
        }
    }

    /** Moves a ref from {@code expected} (null: absent) to {@code next}, atomically, or reports who won. */
    private CasOutcome casRef(Repo r, String name, String expected, ObjectId next) throws IOException {
        if (expected != null && !ObjectId.isId(expected)) {
            return new CasOutcome.Conflict(current(r, name));
        }
        return locked(r, name, () -> {
            String now = current(r, name);
            if (expected == null ? now != null : !expected.equals(now)) {
                return new CasOutcome.Conflict(now);
            }
            RefUpdate u = r.db().updateRef(name);
            u.setExpectedOldObjectId(expected == null ? ObjectId.zeroId() : ObjectId.fromString(expected));
            u.setNewObjectId(next);
            u.setForceUpdate(true);
            u.disableRefLog();
            RefUpdate.Result res = u.update();
            return switch (res) {
                case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> new CasOutcome.Committed(next.name());
                case LOCK_FAILURE, REJECTED, REJECTED_CURRENT_BRANCH, REJECTED_MISSING_OBJECT,
                     REJECTED_OTHER_REASON -> new CasOutcome.Conflict(current(r, name));
                default -> new CasOutcome.Unknown(new IOException("ref update of " + name + ": " + res));
            };
        });
    }

    private static String current(Repo r, String name) throws IOException {
        org.eclipse.jgit.lib.Ref ref = r.db().getRefDatabase().exactRef(name);
        return ref == null || ref.getObjectId() == null ? null : ref.getObjectId().name();
    }

    /**
     * The publish switch: commit the revision that {@code value} names as latest (its staged files, manifest
     * and the new ref value) on top of the expected commit, then move main by compare-and-set.
     */
    private CasOutcome switchDataset(Repo r, String expected, byte[] value) throws IOException {
        JsonNode ref = Json.parse(value, "dataset ref");
        boolean deleted = ref.path("deleted").asBoolean(false);
        long latest = ref.path("latest").asLong(0);
        String dir = null;
        for (JsonNode rev : ref.path("revisions")) {
            if (rev.path("revision").asLong() == latest) {
                dir = rev.path("dir").asText(null);
            }
        }
        if (expected != null && !ObjectId.isId(expected)) {
            return new CasOutcome.Conflict(current(r, MAIN));
        }
        Map<String, ObjectId> files = new TreeMap<>();
        List<String> staged = new ArrayList<>();
        if (!deleted && latest > 0) {
            if (dir == null || !dir.matches("[0-9A-Za-z_-]+")) {
                throw new CofferException(ErrorCode.INVALID_DATA, "the dataset ref names no revision directory");
            }
            collectRevision(r, dir, files, staged);
        }
        ObjectId commit;
        try (ObjectInserter ins = r.db().newObjectInserter()) {
            files.put(META + REF_JSON, ins.insert(Constants.OBJ_BLOB, value));
            DirCache index = DirCache.newInCore();
            DirCacheBuilder b = index.builder();
            for (Map.Entry<String, ObjectId> f : files.entrySet()) {
                DirCacheEntry e = new DirCacheEntry(f.getKey());
                e.setFileMode(FileMode.REGULAR_FILE);
                e.setObjectId(f.getValue());
                b.add(e);
            }
            b.finish();
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(index.writeTree(ins));
            // A delete starts a parentless history, so the deleted revisions become unreachable.
            if (expected != null && !deleted) {
                cb.setParentId(ObjectId.fromString(expected));
            }
            PersonIdent who = new PersonIdent(committer, Instant.now());
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage(deleted ? "Delete the dataset\n\nCoffer-Deleted: true\n"
                    : latest > 0 ? "Publish revision " + latest + "\n\n" + TRAILER + dir + "\n"
                    : "Update the dataset ref\n");
            commit = ins.insert(cb);
            ins.flush();
        }
        CasOutcome outcome = casRef(r, MAIN, expected, commit);
        if (outcome instanceof CasOutcome.Committed) {
            if (deleted) {
                r.revisionCommits().clear();
            } else if (dir != null) {
                r.revisionCommits().put(dir, commit);
            }
            dropStaged(r, staged);
            if (remote != null && r.dataset() != null) {
                remote.pushLater(r.db(), r.dataset());
            }
        }
        return outcome;
    }

    /** The files of revision {@code dir}: staged ones, or those of its commit when already published. */
    private static void collectRevision(Repo r, String dir, Map<String, ObjectId> files, List<String> staged)
            throws IOException {
        String filesPrefix = "revisions/" + dir + "/";
        for (org.eclipse.jgit.lib.Ref ref : r.db().getRefDatabase().getRefsByPrefix(RefKeys.refPrefix(filesPrefix))) {
            String key = RefKeys.key(ref.getName());
            files.put(key.substring(filesPrefix.length()), ref.getObjectId());
            staged.add(ref.getName());
        }
        Optional<ObjectId> manifest = loose(r, "revisions/" + dir + ".json");
        if (manifest.isPresent()) {
            files.put(META + "manifest.json", manifest.get());
            staged.add(RefKeys.refName("revisions/" + dir + ".json"));
        }
        if (files.isEmpty()) {
            Optional<ObjectId> commit = revisionCommit(r, dir);
            if (commit.isEmpty()) {
                throw new CofferException(ErrorCode.INVALID_DATA, "revision " + dir + " has no files to publish");
            }
            try (RevWalk rw = new RevWalk(r.db()); TreeWalk tw = new TreeWalk(r.db())) {
                tw.addTree(rw.parseCommit(commit.get()).getTree());
                tw.setRecursive(true);
                while (tw.next()) {
                    if (!tw.getPathString().equals(META + REF_JSON)) {
                        files.put(tw.getPathString(), tw.getObjectId(0));
                    }
                }
            }
        } else if (manifest.isEmpty()) {
            throw new CofferException(ErrorCode.INVALID_DATA, "revision " + dir + " has no manifest");
        }
    }

    /** After the switch the revision's files live in its commit; their staging refs can go (best effort). */
    private void dropStaged(Repo r, List<String> names) {
        for (String name : names) {
            try {
                locked(r, name, () -> {
                    RefUpdate u = r.db().updateRef(name);
                    u.setForceUpdate(true);
                    u.disableRefLog();
                    return u.delete();
                });
            } catch (IOException | RuntimeException e) {
                LOG.debug("staging ref {} left in {}: {}", name, r.dir(), e.toString());
            }
        }
    }

    @Override
    public String describe() {
        return "git " + root + (remote == null ? "" : ", pushing to " + remote.describe());
    }

    @Override
    public void close() {
        if (remote != null) {
            remote.close();
        }
        for (Repo r : repos.values()) {
            r.db().close();
        }
        repos.clear();
    }
}
