package io.coffer.service;

import io.coffer.loader.ProgressListener;
import io.coffer.loader.Report;
import io.coffer.loader.ValidationOptions;
import io.coffer.loader.Validator;
import io.coffer.meta.Visibility;
import io.coffer.meta.auth.DatasetService;
import io.coffer.meta.auth.Principal;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.store.DataStore;
import io.coffer.store.PackageChecker;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import io.coffer.versions.Semver;
import io.coffer.versions.Upsert;
import io.coffer.versions.Versions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The one way a package becomes a revision, whoever sends it (CLI, HTTP PUT, wizard, import, mirrors): the
 * write is authorized first, then the input is read, then every check runs in one order (size, descriptor,
 * files, headers and model, every row, schema compatibility with the revision it replaces), and only a
 * package that passed them all reaches the store, switched over the expected revision. Entry points differ
 * only in how they read their input and render the outcome.
 */
public final class PublishService {
    /** How many errors of one kind a refusal lists; the full report is {@code coffer validate}'s. */
    static final int MAX_ERRORS_PER_TYPE = 20;

    /** The name, at a package's root, of an upsert's CSV of primary keys to remove. */
    public static final String UPSERT_DELETES_FILE = "coffer-deletes.csv";

    public enum Mode {
        /** The package is the whole new revision. */
        REPLACE,
        /** The package holds changed and new rows (and {@value #UPSERT_DELETES_FILE}), merged into the latest. */
        UPSERT
    }

    /**
     * What to publish and under which conditions. {@code visibility} null keeps the dataset's (public for a
     * new one); {@code expectedLatest} null publishes over any revision, 0 only creates.
     */
    public record Request(DatasetId id, Visibility visibility, Long expectedLatest, boolean breaking, Mode mode,
                          boolean allowInvalid) {
        public static Request replace(DatasetId id) {
            return new Request(id, null, null, false, Mode.REPLACE, false);
        }

        public Request withExpectedLatest(Long expected) {
            return new Request(id, visibility, expected, breaking, mode, allowInvalid);
        }
    }

    /** A package on local disk, read from the entry point's input; removed (if temporary) on close. */
    public interface Staged extends AutoCloseable {
        /** The package's folder: {@code datapackage.json} and its files. */
        Path dir();

        @Override
        void close();

        /** An upsert's CSV of primary keys to remove, or null: by default {@value #UPSERT_DELETES_FILE} in the package. */
        default Path deletes() {
            Path d = dir().resolve(UPSERT_DELETES_FILE);
            return Files.isRegularFile(d, LinkOption.NOFOLLOW_LINKS) ? d : null;
        }

        /** A folder the caller owns and keeps; {@code deletes} (null: none) lists keys an upsert removes. */
        static Staged of(Path dir, Path deletes) {
            return new Staged() {
                @Override
                public Path dir() {
                    return dir;
                }

                @Override
                public Path deletes() {
                    return deletes;
                }

                @Override
                public void close() {
                }
            };
        }

        static Staged of(Path dir) {
            return of(dir, null);
        }
    }

    /** Reads the entry point's input (a request body, an upload, a folder); called only once authorized. */
    @FunctionalInterface
    public interface Input {
        Staged stage() throws IOException;
    }

    /**
     * Where a checked package is written: the guarded {@link DatasetService} on a server (authorization,
     * visibility, change log), or the store itself for its local operator ({@link #storeSink}).
     */
    @FunctionalInterface
    public interface Sink {
        Revision publish(Principal p, DatasetId id, Visibility visibility, Long expectedLatest,
                         DatasetService.Stager stager) throws IOException;
    }

    /**
     * The outcome of a committed publish: the revision, the validation report (warnings, and errors when
     * {@code allowInvalid}), and for an upsert the revision it was merged onto with its counts.
     */
    public record Published(Revision revision, Report report, Long basedOn, Upsert.Result upsert) {
    }

    private final DataStore store;
    private final Sink sink;
    private final Versions versions;
    private final long maxPackageBytes;
    private final Path workDir;

    /**
     * @param versions the process's versions tools over the same store (an upsert's merge), or null: no upserts
     * @param maxPackageBytes the largest package (sum of its files) any entry point may publish
     * @param workDir where an upsert's merged package is built
     */
    public PublishService(DataStore store, Sink sink, Versions versions, long maxPackageBytes, Path workDir) {
        this.store = store;
        this.sink = sink;
        this.versions = versions;
        this.maxPackageBytes = maxPackageBytes;
        this.workDir = workDir;
    }

    /**
     * For the local operator of {@code store} (CLI import, mirrors): full publishes straight into the store, no
     * upsert (it needs the versions tools, which these callers do not use).
     */
    public static PublishService local(DataStore store, long maxPackageBytes) {
        return new PublishService(store, storeSink(store), null, maxPackageBytes,
                Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** The local operator's sink: straight into the store (the server's start-up reconciliation logs it). */
    public static Sink storeSink(DataStore store) {
        return (p, id, visibility, expected, stager) -> {
            if (expected != null) {
                // Before the input is read and checked; the switch checks again, atomically.
                DataStore.requireLatest(id, store.latestRevision(id), expected);
            }
            try (DatasetService.StagedPackage pkg = stager.stage()) {
                return store.publish(id, pkg.source(), expected != null ? expected : pkg.basedOn());
            }
        };
    }

    public DataStore store() {
        return store;
    }

    public long maxPackageBytes() {
        return maxPackageBytes;
    }

    /** Publishes {@code input} as {@code r} asks, or throws a {@link CofferException} with the refusal's code. */
    public Published publish(Principal p, Request r, Input input) throws IOException {
        return publish(p, r, input, ProgressListener.NONE);
    }

    public Published publish(Principal p, Request r, Input input, ProgressListener progress) throws IOException {
        Report[] report = new Report[1];
        Upsert.Result[] merged = new Upsert.Result[1];
        Long[] basedOn = new Long[1];
        Revision rev = sink.publish(p, r.id(), r.visibility(), r.expectedLatest(), () -> {
            Staged in = input.stage();
            Staged pkg = in;
            try {
                if (r.mode() == Mode.UPSERT) {
                    Revision previous = onto(r);
                    Path dir = Files.createTempDirectory(workDir, "upsert-");
                    pkg = merged(in, dir);
                    merged[0] = merge(previous, in, dir.resolve("package"));
                    basedOn[0] = previous.revision();
                }
                report[0] = check(pkg.dir(), r.allowInvalid(), maxPackageBytes, progress);
                DataPackage next = DataPackage.read(PackageSource.directory(pkg.dir()).descriptor());
                // Against the revision it replaces; the switch then checks atomically that it still is the latest.
                Semver.checkPublish(store, r.id(), next, r.breaking());
                return staged(pkg, basedOn[0]);
            } catch (IOException | RuntimeException e) {
                pkg.close();
                throw e;
            }
        });
        return new Published(rev, report[0], basedOn[0], merged[0]);
    }

    /**
     * The checks of every publish, in order, on a package folder: its size, the descriptor against the
     * Data Package profile, every file present, CSV headers equal to the schema, the fiscal model naming
     * existing fields, then every row against the schema. Refuses with {@link ErrorCode#PAYLOAD_TOO_LARGE},
     * {@link ErrorCode#INVALID_DESCRIPTOR} or {@link ErrorCode#INVALID_DATA} (with the report's lines as
     * details); with {@code allowInvalid}, invalid rows are returned in the report instead.
     */
    public static Report check(Path dir, boolean allowInvalid, long maxPackageBytes, ProgressListener progress)
            throws IOException {
        requireSize(dir, maxPackageBytes);
        PackageSource src = PackageSource.directory(dir);
        PackageChecker.check(src.descriptor(), src);
        Report report = Validator.validate(dir, ValidationOptions.DEFAULT.withMaxErrorsPerType(MAX_ERRORS_PER_TYPE),
                progress);
        if (!report.valid() && !allowInvalid) {
            throw new CofferException(ErrorCode.INVALID_DATA, "not published: the data does not match its schema ("
                    + report.errorCount() + " error" + (report.errorCount() == 1 ? "" : "s") + ")", report.toText());
        }
        return report;
    }

    /** Refuses a package whose files add up to more than the limit, before any of them is read. */
    static void requireSize(Path dir, long maxBytes) throws IOException {
        long total = 0;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    total += Files.size(f);
                    if (total > maxBytes) {
                        throw new CofferException(ErrorCode.PAYLOAD_TOO_LARGE, "not published: the package is larger"
                                + " than the limit of " + maxBytes + " bytes (setting maxUploadBytes)");
                    }
                }
            }
        }
    }

    private Revision onto(Request r) {
        if (!store.exists(r.id())) {
            throw CofferException.notFound("dataset " + r.id() + " does not exist; publish it in full before sending changes");
        }
        Revision previous = store.revision(r.id(), r.expectedLatest());
        DataStore.requireLatest(r.id(), store.latestRevision(r.id()), previous.revision());
        return previous;
    }

    private Upsert.Result merge(Revision previous, Staged changes, Path into) {
        if (versions == null) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "this entry point publishes whole packages only, not upserts");
        }
        return Upsert.stage(versions, store, previous, changes.dir(), changes.deletes(), into);
    }

    /** The merged package in {@code dir}/package; closing it removes {@code dir} and closes the input. */
    private static Staged merged(Staged input, Path dir) {
        return new Staged() {
            @Override
            public Path dir() {
                return dir.resolve("package");
            }

            @Override
            public void close() {
                try {
                    input.close();
                } finally {
                    deleteTree(dir);
                }
            }
        };
    }

    private static DatasetService.StagedPackage staged(Staged pkg, Long basedOn) {
        return new DatasetService.StagedPackage() {
            @Override
            public PackageSource source() {
                return PackageSource.directory(pkg.dir());
            }

            @Override
            public Long basedOn() {
                return basedOn;
            }

            @Override
            public void close() {
                pkg.close();
            }
        };
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temporary folder
        }
    }
}
