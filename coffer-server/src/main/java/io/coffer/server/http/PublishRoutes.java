package io.coffer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.meta.Visibility;
import io.coffer.meta.auth.DatasetService;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.store.Revision;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import io.coffer.store.DataStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes to datasets: publish a revision (a zip, streamed), delete, change visibility. Handlers translate
 * HTTP into calls on {@link DatasetService}, which authorizes before anything is read or changed.
 */
final class PublishRoutes {
    private final io.coffer.versions.Versions versions;
    private final DatasetService datasets;
    private final long maxUploadBytes;
    private final Path uploadDir;

    PublishRoutes(DatasetService datasets, long maxUploadBytes, Path uploadDir, io.coffer.versions.Versions versions) {
        this.versions = versions;
        this.datasets = datasets;
        this.maxUploadBytes = maxUploadBytes;
        this.uploadDir = uploadDir;
    }

    void register(RoutesConfig routes) {
        routes.put("/api/datasets/{owner}/{name}", this::publish);
        routes.delete("/api/datasets/{owner}/{name}", this::delete);
        routes.patch("/api/datasets/{owner}/{name}", this::patch);
    }

    private void publish(Context ctx) throws IOException {
        DatasetId id = DatasetRoutes.id(ctx);
        String v = ctx.queryParam("visibility");
        Visibility visibility = v == null ? null : Visibility.parse(v);
        // Limits are checked before the body is touched; the service authorizes before it calls the stager.
        Uploads.checkDeclaredLength(ctx.req().getContentLengthLong(), maxUploadBytes);
        boolean breaking = "true".equals(ctx.queryParam("breaking"));
        String mode = ctx.queryParam("mode");
        if (mode != null && !mode.equals("replace") && !mode.equals("upsert")) {
            throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.BAD_REQUEST,
                    "mode must be replace (the default) or upsert");
        }
        boolean upsert = "upsert".equals(mode);
        Long expected = expectedLatest(ctx);
        Upserted[] merged = new Upserted[1];
        Revision rev = datasets.publish(Authn.principal(ctx), id, visibility, expected, () -> {
            Uploads.checkZip(ctx.contentType());
            DatasetService.StagedPackage staged = Uploads.stageZip(ctx.req().getInputStream(), maxUploadBytes, uploadDir);
            try {
                if (upsert) {
                    merged[0] = merge(id, (Uploads.Staged) staged, expected);
                    staged = merged[0];
                }
                // Schema compatibility with the latest revision: a breaking change needs ?breaking=true.
                io.coffer.versions.Semver.checkPublish(datasets.store(), id,
                        io.coffer.model.DataPackage.read(staged.source().descriptor()), breaking);
            } catch (IOException | RuntimeException e) {
                staged.close();
                throw e;
            }
            return staged;
        });
        ObjectNode o = Json.object();
        o.put("id", id.toString());
        o.put("revision", rev.revision());
        o.put("files", rev.files().size());
        o.put("bytes", rev.bytes());
        if (merged[0] != null) {
            io.coffer.versions.Upsert.Result r = merged[0].result();
            o.putObject("upsert").put("onto", merged[0].basedOn()).put("updated", r.updated())
                    .put("inserted", r.inserted()).put("deleted", r.deleted()).put("unknownDeletes", r.unknownDeletes())
                    .put("rows", r.rows());
        }
        o.put("api", "/api/datasets/" + id.owner() + "/" + id.name() + "?revision=" + rev.revision());
        ctx.header("Location", "/api/datasets/" + id.owner() + "/" + id.name() + "?revision=" + rev.revision());
        ctx.status(201);
        DatasetRoutes.json(ctx, o);
    }

    /**
     * The optimistic-concurrency precondition of a publish: {@code If-Match: "r7"} (the ETag of
     * {@code GET /api/datasets/{owner}/{name}}) publishes only over revision 7; {@code If-None-Match: *} only
     * creates. A publish that loses gets 409, whether it lost before its upload was read or at the switch.
     */
    static Long expectedLatest(Context ctx) {
        String ifMatch = ctx.header("If-Match");
        String ifNoneMatch = ctx.header("If-None-Match");
        if (ifMatch != null && ifNoneMatch != null) {
            throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.BAD_REQUEST,
                    "send If-Match or If-None-Match, not both");
        }
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.strip().equals("*")) {
                throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.BAD_REQUEST,
                        "If-None-Match on a publish must be * (create only)");
            }
            return 0L;
        }
        if (ifMatch == null) {
            return null;
        }
        java.util.regex.Matcher m = ETAG.matcher(ifMatch.strip());
        if (!m.matches()) {
            throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.BAD_REQUEST,
                    "If-Match must be one dataset ETag such as \"r7\" (from GET /api/datasets/{owner}/{name})");
        }
        return Long.parseLong(m.group(1));
    }

    private static final java.util.regex.Pattern ETAG = java.util.regex.Pattern.compile("\"r([1-9][0-9]{0,17})\"");

    /** The dataset's ETag: its latest revision. */
    static String etag(long latest) {
        return "\"r" + latest + "\"";
    }

    /** The reserved name, at the package root of an upsert upload, of the CSV of primary keys to remove. */
    static final String DELETES_FILE = CofferServer.UPSERT_DELETES_FILE;

    /** An upsert's merged full package (in its own temporary folder), built on one revision. */
    record Upserted(Path dir, io.coffer.store.PackageSource source, Long basedOn, io.coffer.versions.Upsert.Result result,
                    Uploads.Staged upload) implements DatasetService.StagedPackage {

        @Override
        public void close() {
            upload.close();
            Uploads.deleteTree(dir);
        }
    }

    /**
     * Merges an upload of changed and new rows (and {@value #DELETES_FILE}, keys to remove) into the latest
     * revision (or the one named by If-Match), as {@code coffer publish --mode upsert} does. The merged package is
     * published only over the revision it was built on.
     */
    private Upserted merge(DatasetId id, Uploads.Staged upload, Long expected) throws IOException {
        DataStore store = datasets.store();
        if (!store.exists(id)) {
            throw io.coffer.model.CofferException.notFound("dataset " + id
                    + " does not exist; publish it in full before sending changes");
        }
        Revision previous = store.revision(id, expected);
        Path deletes = upload.root().resolve(DELETES_FILE);
        Path dir = Files.createTempDirectory(uploadDir, "upsert-");
        try {
            io.coffer.versions.Upsert.Result r = io.coffer.versions.Upsert.stage(versions, store, previous, upload.root(),
                    Files.isRegularFile(deletes, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? deletes : null,
                    dir.resolve("package"));
            return new Upserted(dir, io.coffer.store.PackageSource.directory(dir.resolve("package")),
                    previous.revision(), r, upload);
        } catch (RuntimeException e) {
            Uploads.deleteTree(dir);
            throw e;
        }
    }

    private void delete(Context ctx) {
        datasets.delete(Authn.principal(ctx), DatasetRoutes.id(ctx));
        ctx.status(204);
    }

    private void patch(Context ctx) {
        DatasetId id = DatasetRoutes.id(ctx);
        Visibility v = Visibility.parse(Bodies.required(Bodies.json(ctx), "visibility"));
        datasets.setVisibility(Authn.principal(ctx), id, v);
        DatasetRoutes.json(ctx, Json.object().put("id", id.toString()).put("visibility", v.code()));
    }
}
