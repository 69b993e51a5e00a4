package io.coffer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.meta.Visibility;
import io.coffer.meta.auth.DatasetService;
import io.coffer.model.DatasetId;
import io.coffer.model.Json;
import io.coffer.service.PublishService;
import io.coffer.store.Revision;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes to datasets: publish a revision (a zip, streamed) through {@link PublishService}, the one publish path,
 * delete, change visibility. Handlers translate HTTP into calls on the services, which authorize before anything
 * is read or changed.
 */
final class PublishRoutes {
    private final DatasetService datasets;
    private final PublishService publisher;
    private final long maxUploadBytes;
    private final Path uploadDir;

    PublishRoutes(DatasetService datasets, PublishService publisher, long maxUploadBytes, Path uploadDir) {
        this.datasets = datasets;
        this.publisher = publisher;
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
        // Limits are checked before the body is touched; the service authorizes before it reads the input.
        Uploads.checkDeclaredLength(ctx.req().getContentLengthLong(), maxUploadBytes);
        String mode = ctx.queryParam("mode");
        if (mode != null && !mode.equals("replace") && !mode.equals("upsert")) {
            throw new io.coffer.model.CofferException(io.coffer.model.ErrorCode.BAD_REQUEST,
                    "mode must be replace (the default) or upsert");
        }
        PublishService.Request request = new PublishService.Request(id, visibility, expectedLatest(ctx),
                "true".equals(ctx.queryParam("breaking")),
                "upsert".equals(mode) ? PublishService.Mode.UPSERT : PublishService.Mode.REPLACE,
                "true".equals(ctx.queryParam("allowInvalid")));
        PublishService.Published published = publisher.publish(Authn.principal(ctx), request, () -> {
            Uploads.checkZip(ctx.contentType());
            Uploads.Staged staged = Uploads.stageZip(ctx.req().getInputStream(), maxUploadBytes, uploadDir);
            return new PublishService.Staged() {
                @Override
                public Path dir() {
                    return staged.root();
                }

                @Override
                public void close() {
                    staged.close();
                }
            };
        });
        Revision rev = published.revision();
        ObjectNode o = Json.object();
        o.put("id", id.toString());
        o.put("revision", rev.revision());
        o.put("files", rev.files().size());
        o.put("bytes", rev.bytes());
        if (published.upsert() != null) {
            io.coffer.versions.Upsert.Result r = published.upsert();
            o.putObject("upsert").put("onto", published.basedOn()).put("updated", r.updated())
                    .put("inserted", r.inserted()).put("deleted", r.deleted()).put("unknownDeletes", r.unknownDeletes())
                    .put("rows", r.rows());
        }
        if (published.report() != null && !published.report().valid()) {
            // Only with allowInvalid: what was published in spite of the schema.
            o.put("invalidRows", published.report().errorCount());
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
