package io.coffer.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.loader.Report;
import io.coffer.loader.TerminalProgress;
import io.coffer.meta.auth.Principal;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.service.PublishService;
import io.coffer.store.DataStore;
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

    @picocli.CommandLine.Mixin
    MetaOption meta;

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

    @Option(names = "--mode", defaultValue = "replace", paramLabel = "replace|upsert",
            description = "replace (default): the package is the full new data. upsert: the keyed resource's data file "
                    + "holds changed and new rows only; they are merged into the latest revision (rows with the same "
                    + "primary key are replaced) to publish a new full revision.")
    String mode;

    @Option(names = "--deletes", paramLabel = "FILE",
            description = "With --mode upsert: a CSV of primary keys (header: the key fields) to remove.")
    Path deletes;

    @Option(names = "--breaking", description = "Allow a breaking schema change (a dropped field, a narrowed type, "
            + "a new required field, another primary key); the revision gets a new major version.")
    boolean breaking;

    @Option(names = "--expect-revision", paramLabel = "N",
            description = "Publish only if the dataset's latest revision is still N (0: only if the dataset does not "
                    + "exist yet); otherwise nothing is published and the exit code is 3. Guards against replacing a "
                    + "revision you have not seen. Works locally, with --remote and with --mode upsert.")
    Long expectRevision;

    @Option(names = "--max-upload-bytes", defaultValue = "${env:COFFER_MAX_UPLOAD_BYTES:-536870912}",
            description = "Largest package to publish in bytes (default 512 MiB), as on the server. "
                    + "Env: COFFER_MAX_UPLOAD_BYTES.")
    long maxUploadBytes;

    /** This command's one DuckDB (upsert merge, history, static aggregates), started on first use. */
    private io.coffer.engine.DuckRuntime runtime;
    private io.coffer.engine.EngineConfig engineConfig;

    private io.coffer.engine.DuckRuntime runtime() {
        if (runtime == null) {
            engineConfig = io.coffer.engine.EngineConfig.fromEnvironment(System.getenv());
            runtime = io.coffer.engine.DuckRuntime.start(engineConfig,
                    io.coffer.server.http.VersionRoutes.workDir(engineConfig));
        }
        return runtime;
    }

    private io.coffer.versions.Versions versions(DataStore ds) {
        io.coffer.engine.DuckRuntime rt = runtime();
        return new io.coffer.versions.Versions(ds, io.coffer.server.http.VersionRoutes.workDir(engineConfig), rt);
    }

    @Override
    public Integer call() throws Exception {
        try {
            return run();
        } finally {
            if (runtime != null) {
                runtime.close();
            }
        }
    }

    private Integer run() throws Exception {
        if (expectRevision != null && expectRevision < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--expect-revision must be 0 (the dataset must not exist yet) or a revision number");
        }
        if (!mode.equals("replace") && !mode.equals("upsert")) {
            throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.BAD_REQUEST,
                    "--mode must be replace or upsert");
        }
        if (deletes != null && !mode.equals("upsert")) {
            throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.BAD_REQUEST,
                    "--deletes needs --mode upsert");
        }
        Path dir = Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
        DatasetId id = datasetId(PackageSource.directory(source));
        boolean upsert = mode.equals("upsert");
        if (remote != null) {
            return publishRemote(dir, id, upsert);
        }
        // A local publish claims its owner namespace first (the operator's act), so nobody can claim it later.
        OwnerClaim.ensure(spec, meta, id.owner());
        try (DataStore ds = StoreOption.of(spec).open()) {
            Path work = Files.createTempDirectory("coffer-publish-");
            // An upsert merges on this command's DuckDB; a full publish does not need it for the merge.
            try (io.coffer.versions.Versions merging = upsert ? versions(ds) : null) {
                PublishService service = new PublishService(ds, PublishService.storeSink(ds), merging,
                        maxUploadBytes, work);
                PublishService.Request request = new PublishService.Request(id, null, expectRevision, breaking,
                        upsert ? PublishService.Mode.UPSERT : PublishService.Mode.REPLACE, allowInvalid);
                // The local operator owns the store: no account is asked, every check of a server publish runs.
                PublishService.Published p = service.publish(Principal.SYSTEM, request,
                        () -> PublishService.Staged.of(dir, deletes), TerminalProgress.forConsole());
                if (p.upsert() != null) {
                    printUpsert(p.basedOn(), p.upsert().updated(), p.upsert().inserted(), p.upsert().deleted(),
                            p.upsert().rows(), p.upsert().unknownDeletes());
                }
                reportInvalid(p.report());
                Revision rev = p.revision();
                spec.commandLine().getOut().printf("published %s revision %d (%d files, %d bytes)%n", id, rev.revision(),
                        rev.files().size(), rev.bytes());
                writeVersions(ds, rev);
                writeStaticAggregates(ds, rev);
            } finally {
                try (var walk = Files.walk(work)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
                }
            }
        }
        return 0;
    }

    /**
     * Checked here first (so a bad package is not uploaded), then sent; the server runs the same checks again.
     * An upsert sends the changes (and --deletes) as they are: the server merges them.
     */
    private Integer publishRemote(Path dir, DatasetId id, boolean upsert) throws Exception {
        if (!upsert) {
            reportInvalid(PublishService.check(dir, allowInvalid, Long.MAX_VALUE, TerminalProgress.forConsole()));
        }
        RemotePublish.Result r = RemotePublish.publish(PackageSource.directory(dir), remote, id,
                RemotePublish.token(tokenFile, token), makePrivate, breaking, expectRevision, upsert, deletes,
                allowInvalid);
        if (r.upsert() != null) {
            JsonNode u = r.upsert();
            printUpsert(u.path("onto").asLong(), u.path("updated").asLong(), u.path("inserted").asLong(),
                    u.path("deleted").asLong(), u.path("rows").asLong(), u.path("unknownDeletes").asLong());
        }
        spec.commandLine().getOut().printf("published %s revision %d (%d files, %d bytes) to %s%n", id, r.revision(),
                r.files(), r.bytes(), remote);
        return 0;
    }

    private void printUpsert(long onto, long updated, long inserted, long deleted, long rows, long unknownDeletes) {
        spec.commandLine().getOut().printf("upsert onto revision %d: %d updated, %d added, %d deleted, %d rows%n",
                onto, updated, inserted, deleted, rows);
        if (unknownDeletes > 0) {
            spec.commandLine().getErr().printf("coffer: %d key(s) in %s were not in revision %d%n",
                    unknownDeletes, deletes, onto);
        }
    }

    /** With --allow-invalid, what is published in spite of the schema (a refusal prints it through the error). */
    private void reportInvalid(Report report) {
        if (report == null || report.valid()) {
            return;
        }
        var err = spec.commandLine().getErr();
        List<String> lines = report.toText();
        lines.stream().limit(25).forEach(err::println);
        if (lines.size() > 25) {
            err.println("  ... " + (lines.size() - 25) + " more lines: run 'coffer validate " + source + "'");
        }
        err.println("coffer: publishing anyway (--allow-invalid)");
    }

    private DatasetId datasetId(PackageSource src) throws java.io.IOException {
        String n = name;
        if (n == null) {
            String pkgName = DataPackage.read(src.descriptor()).name();
            Path dir = Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
            n = DatasetId.slugify(pkgName != null ? pkgName : dir.toAbsolutePath().getFileName().toString());
        }
        return DatasetId.of(owner, n);
    }

    /**
     * The revision's semver (kept in derived/{dir}/version.json) and, for a keyed resource, its record history
     * (derived/{dir}/history/...). Like static aggregates: reported, not undone, on failure.
     */
    private void writeVersions(DataStore ds, Revision rev) {
        try {
            io.coffer.versions.Semver.Info info = io.coffer.versions.Semver.of(ds, rev.dataset(), rev.revision());
            spec.commandLine().getOut().printf("version %s (%s%s)%n", info.version(), info.level().code(),
                    info.reasons().isEmpty() ? "" : ": " + String.join("; ", info.reasons()));
            try (io.coffer.versions.Versions v = versions(ds)) {
                io.coffer.versions.Versions.Keyed k = v.keyed(rev, null);
                if (!k.key().isEmpty()) {
                    io.coffer.versions.History.build(v, rev, k.name());
                    spec.commandLine().getOut().printf("record history: %s%n",
                            io.coffer.versions.History.key(rev, k.name()));
                }
            }
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("coffer: published, but the version/history were not written: "
                    + e.getMessage());
        }
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
            java.util.List<String> files;
            io.coffer.engine.DuckRuntime rt = runtime();
            try (io.coffer.engine.CofferEngine engine = new io.coffer.engine.CofferEngine(ds, engineConfig, rt)) {
                files = engine.staticAggregates().write(rev);
            }
            spec.commandLine().getOut().printf("static aggregates: %d files under %s%n", files.size(),
                    io.coffer.engine.StaticAggregates.prefix(rev));
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("coffer: published, but static aggregates were not written: "
                    + e.getMessage());
        }
    }
}
