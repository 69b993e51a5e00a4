package io.coffer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import io.coffer.versions.Diff;
import io.coffer.versions.History;
import io.coffer.versions.Semver;
import io.coffer.versions.Versions;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versions over HTTP: the keyed diff of two revisions (JSON or CSV) and the history of one record. Visibility
 * is checked with {@link ReadAccess} first, as on every read route; the work is done by coffer-versions.
 */
public final class VersionRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(VersionRoutes.class);
    private final DataStore store;
    private final ReadAccess access;
    private final Versions versions;

    public VersionRoutes(DataStore store, ReadAccess access, Versions versions) {
        this.store = store;
        this.access = access;
        this.versions = versions;
    }

    /** {@code COFFER_VERSIONS_DIR}, else {@code versions/} in the engine's cache directory. */
    public static Path workDir() {
        return workDir(io.coffer.engine.EngineConfig.fromEnvironment(System.getenv()));
    }

    /** {@code COFFER_VERSIONS_DIR}, else {@code versions/} in this engine configuration's cache directory. */
    public static Path workDir(io.coffer.engine.EngineConfig engine) {
        String dir = System.getenv("COFFER_VERSIONS_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        return engine.cacheDir().resolve("versions");
    }

    /** Where diffs and histories run (DuckDB: platform threads), or null: on the request thread. */
    private QueryPool pool;

    public VersionRoutes onPool(QueryPool p) {
        this.pool = p;
        return this;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/api/datasets/{owner}/{name}/diff", pool == null ? this::diff : pool.wrap(this::diff));
        config.routes.get("/api/datasets/{owner}/{name}/records/{key}/history",
                pool == null ? this::history : pool.wrap(this::history));
        config.events.serverStopped(versions::close);
    }

    private void diff(Context ctx) throws IOException {
        DatasetId id = DatasetRoutes.id(ctx);
        access.require(ctx, id);
        String fromText = ctx.queryParam("from");
        if (fromText == null || fromText.isBlank()) {
            throw CofferException.badRequest("from= (a revision number) is required");
        }
        Revision from = store.revision(id, DatasetRoutes.parseRevision(fromText));
        String toText = ctx.queryParam("to");
        Revision to = store.revision(id, toText == null || toText.isBlank() ? null : DatasetRoutes.parseRevision(toText));
        String resource = ctx.queryParam("resource");
        String format = ctx.queryParam("format");
        if ("csv".equals(format)) {
            ctx.contentType("text/csv; charset=utf-8");
            ctx.header("Content-Disposition", "attachment; filename=\"" + id.name() + "-diff-" + from.revision() + "-"
                    + to.revision() + ".csv\"");
            Diff.csv(versions, from, to, resource, ctx.outputStream());
            return;
        }
        if (format != null && !format.equals("json")) {
            throw CofferException.badRequest("format must be json or csv");
        }
        int limit = intParam(ctx, "limit", 100);
        long offset = intParam(ctx, "offset", 0);
        DatasetRoutes.json(ctx, Diff.json(versions, from, to, resource, limit, offset));
    }

    private void history(Context ctx) {
        DatasetId id = DatasetRoutes.id(ctx);
        access.require(ctx, id);
        Revision rev = store.revision(id, RevisionParam.of(ctx, store, id));
        Versions.Keyed k = versions.keyed(rev, ctx.queryParam("resource")).requireKey();
        String key = ctx.pathParam("key");
        List<String> values = k.key().size() == 1 ? List.of(key) : Arrays.asList(key.split(",", -1));
        List<History.Version> found = History.of(versions, rev, k.name(), values);
        if (found.isEmpty()) {
            throw CofferException.notFound("no record with " + k.key() + " = " + values + " in " + id + " up to revision "
                    + rev.revision());
        }
        DatasetRoutes.json(ctx, History.toJson(rev, k.name(), k.key(), values, found));
    }

    private static int intParam(Context ctx, String name, int dflt) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new CofferException(ErrorCode.BAD_REQUEST, name + " must be a number");
        }
    }

    /** Adds {@code version} (semver) and {@code change} (level, reasons) of a revision to a JSON body. */
    static void addVersion(ObjectNode o, DataStore store, DatasetId id, long revision) {
        try {
            Semver.Info info = Semver.of(store, id, revision);
            o.put("version", info.version());
            ObjectNode change = o.putObject("change");
            change.put("level", info.level().code());
            var reasons = change.putArray("reasons");
            info.reasons().forEach(reasons::add);
        } catch (CofferException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw e;
            }
            LOG.warn("no version for {} revision {}: {}", id, revision, e.getMessage());
        }
    }
}
