package io.coffer.versions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.store.Revision;
import io.coffer.store.RevisionInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Record history ("milestoning"): for every key, every version of its row, with the revision (and time) it
 * first appeared in and the last revision it was live in. Stored per revision as Parquet beside it, at
 * {@code datasets/{o}/{n}/derived/{revisionDir}/history/{resource}.parquet}, with the columns
 *
 * <pre>
 *   _key                 the primary key values joined by U+001F
 *   _hash                MD5 of _row
 *   _row                 the row as a JSON object of text cells (field name to value, null when missing)
 *   first_revision       BIGINT, the revision this version of the row appeared in
 *   first_seen           TIMESTAMP (UTC), when that revision was published
 *   last_live_revision   BIGINT, the last revision holding this version (the file's own revision: still live)
 * </pre>
 *
 * The history of revision N is built from the history of the revision before it and N's rows (one join), so
 * building it after each publish costs one pass over the new revision; a missing predecessor is built first.
 * The as-of view at revision R is {@code first_revision <= R AND last_live_revision >= R}.
 */
public final class History {
    private static final Logger LOG = LoggerFactory.getLogger(History.class);

    private History() {
    }

    public static String key(Revision rev, String resource) {
        return Versions.derivedPrefix(rev) + "history/" + Versions.safe(resource) + ".parquet";
    }

    /** One version of a record. {@code until}: the first revision without it (null: live in the latest). */
    public record Version(Map<String, String> row, long firstRevision, Instant firstSeen, long lastLiveRevision,
                          Long until) {
    }

    /** Builds (when missing) the history of {@code rev} and those of the revisions before it; returns its local copy. */
    public static Path build(Versions v, Revision rev, String resource) {
        Versions.Keyed k = v.keyed(rev, resource).requireKey();
        Optional<Path> local = local(v, rev, k.name());
        if (local.isPresent()) {
            return local.get();
        }
        List<RevisionInfo> all = v.store().revisions(rev.dataset());
        int at = indexOf(all, rev.revision());
        // Walk back to the newest revision that has a history (or the first one), then build forwards.
        int start = at;
        while (start > 0) {
            Revision prev = v.store().revision(rev.dataset(), all.get(start - 1).revision());
            Versions.Keyed pk;
            try {
                pk = v.keyed(prev, k.name()).requireKey();
            } catch (CofferException e) {
                break; // the resource (or its key) starts here
            }
            if (local(v, prev, pk.name()).isPresent()) {
                break;
            }
            start--;
        }
        Path previous = null;
        if (start > 0) {
            Revision prev = v.store().revision(rev.dataset(), all.get(start - 1).revision());
            try {
                previous = local(v, prev, v.keyed(prev, k.name()).requireKey().name()).orElse(null);
            } catch (CofferException e) {
                previous = null;
            }
        }
        Path out = null;
        for (int i = start; i <= at; i++) {
            Revision r = v.store().revision(rev.dataset(), all.get(i).revision());
            long prevNumber = i > 0 ? all.get(i - 1).revision() : 0;
            out = buildOne(v, v.keyed(r, k.name()).requireKey(), previous, prevNumber);
            previous = out;
        }
        return out;
    }

    private static int indexOf(List<RevisionInfo> all, long revision) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).revision() == revision) {
                return i;
            }
        }
        throw CofferException.notFound("no revision " + revision);
    }

    private static Path localPath(Versions v, Revision rev, String resource) {
        return v.work().resolve("history").resolve(rev.dataset().owner()).resolve(rev.dataset().name())
                .resolve(rev.dir() + "-" + Versions.safe(resource) + ".parquet");
    }

    /** Removes a revision's history (local copy and stored blob), e.g. to rebuild it. */
    static void forget(Versions v, Revision rev, String resource) throws IOException {
        Files.deleteIfExists(localPath(v, rev, resource));
        v.store().blobs().delete(key(rev, resource));
    }

    /** The local copy of a revision's history, fetched from the store when only the store has it. */
    static Optional<Path> local(Versions v, Revision rev, String resource) {
        Path p = localPath(v, rev, resource);
        if (Files.isRegularFile(p)) {
            return Optional.of(p);
        }
        try {
            Optional<InputStream> in = v.store().blobs().open(key(rev, resource));
            if (in.isEmpty()) {
                return Optional.empty();
            }
            Files.createDirectories(p.getParent());
            Path tmp = p.resolveSibling(p.getFileName() + "." + Versions.uniqueName("d") + ".tmp");
            try (InputStream s = in.get()) {
                Files.copy(s, tmp);
            }
            move(tmp, p);
            return Optional.of(p);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot read the history of " + rev.dataset()
                    + ": " + e.getMessage(), e);
        }
    }

    private static Path buildOne(Versions v, Versions.Keyed k, Path previous, long prevRevision) {
        Revision rev = k.rev();
        long started = System.nanoTime();
        Path table = v.table(k);
        Path target = localPath(v, rev, k.name());
        String cur = Versions.uniqueName("cur");
        String rowJson = "json_object(" + k.columns().stream().map(c -> Sql.literal(c) + ", " + Sql.ident(c))
                .collect(Collectors.joining(", ")) + ")::VARCHAR";
        String seen = "CAST(" + Sql.literal(rev.publishedAt().toString().replace("Z", "")) + " AS TIMESTAMP)";
        long n = rev.revision();
        try (Connection c = v.connect(); Statement s = c.createStatement()) {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(target.getFileName() + "." + Versions.uniqueName("h") + ".tmp");
            try {
                s.execute("CREATE TABLE " + Sql.ident(cur) + " AS SELECT _key, md5(_row) AS _hash, _row FROM (SELECT "
                        + Sql.keyText(null, k.key()) + " AS _key, " + rowJson + " AS _row FROM read_parquet("
                        + Sql.literal(table.toString()) + "))");
                String select;
                if (previous == null) {
                    select = "SELECT _key, _hash, _row, " + n + "::BIGINT AS first_revision, " + seen
                            + " AS first_seen, " + n + "::BIGINT AS last_live_revision FROM " + Sql.ident(cur);
                } else {
                    String h = "read_parquet(" + Sql.literal(previous.toString()) + ")";
                    select = "SELECT h._key, h._hash, h._row, h.first_revision, h.first_seen, CASE WHEN c._key IS NULL "
                            + "THEN h.last_live_revision ELSE " + n + "::BIGINT END AS last_live_revision FROM " + h
                            + " h LEFT JOIN " + Sql.ident(cur) + " c ON h.last_live_revision = " + prevRevision
                            + " AND c._key = h._key AND c._hash = h._hash"
                            + " UNION ALL SELECT c._key, c._hash, c._row, " + n + "::BIGINT, " + seen + ", " + n
                            + "::BIGINT FROM " + Sql.ident(cur) + " c ANTI JOIN (SELECT _key, _hash FROM " + h
                            + " WHERE last_live_revision = " + prevRevision + ") p ON c._key = p._key AND c._hash = p._hash";
                }
                s.execute("COPY (SELECT * FROM (" + select + ") ORDER BY _key, first_revision) TO "
                        + Sql.literal(tmp.toString()) + " (FORMAT parquet, COMPRESSION zstd)");
                try (InputStream in = Files.newInputStream(tmp)) {
                    v.store().blobs().put(key(rev, k.name()), in, Files.size(tmp));
                }
                move(tmp, target);
            } finally {
                s.execute("DROP TABLE IF EXISTS " + Sql.ident(cur));
                Files.deleteIfExists(tmp);
            }
        } catch (SQLException e) {
            throw new CofferException(ErrorCode.INTERNAL, "building the history of " + rev.dataset() + " revision "
                    + rev.revision() + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "building the history of " + rev.dataset()
                    + " failed: " + e.getMessage(), e);
        }
        LOG.info("built history of {} revision {} in {} ms", rev.dataset(), rev.revision(),
                (System.nanoTime() - started) / 1_000_000);
        return target;
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Every version of the record with this key, oldest first, as of {@code rev} (its history is built if missing). */
    public static List<Version> of(Versions v, Revision rev, String resource, List<String> keyValues) {
        Versions.Keyed k = v.keyed(rev, resource).requireKey();
        if (keyValues.size() != k.key().size()) {
            throw CofferException.badRequest("the primary key " + k.key() + " has " + k.key().size() + " field(s); "
                    + "got " + keyValues.size() + " value(s)");
        }
        Path h = build(v, rev, k.name());
        List<RevisionInfo> all = v.store().revisions(rev.dataset());
        List<Version> out = new ArrayList<>();
        try (Connection c = v.connect();
             PreparedStatement ps = c.prepareStatement("SELECT _row, first_revision, first_seen, last_live_revision FROM "
                     + "read_parquet(" + Sql.literal(h.toString()) + ") WHERE _key = ? ORDER BY first_revision")) {
            ps.setString(1, String.join("\u001f", keyValues));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long last = rs.getLong(4);
                    Long until = null;
                    if (last != rev.revision()) {
                        int i = indexOf(all, last);
                        until = i + 1 < all.size() ? all.get(i + 1).revision() : null;
                    }
                    long first = rs.getLong(2);
                    // The exact publish time from the ref (the Parquet column holds it to the microsecond).
                    Instant seen = all.stream().filter(r -> r.revision() == first).map(RevisionInfo::publishedAt)
                            .findFirst().orElse(rs.getTimestamp(3).toLocalDateTime().toInstant(java.time.ZoneOffset.UTC));
                    out.add(new Version(row(rs.getString(1)), first, seen, last, until));
                }
            }
        } catch (SQLException e) {
            throw new CofferException(ErrorCode.INTERNAL, "history lookup failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** The rows live at revision {@code at} according to the history of {@code latest} (in key order). */
    public static long asOf(Versions v, Revision latest, String resource, long at, Consumer<Map<String, String>> sink) {
        Versions.Keyed k = v.keyed(latest, resource).requireKey();
        Path h = build(v, latest, k.name());
        long n = 0;
        try (Connection c = v.connect();
             PreparedStatement ps = c.prepareStatement("SELECT _row FROM read_parquet(" + Sql.literal(h.toString())
                     + ") WHERE first_revision <= ? AND last_live_revision >= ? ORDER BY _key")) {
            ps.setLong(1, at);
            ps.setLong(2, at);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(row(rs.getString(1)));
                    n++;
                }
            }
        } catch (SQLException e) {
            throw new CofferException(ErrorCode.INTERNAL, "as-of view failed: " + e.getMessage(), e);
        }
        return n;
    }

    static Map<String, String> row(String json) {
        Map<String, String> m = new LinkedHashMap<>();
        JsonNode n = Json.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "history row");
        n.properties().forEach(e -> m.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        return m;
    }

    public static ObjectNode toJson(Revision rev, String resource, List<String> key, List<String> values,
                                    List<Version> versions) {
        ObjectNode o = Json.object();
        o.put("id", rev.dataset().toString());
        o.put("revision", rev.revision());
        o.put("resource", resource);
        ObjectNode k = o.putObject("key");
        for (int i = 0; i < key.size(); i++) {
            k.put(key.get(i), values.get(i));
        }
        ArrayNode a = o.putArray("versions");
        for (Version ver : versions) {
            ObjectNode e = a.addObject();
            e.put("firstRevision", ver.firstRevision());
            e.put("firstSeen", ver.firstSeen().toString());
            e.put("lastLiveRevision", ver.lastLiveRevision());
            if (ver.until() == null) {
                e.putNull("endedIn");
            } else {
                e.put("endedIn", ver.until());
            }
            e.put("live", ver.lastLiveRevision() == rev.revision());
            ObjectNode r = e.putObject("row");
            ver.row().forEach(r::put);
        }
        o.put("count", versions.size());
        return o;
    }
}
