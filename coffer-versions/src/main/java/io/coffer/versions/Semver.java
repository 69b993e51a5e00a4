package io.coffer.versions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import io.coffer.store.RevisionInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The semantic version of each revision: the first revision is 1.0.0; after it, a breaking schema change bumps
 * the major number, a compatible schema change the minor one, anything else (data, metadata) the patch one.
 * The level follows {@link SchemaCompatibility} between consecutive revisions' descriptors, so it can always be
 * recomputed; it is kept in {@code datasets/{o}/{n}/derived/{revisionDir}/version.json}:
 *
 * <pre>{"revision": 3, "version": "2.0.0", "level": "major", "reasons": ["field 'x' was dropped"]}</pre>
 *
 * Needs only the store (no DuckDB): the API reads it for every revision.
 */
public final class Semver {
    public static final String FILE = "version.json";

    private Semver() {
    }

    public record Info(long revision, String version, SchemaCompatibility.Level level, List<String> reasons) {
        public ObjectNode toJson() {
            ObjectNode o = Json.object();
            o.put("revision", revision);
            o.put("version", version);
            o.put("level", level.code());
            ArrayNode a = o.putArray("reasons");
            reasons.forEach(a::add);
            return o;
        }

        static Info fromJson(JsonNode n) {
            List<String> rs = new ArrayList<>();
            n.path("reasons").forEach(r -> rs.add(r.asText()));
            return new Info(n.path("revision").asLong(), n.path("version").asText(),
                    SchemaCompatibility.Level.valueOf(n.path("level").asText("patch").toUpperCase(java.util.Locale.ROOT)), rs);
        }
    }

    /** The version of one revision, computed (and kept) with those before it when missing. */
    public static Info of(DataStore store, DatasetId id, long revision) {
        List<RevisionInfo> all = store.revisions(id);
        int at = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).revision() == revision) {
                at = i;
            }
        }
        if (at < 0) {
            throw CofferException.notFound("dataset " + id + " has no revision " + revision);
        }
        // Newest stored version at or before it, then forwards.
        int start = at;
        Info known = null;
        while (start >= 0) {
            Optional<Info> stored = read(store, store.revision(id, all.get(start).revision()));
            if (stored.isPresent()) {
                known = stored.get();
                break;
            }
            start--;
        }
        if (known != null && start == at) {
            return known;
        }
        Info prev = known;
        DataPackage prevPkg = start >= 0 ? store.descriptor(store.revision(id, all.get(start).revision())) : null;
        for (int i = start + 1; i <= at; i++) {
            Revision rev = store.revision(id, all.get(i).revision());
            DataPackage pkg = store.descriptor(rev);
            Info info = prev == null
                    ? new Info(rev.revision(), "1.0.0", SchemaCompatibility.Level.MAJOR, List.of("first revision"))
                    : next(prev, rev.revision(), SchemaCompatibility.check(prevPkg, pkg));
            write(store, rev, info);
            prev = info;
            prevPkg = pkg;
        }
        return prev;
    }

    static Info next(Info prev, long revision, SchemaCompatibility.Change change) {
        String[] p = prev.version().split("\\.");
        int major = Integer.parseInt(p[0]);
        int minor = Integer.parseInt(p[1]);
        int patch = Integer.parseInt(p[2]);
        String v = switch (change.level()) {
            case MAJOR -> (major + 1) + ".0.0";
            case MINOR -> major + "." + (minor + 1) + ".0";
            case PATCH -> major + "." + minor + "." + (patch + 1);
        };
        return new Info(revision, v, change.level(), change.reasons());
    }

    private static Optional<Info> read(DataStore store, Revision rev) {
        try {
            Optional<InputStream> in = store.blobs().open(Versions.derivedPrefix(rev) + FILE);
            if (in.isEmpty()) {
                return Optional.empty();
            }
            try (InputStream s = in.get()) {
                return Optional.of(Info.fromJson(Json.parse(s.readNBytes(Json.MAX_DOCUMENT_BYTES), FILE)));
            }
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot read the version of " + rev.dataset()
                    + ": " + e.getMessage(), e);
        } catch (CofferException e) {
            return Optional.empty(); // unreadable: recompute
        }
    }

    private static void write(DataStore store, Revision rev, Info info) {
        byte[] b = Json.write(info.toJson());
        try {
            store.blobs().put(Versions.derivedPrefix(rev) + FILE, new ByteArrayInputStream(b), b.length);
        } catch (IOException | RuntimeException e) {
            // A cache: the next read recomputes it.
            org.slf4j.LoggerFactory.getLogger(Semver.class).warn("cannot keep the version of {} revision {}: {}",
                    rev.dataset(), rev.revision(), e.toString());
        }
    }

    /**
     * The publish check: the new descriptor against the latest revision's. A breaking change is refused with
     * {@link ErrorCode#CONFLICT} naming every breaking reason, unless {@code breaking} is set.
     */
    public static SchemaCompatibility.Change checkPublish(DataStore store, DatasetId id, DataPackage next,
                                                          boolean breaking) {
        if (!store.exists(id)) {
            return new SchemaCompatibility.Change(SchemaCompatibility.Level.MAJOR, List.of("first revision"), List.of());
        }
        DataPackage latest = store.descriptor(store.revision(id, null));
        SchemaCompatibility.Change c = SchemaCompatibility.check(latest, next);
        if (c.isBreaking() && !breaking) {
            throw new CofferException(ErrorCode.CONFLICT, "breaking schema change for " + id + ": "
                    + String.join("; ", c.breaking()) + " (publish with --breaking / breaking=true to allow it; the "
                    + "version becomes a new major)", c.breaking());
        }
        return c;
    }
}
