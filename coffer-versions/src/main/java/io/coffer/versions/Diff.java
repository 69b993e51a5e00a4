package io.coffer.versions;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.coffer.engine.babbage.CsvOutput;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.model.Field;
import io.coffer.model.Json;
import io.coffer.model.TableSchema;
import io.coffer.store.Revision;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The difference between two revisions of a keyed resource: the schema diff and the keyed row diff (rows
 * added, removed, and changed with old and new cell values), computed by DuckDB with one full outer join over
 * the two revisions' Parquet copies. Rows are matched on the primary key of the {@code to} revision; cells are
 * compared as published text over the fields both revisions have (fields added or dropped show in the schema
 * diff). Entries come ordered by key.
 */
public final class Diff {
    /** Most rows a JSON page may hold. */
    public static final int MAX_PAGE = 1000;

    private Diff() {
    }

    /** One keyed row difference; {@code old}/{@code neu} hold whole rows (added/removed) or the changed cells. */
    public record Entry(String op, Map<String, String> key, Map<String, String> old, Map<String, String> neu,
                        List<String> changed) {
    }

    public record Counts(long fromRows, long toRows, long added, long removed, long changed) {
        public long unchanged() {
            return toRows - added - changed;
        }
    }

    /** Everything in key order to {@code sink}; returns the counts. */
    public static Counts each(Versions v, Revision from, Revision to, String resource, Consumer<Entry> sink) {
        try (Session s = new Session(v, from, to, resource)) {
            s.rows(Long.MAX_VALUE, 0, false, sink);
            return s.counts;
        }
    }

    /** The JSON body: schema diff, counts, and one page of rows ({@code limit} at most {@link #MAX_PAGE}). */
    public static ObjectNode json(Versions v, Revision from, Revision to, String resource, int limit, long offset) {
        if (limit < 0 || limit > MAX_PAGE || offset < 0) {
            throw CofferException.badRequest("limit must be 0.." + MAX_PAGE + " and offset not negative");
        }
        try (Session s = new Session(v, from, to, resource)) {
            ObjectNode o = Json.object();
            o.put("id", from.dataset().toString());
            o.put("from", from.revision());
            o.put("to", to.revision());
            o.put("resource", s.b.name());
            ArrayNode pk = o.putArray("primaryKey");
            s.key.forEach(pk::add);
            o.set("schema", schema(s.a.resource().schema(), s.b.resource().schema()));
            var change = SchemaCompatibility.check(s.a.pkg(), s.b.pkg());
            ObjectNode compat = o.putObject("compatibility");
            compat.put("level", change.level().code());
            ArrayNode reasons = compat.putArray("reasons");
            change.reasons().forEach(reasons::add);
            ObjectNode counts = o.putObject("counts");
            counts.put("fromRows", s.counts.fromRows()).put("toRows", s.counts.toRows())
                    .put("added", s.counts.added()).put("removed", s.counts.removed())
                    .put("changed", s.counts.changed()).put("unchanged", s.counts.unchanged());
            ArrayNode rows = o.putArray("rows");
            s.rows(limit, offset, false, e -> rows.add(toJson(e)));
            long total = s.counts.added() + s.counts.removed() + s.counts.changed();
            o.put("offset", offset);
            o.put("limit", limit);
            o.put("truncated", offset + rows.size() < total);
            return o;
        }
    }

    /**
     * The whole diff as CSV: {@code _op} then every field (the {@code to} revision's, then those only the
     * {@code from} revision has). Added rows carry their new values, removed rows their old ones; a changed row
     * is two lines, {@code changed-from} and {@code changed-to}. Text cells are neutralised against formula
     * injection as the engine's CSV export does.
     */
    public static Counts csv(Versions v, Revision from, Revision to, String resource, OutputStream out) {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        return csv(v, from, to, resource, w);
    }

    /** As {@link #csv(Versions, Revision, Revision, String, OutputStream)}, to a writer (flushed, not closed). */
    public static Counts csv(Versions v, Revision from, Revision to, String resource, Writer w) {
        try (Session s = new Session(v, from, to, resource)) {
            CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).build(w);
            List<String> header = new ArrayList<>();
            header.add("_op");
            header.addAll(s.all);
            csv.writeRecord(header);
            s.rows(Long.MAX_VALUE, 0, true, e -> {
                if (e.op().equals("changed")) {
                    csv.writeRecord(line(s, "changed-from", e.key(), full(s, e, true)));
                    csv.writeRecord(line(s, "changed-to", e.key(), full(s, e, false)));
                } else {
                    csv.writeRecord(line(s, e.op(), e.key(), e.op().equals("added") ? e.neu() : e.old()));
                }
            });
            csv.flush();
            w.flush();
            return s.counts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> full(Session s, Entry e, boolean old) {
        return old ? e.old() : e.neu();
    }

    private static List<String> line(Session s, String op, Map<String, String> key, Map<String, String> values) {
        List<String> l = new ArrayList<>();
        l.add(op);
        for (String c : s.all) {
            String val = key.containsKey(c) ? key.get(c) : values.get(c);
            l.add(val == null ? "" : CsvOutput.neutralise(val));
        }
        return l;
    }

    static ObjectNode toJson(Entry e) {
        ObjectNode r = Json.object();
        r.put("op", e.op());
        ObjectNode k = r.putObject("key");
        e.key().forEach(k::put);
        if (e.changed() != null) {
            ArrayNode ch = r.putArray("changed");
            e.changed().forEach(ch::add);
        }
        if (e.old() != null) {
            ObjectNode o = r.putObject("old");
            e.old().forEach(o::put);
        }
        if (e.neu() != null) {
            ObjectNode n = r.putObject("new");
            e.neu().forEach(n::put);
        }
        return r;
    }

    /** Fields added, dropped and changed (type, format, constraints) between two schemas; primary keys. */
    public static ObjectNode schema(TableSchema a, TableSchema b) {
        ObjectNode o = Json.object();
        ArrayNode added = o.putArray("added");
        ArrayNode removed = o.putArray("removed");
        ArrayNode changed = o.putArray("changed");
        for (Field f : b.fields()) {
            Field old = a.field(f.name()).orElse(null);
            if (old == null) {
                added.addObject().put("name", f.name()).put("type", f.type());
            } else if (!old.type().equals(f.type()) || !java.util.Objects.equals(old.format(), f.format())
                    || !old.constraints().equals(f.constraints())) {
                ObjectNode c = changed.addObject().put("name", f.name());
                c.putObject("from").put("type", old.type()).put("format", old.format())
                        .set("constraints", old.constraints());
                c.putObject("to").put("type", f.type()).put("format", f.format()).set("constraints", f.constraints());
            }
        }
        for (Field f : a.fields()) {
            if (b.field(f.name()).isEmpty()) {
                removed.addObject().put("name", f.name()).put("type", f.type());
            }
        }
        ObjectNode pk = o.putObject("primaryKey");
        ArrayNode pf = pk.putArray("from");
        a.primaryKey().forEach(pf::add);
        ArrayNode pt = pk.putArray("to");
        b.primaryKey().forEach(pt::add);
        pk.put("changed", !a.primaryKey().equals(b.primaryKey()));
        return o;
    }

    /** The diff of one pair, materialised in a DuckDB table for the length of a request. */
    private static final class Session implements AutoCloseable {
        final Versions.Keyed a;
        final Versions.Keyed b;
        final List<String> key;
        /** Every field: the new revision's order, then the fields only the old one has. */
        final List<String> all = new ArrayList<>();
        final List<String> common = new ArrayList<>();
        final Connection c;
        final String table = Versions.uniqueName("diff");
        Counts counts;

        Session(Versions v, Revision from, Revision to, String resource) {
            if (!from.dataset().equals(to.dataset())) {
                throw CofferException.badRequest("a diff compares two revisions of one dataset");
            }
            this.b = v.keyed(to, resource).requireKey();
            this.a = v.keyed(from, resource == null ? b.name() : resource);
            this.key = b.key();
            if (!a.columns().containsAll(key)) {
                throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "revision " + from.revision()
                        + " has no field(s) of the primary key " + key + " of revision " + to.revision());
            }
            all.addAll(b.columns());
            a.columns().stream().filter(x -> !all.contains(x)).forEach(all::add);
            b.valueColumns().stream().filter(x -> a.columns().contains(x) && !key.contains(x)).forEach(common::add);
            Path pa = v.table(a);
            Path pb = v.table(b);
            try {
                c = v.connect();
            } catch (SQLException e) {
                throw new CofferException(ErrorCode.INTERNAL, "diff: " + e.getMessage(), e);
            }
            try (Statement s = c.createStatement()) {
                unique(s, pa, from);
                unique(s, pb, to);
                StringBuilder sql = new StringBuilder("CREATE TABLE " + Sql.ident(table) + " AS SELECT CASE WHEN a._ord IS NULL "
                        + "THEN 'added' WHEN b._ord IS NULL THEN 'removed' ELSE 'changed' END AS _op");
                for (int i = 0; i < key.size(); i++) {
                    String k = Sql.ident(key.get(i));
                    sql.append(", CASE WHEN b._ord IS NULL THEN a.").append(k).append(" ELSE b.").append(k)
                            .append(" END AS _k").append(i);
                }
                for (int i = 0; i < all.size(); i++) {
                    String col = all.get(i);
                    sql.append(", ").append(a.columns().contains(col) ? "a." + Sql.ident(col) : "NULL::VARCHAR")
                            .append(" AS _o").append(i);
                    sql.append(", ").append(b.columns().contains(col) ? "b." + Sql.ident(col) : "NULL::VARCHAR")
                            .append(" AS _n").append(i);
                }
                sql.append(" FROM read_parquet(").append(Sql.literal(pa.toString())).append(") a FULL OUTER JOIN read_parquet(")
                        .append(Sql.literal(pb.toString())).append(") b ON ").append(Sql.keyJoin("a", "b", key))
                        .append(" WHERE a._ord IS NULL OR b._ord IS NULL");
                if (!common.isEmpty()) {
                    sql.append(" OR ").append(common.stream().map(x -> "a." + Sql.ident(x) + " IS DISTINCT FROM b."
                            + Sql.ident(x)).collect(Collectors.joining(" OR ")));
                }
                s.execute(sql.toString());
                long added = 0;
                long removed = 0;
                long changed = 0;
                try (ResultSet rs = s.executeQuery("SELECT _op, count(*) FROM " + Sql.ident(table) + " GROUP BY _op")) {
                    while (rs.next()) {
                        switch (rs.getString(1)) {
                            case "added" -> added = rs.getLong(2);
                            case "removed" -> removed = rs.getLong(2);
                            default -> changed = rs.getLong(2);
                        }
                    }
                }
                counts = new Counts(count(s, pa), count(s, pb), added, removed, changed);
            } catch (SQLException e) {
                close();
                throw new CofferException(ErrorCode.INTERNAL, "diff of " + to.dataset() + " failed: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        private void unique(Statement s, Path p, Revision rev) throws SQLException {
            try (ResultSet rs = s.executeQuery("SELECT " + Sql.cols(null, key) + ", count(*) FROM read_parquet("
                    + Sql.literal(p.toString()) + ") GROUP BY ALL HAVING count(*) > 1 LIMIT 1")) {
                if (rs.next()) {
                    List<String> vals = new ArrayList<>();
                    for (int i = 1; i <= key.size(); i++) {
                        vals.add(rs.getString(i));
                    }
                    throw new CofferException(ErrorCode.INVALID_DATA, "revision " + rev.revision() + " of "
                            + rev.dataset() + " has the primary key " + key + " = " + vals + " on more than one row");
                }
            }
        }

        private static long count(Statement s, Path p) throws SQLException {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet(" + Sql.literal(p.toString()) + ")")) {
                rs.next();
                return rs.getLong(1);
            }
        }

        void rows(long limit, long offset, boolean fullRows, Consumer<Entry> sink) {
            String order = java.util.stream.IntStream.range(0, key.size()).mapToObj(i -> "_k" + i)
                    .collect(Collectors.joining(", "));
            String sql = "SELECT * FROM " + Sql.ident(table) + " ORDER BY " + order
                    + (limit == Long.MAX_VALUE ? "" : " LIMIT " + limit + " OFFSET " + offset);
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String op = rs.getString("_op");
                    Map<String, String> k = new LinkedHashMap<>();
                    for (int i = 0; i < key.size(); i++) {
                        k.put(key.get(i), rs.getString("_k" + i));
                    }
                    Map<String, String> old = null;
                    Map<String, String> neu = null;
                    List<String> changed = null;
                    if (op.equals("added")) {
                        neu = row(rs, "_n", b.columns());
                    } else if (op.equals("removed")) {
                        old = row(rs, "_o", a.columns());
                    } else {
                        old = fullRows ? row(rs, "_o", a.columns()) : new LinkedHashMap<>();
                        neu = fullRows ? row(rs, "_n", b.columns()) : new LinkedHashMap<>();
                        changed = new ArrayList<>();
                        for (String col : common) {
                            int i = all.indexOf(col);
                            String o = rs.getString("_o" + i);
                            String n = rs.getString("_n" + i);
                            if (!java.util.Objects.equals(o, n)) {
                                changed.add(col);
                                if (!fullRows) {
                                    old.put(col, o);
                                    neu.put(col, n);
                                }
                            }
                        }
                    }
                    sink.accept(new Entry(op, k, old, neu, changed));
                }
            } catch (SQLException e) {
                throw new CofferException(ErrorCode.INTERNAL, "diff: " + e.getMessage(), e);
            }
        }

        private Map<String, String> row(ResultSet rs, String prefix, List<String> cols) throws SQLException {
            Map<String, String> m = new LinkedHashMap<>();
            for (String col : cols) {
                if (!key.contains(col)) {
                    m.put(col, rs.getString(prefix + all.indexOf(col)));
                }
            }
            return m;
        }

        @Override
        public void close() {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + Sql.ident(table));
            } catch (SQLException | RuntimeException e) {
                // the connection is closed next
            }
            try {
                c.close();
            } catch (SQLException e) {
                // nothing to do
            }
        }
    }
}
