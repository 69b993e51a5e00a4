package io.coffer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.engine.CofferEngine;
import io.coffer.engine.StaticAggregates;
import io.coffer.engine.babbage.AggregateRequest;
import io.coffer.engine.babbage.FactsRequest;
import io.coffer.engine.babbage.MembersRequest;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;

/**
 * The OpenSpending/babbage API at {@code /api/3} (cube names {@code owner:name}; {@code ?revision=N} picks a
 * revision, default the latest) and the static aggregates at
 * {@code /api/datasets/{owner}/{name}/aggregates/{file}}. All query logic lives in coffer-engine; this
 * class only maps HTTP to it. Errors are Coffer's problem+json (babbage clients only read the status).
 */
public final class BabbageRoutes {
    private final DataStore store;
    private final CofferEngine engine;
    private final ReadAccess access;
    /** Where engine work runs (platform threads), or null: on the request thread. */
    private QueryPool pool;

    public BabbageRoutes(DataStore store, CofferEngine engine, ReadAccess access) {
        this.store = store;
        this.engine = engine;
        this.access = access;
    }


    /** Runs the engine's work on {@code p} instead of the request's (virtual) thread. */
    public BabbageRoutes onPool(QueryPool p) {
        this.pool = p;
        return this;
    }

    public void register(JavalinConfig config) {
        var routes = config.routes;
        routes.get("/api/3", this::index);
        routes.get("/api/3/cubes", ctx -> json(ctx, engine.babbage().cubes(access.filter(ctx))));
        routes.get("/api/3/cubes/{cube}/model", pooled(ctx -> json(ctx, engine.babbage().model(cube(ctx), revision(ctx)))));
        routes.get("/api/3/cubes/{cube}/aggregate", pooled(this::aggregate));
        routes.get("/api/3/cubes/{cube}/facts", pooled(ctx -> json(ctx, engine.babbage().facts(cube(ctx), revision(ctx),
                FactsRequest.fromQuery(ctx.queryParamMap())))));
        routes.get("/api/3/cubes/{cube}/members/{ref}", pooled(ctx -> json(ctx, engine.babbage().members(cube(ctx),
                revision(ctx), ctx.pathParam("ref"), MembersRequest.fromQuery(ctx.queryParamMap())))));
        routes.get("/api/datasets/{owner}/{name}/aggregates/{file}", pool == null ? this::staticFile : pool.wrap(this::staticFile));
        // A deleted dataset's Parquet copies go with it, on this node only: other nodes' copies age out under
        // their cache's size bound, and their loaded cubes find the dataset gone on the next query.
        routes.after("/api/datasets/{owner}/{name}", ctx -> {
            if (ctx.method() == HandlerType.DELETE && ctx.statusCode() == 204) {
                engine.forget(DatasetRoutes.id(ctx));
            }
        });
    }

    private void index(Context ctx) {
        ObjectNode o = Json.object();
        o.put("status", "ok");
        o.put("api", "babbage");
        o.put("message", "Coffer's OpenSpending/babbage-compatible cube API");
        o.put("cubes_index_url", "/api/3/cubes/");
        o.put("version", "0.4.0");
        json(ctx, o);
    }

    private void aggregate(Context ctx) throws IOException {
        AggregateRequest req = AggregateRequest.fromQuery(ctx.queryParamMap());
        DatasetId id = cube(ctx);
        Long rev = revision(ctx);
        if (!req.csv()) {
            json(ctx, engine.babbage().aggregate(id, rev, req));
            return;
        }
        // Resolve the cube first, so an unknown cube is a 404 before any header is sent.
        engine.cube(id, rev);
        cors(ctx);
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"" + csvName(ctx, id, rev) + "\"");
        ctx.header("X-Coffer-Csv-Row-Limit", String.valueOf(engine.config().csvMaxRows()));
        engine.babbage().aggregateCsv(id, rev, req, ctx.outputStream());
    }

    /** The viewer names its export after dataset, view and revision ({@code filename=}); else dataset and revision. */
    static String csvName(Context ctx, DatasetId id, Long rev) {
        String asked = ctx.queryParam("filename");
        if (asked != null && asked.matches("[A-Za-z0-9._-]{1,150}\\.csv")) {
            return asked;
        }
        return (id.owner() + "-" + id.name()).replaceAll("[^A-Za-z0-9._-]", "_") + (rev == null ? "" : "-r" + rev) + ".csv";
    }

    private void staticFile(Context ctx) throws IOException {
        DatasetId id = DatasetRoutes.id(ctx);
        access.require(ctx, id);
        Revision rev = store.revision(id, revision(ctx));
        String file = ctx.pathParam("file");
        StaticAggregates statics = engine.staticAggregates();
        if (statics.index(rev).isEmpty()) {
            // Written at publish; a revision published before the engine existed gets them on first request.
            statics.write(rev);
        }
        InputStream in = statics.read(rev, file).orElseThrow(() -> CofferException.notFound(
                "no static aggregate '" + file + "' for " + id + " revision " + rev.revision()));
        cors(ctx);
        ctx.contentType(file.endsWith(".csv") ? "text/csv; charset=utf-8" : "application/json");
        CachePolicy.set(ctx, "public, max-age=300");
        ctx.result(in);
    }

    /**
     * A stored file damaged on disk reaches the engine as unreadable data, which it reports as the client's
     * invalid data (422). When the engine refuses data, the revision's files are checked against their
     * checksums (only then, so good requests pay nothing) and damage is reported as what it is: corrupt (500).
     */
    private io.javalin.http.Handler pooled(io.javalin.http.Handler h) {
        io.javalin.http.Handler checked = storeChecked(h);
        return pool == null ? checked : pool.wrap(checked);
    }

    private io.javalin.http.Handler storeChecked(io.javalin.http.Handler h) {
        return ctx -> {
            try {
                h.handle(ctx);
            } catch (CofferException e) {
                if (e.code() != ErrorCode.INVALID_DATA && e.code() != ErrorCode.INVALID_DESCRIPTOR) {
                    throw e;
                }
                Revision rev = store.revision(cube(ctx), revision(ctx));
                java.util.List<String> problems = store.verify(rev);
                if (!problems.isEmpty()) {
                    throw new CofferException(ErrorCode.CORRUPT, "revision " + rev.revision() + " of " + rev.dataset()
                            + " is damaged in the store: " + String.join("; ", problems), e);
                }
                throw e;
            }
        };
    }

    /** The cube named in the path, if this request may read it (private datasets answer not-found). */
    private DatasetId cube(Context ctx) {
        DatasetId id;
        try {
            id = DatasetId.parse(ctx.pathParam("cube"));
        } catch (CofferException e) {
            throw new CofferException(ErrorCode.NOT_FOUND, "no cube '" + ctx.pathParam("cube") + "'", e);
        }
        access.require(ctx, id);
        return id;
    }

    /** {@code ?revision=} or {@code ?asOf=} for the dataset in the path (cube or owner/name). */
    private Long revision(Context ctx) {
        if (ctx.queryParam("asOf") == null) {
            return DatasetRoutes.revisionParam(ctx);
        }
        DatasetId id = ctx.pathParamMap().containsKey("cube") ? cube(ctx) : DatasetRoutes.id(ctx);
        return RevisionParam.of(ctx, store, id);
    }

    /** Public read-only data: any origin may read it (os-viewer and static sites run elsewhere). */
    private static void cors(Context ctx) {
        ctx.header("Access-Control-Allow-Origin", "*");
    }

    private static void json(Context ctx, ObjectNode body) {
        cors(ctx);
        DatasetRoutes.json(ctx, body);
    }
}
