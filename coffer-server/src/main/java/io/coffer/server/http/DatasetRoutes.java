package io.coffer.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.FileEntry;
import io.coffer.store.Revision;
import io.coffer.store.RevisionInfo;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** The JSON API over datasets: {@code /api/datasets}, one dataset, its revisions. */
public final class DatasetRoutes {
    private final DataStore store;
    private final ReadAccess access;

    public DatasetRoutes(DataStore store) {
        this(store, ReadAccess.PUBLIC);
    }

    public DatasetRoutes(DataStore store, ReadAccess access) {
        this.store = store;
        this.access = access;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/datasets", this::list);
        routes.get("/api/datasets/{owner}/{name}", this::show);
        routes.get("/api/datasets/{owner}/{name}/revisions", this::revisions);
    }

    static DatasetId id(Context ctx) {
        return DatasetId.of(ctx.pathParam("owner"), ctx.pathParam("name"));
    }

    /** {@code ?revision=N} (a positive number) or the latest. */
    static Long revisionParam(Context ctx) {
        String r = ctx.queryParam("revision");
        return r == null || r.isBlank() ? null : parseRevision(r);
    }

    static long parseRevision(String r) {
        try {
            long n = Long.parseLong(r.startsWith("@") ? r.substring(1) : r);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new CofferException(ErrorCode.INVALID_REVISION, "revision must be a positive number");
    }

    private void list(Context ctx) {
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("datasets");
        for (DatasetId id : store.list().stream().filter(access.filter(ctx)).toList()) {
            try {
                Revision rev = store.revision(id, null);
                a.add(summary(id, rev, store.descriptor(rev)));
            } catch (CofferException e) {
                if (e.code() == ErrorCode.CORRUPT) {
                    // A damaged dataset is left out (and logged), never the whole listing.
                    org.slf4j.LoggerFactory.getLogger(getClass()).warn("{} left out of the listing: {}", id, e.getMessage());
                    continue;
                }
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
                // deleted between listing and reading: skip
            }
        }
        o.put("count", a.size());
        CachePolicy.perCaller(ctx, !access.everythingVisible(ctx));
        json(ctx, o);
    }

    static ObjectNode summary(DatasetId id, Revision rev, DataPackage pkg) {
        ObjectNode d = Json.object();
        d.put("id", id.toString());
        d.put("owner", id.owner());
        d.put("name", id.name());
        d.put("title", pkg.title() != null ? pkg.title() : pkg.name() != null ? pkg.name() : id.name());
        if (pkg.description() != null) {
            d.put("description", pkg.description());
        }
        d.put("revision", rev.revision());
        d.put("publishedAt", rev.publishedAt().toString());
        d.put("bytes", rev.bytes());
        d.put("datapackage", "/datasets/" + id.owner() + "/" + id.name() + "/datapackage.json");
        d.put("api", "/api/datasets/" + id.owner() + "/" + id.name());
        return d;
    }

    private void show(Context ctx) {
        DatasetId id = id(ctx);
        access.require(ctx, id);
        Revision rev = store.revision(id, RevisionParam.of(ctx, store, id));
        DataPackage pkg = store.descriptor(rev);
        ObjectNode d = summary(id, rev, pkg);
        long latest = store.latestRevision(id);
        d.put("latestRevision", latest);
        // For optimistic concurrency: PUT with If-Match: this ETag publishes only over this revision.
        ctx.header("ETag", PublishRoutes.etag(latest));
        VersionRoutes.addVersion(d, store, id, rev.revision());
        String base = "/datasets/" + id.owner() + "/" + id.name() + "/@" + rev.revision() + "/";
        ArrayNode files = d.putArray("files");
        for (FileEntry f : rev.files()) {
            files.addObject().put("path", f.path()).put("bytes", f.bytes()).put("sha256", f.sha256())
                    .put("mediatype", f.mediatype()).put("url", base + f.path());
        }
        ObjectNode res = d.putObject("resources");
        rev.resources().forEach((k, v) -> {
            ArrayNode p = res.putArray(k);
            v.forEach(p::add);
        });
        d.set("descriptor", pkg.toJson());
        json(ctx, d);
    }

    private void revisions(Context ctx) {
        DatasetId id = id(ctx);
        access.require(ctx, id);
        ObjectNode o = Json.object();
        o.put("id", id.toString());
        ArrayNode a = o.putArray("revisions");
        for (RevisionInfo r : store.revisions(id).reversed()) {
            a.addObject().put("revision", r.revision()).put("publishedAt", r.publishedAt().toString())
                    .put("bytes", r.bytes()).put("manifestSha256", r.manifestSha256())
                    .put("url", "/datasets/" + id.owner() + "/" + id.name() + "/@" + r.revision() + "/datapackage.json");
            VersionRoutes.addVersion((ObjectNode) a.get(a.size() - 1), store, id, r.revision());
        }
        json(ctx, o);
    }

    static void json(Context ctx, ObjectNode body) {
        ctx.contentType("application/json");
        ctx.result(Json.write(body));
    }
}
