package io.coffer.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.engine.babbage.AggregateRequest;
import io.coffer.engine.babbage.CsvOutput;
import io.coffer.engine.cube.ColumnType;
import io.coffer.engine.cube.Cube;
import io.coffer.engine.cube.CubeAggregate;
import io.coffer.engine.cube.CubeAttribute;
import io.coffer.engine.cube.CubeDimension;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Static aggregates (OSEP-07): at publish, the totals per member of each dimension at the top of the cube
 * (its key attribute and label), and per year when a datetime dimension exists, written as CSV and JSON
 * blobs beside the revision so a static site can draw a treemap without the API:
 *
 * <pre>
 *   datasets/{owner}/{name}/derived/{revisionDir}/aggregates/index.json      what was written
 *   datasets/{owner}/{name}/derived/{revisionDir}/aggregates/by-{dim}.csv    header sorted, as format=csv
 *   datasets/{owner}/{name}/derived/{revisionDir}/aggregates/by-{dim}.json   a babbage /aggregate/ body
 *   datasets/{owner}/{name}/derived/{revisionDir}/aggregates/by-year.csv|json
 * </pre>
 *
 * {@code {dim}} is the dimension name made file-safe ({@link DatasetId#slugify}). Members are ordered by the
 * first measure's sum, largest first, and capped at {@link EngineConfig#staticMaxMembers()}
 * ({@code truncated} in the JSON and the index says so).
 */
public final class StaticAggregates {
    public static final String INDEX = "index.json";

    private final CofferEngine engine;

    StaticAggregates(CofferEngine engine) {
        this.engine = engine;
    }

    /** The blob prefix of a revision's static aggregates. */
    public static String prefix(Revision rev) {
        return "datasets/" + rev.dataset().owner() + "/" + rev.dataset().name() + "/derived/" + rev.dir()
                + "/aggregates/";
    }

    /** Writes the static aggregates of a revision; returns the keys written (index last). */
    public List<String> write(Revision rev) {
        // Held throughout: the yearly totals read the file directly.
        try (CubeLease lease = engine.use(rev)) {
            return write(rev, lease.cube());
        }
    }

    private List<String> write(Revision rev, LoadedCube lc) {
        Cube cube = lc.cube();
        String prefix = prefix(rev);
        List<String> written = new ArrayList<>();
        ObjectNode index = Json.object();
        index.put("dataset", rev.dataset().toString());
        index.put("revision", rev.revision());
        ArrayNode files = index.putArray("files");
        Set<String> names = new HashSet<>(Set.of("index", "by-year"));
        int cap = Math.min(engine.config().staticMaxMembers(), engine.config().maxPageSize());
        String firstSum = cube.measures().values().iterator().next().ref() + ".sum";
        for (CubeDimension d : cube.dimensions().values()) {
            String base = unique(names, "by-" + DatasetId.slugify(d.name()));
            String drill = d.keyAttribute().ref()
                    + (d.labelAttribute() == d.keyAttribute() ? "" : "|" + d.labelAttribute().ref());
            AggregateRequest req = AggregateRequest.of(drill, null, firstSum + ":desc").withPage(1, cap);
            ObjectNode body = engine.babbage().aggregate(rev.dataset(), rev.revision(), req);
            long total = body.path("total_cell_count").asLong();
            body.put("dataset", rev.dataset().toString());
            body.put("revision", rev.revision());
            body.put("dimension", d.name());
            body.put("truncated", total > cap);
            ByteArrayOutputStream csv = new ByteArrayOutputStream();
            // The same cells as the JSON, without a second query over the revision.
            engine.babbage().cellsCsv(rev.dataset(), rev.revision(), req, body, csv);
            written.add(put(prefix + base + ".csv", csv.toByteArray()));
            written.add(put(prefix + base + ".json", Json.write(body)));
            files.addObject().put("dimension", d.name()).put("key_ref", d.keyAttribute().ref())
                    .put("label_ref", d.labelAttribute().ref()).put("csv", base + ".csv").put("json", base + ".json")
                    .put("total_cell_count", total).put("truncated", total > cap);
        }
        Optional<ObjectNode> years = byYear(lc);
        if (years.isPresent()) {
            ObjectNode body = years.get();
            written.add(put(prefix + "by-year.csv", yearCsv(body)));
            written.add(put(prefix + "by-year.json", Json.write(body)));
            files.addObject().put("dimension", body.path("dimension").asText()).put("key_ref", "year")
                    .put("csv", "by-year.csv").put("json", "by-year.json")
                    .put("total_cell_count", body.path("total_cell_count").asLong()).put("truncated", false);
        }
        written.add(put(prefix + INDEX, Json.write(index)));
        return written;
    }

    private static String unique(Set<String> names, String base) {
        String name = base;
        for (int i = 2; !names.add(name); i++) {
            name = base + "-" + i;
        }
        return name;
    }

    private String put(String key, byte[] bytes) {
        try {
            engine.store().blobs().put(key, new ByteArrayInputStream(bytes), bytes.length);
            return key;
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot write " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Totals per year of the first datetime dimension: its integer attribute named like "year" if any, else
     * the year of its key (a date, a timestamp, an integer year, or text starting with a date).
     */
    private Optional<ObjectNode> byYear(LoadedCube lc) {
        Cube cube = lc.cube();
        for (CubeDimension d : cube.dimensions().values()) {
            if (!d.isDatetime()) {
                continue;
            }
            CubeAttribute yearAttr = d.attributes().stream()
                    .filter(a -> a.name().toLowerCase(java.util.Locale.ROOT).contains("year")
                            && lc.type(a.column()) == ColumnType.INTEGER).findFirst().orElse(null);
            String expr;
            if (yearAttr != null) {
                expr = "\"" + yearAttr.column() + "\"";
            } else {
                CubeAttribute k = d.keyAttribute();
                String col = "\"" + k.column() + "\"";
                expr = switch (lc.type(k.column())) {
                    case DATE, TIMESTAMP -> "CAST(year(" + col + ") AS BIGINT)";
                    case INTEGER -> col;
                    default -> "CAST(year(TRY_CAST(left(" + col + ", 10) AS DATE)) AS BIGINT)";
                };
            }
            return Optional.of(yearTotals(lc, d, expr));
        }
        return Optional.empty();
    }

    private ObjectNode yearTotals(LoadedCube lc, CubeDimension d, String yearExpr) {
        List<CubeAggregate> aggs = lc.cube().aggregates().values().stream().filter(CubeAggregate::listed).toList();
        StringBuilder sql = new StringBuilder("SELECT ").append(yearExpr).append(" AS y");
        for (CubeAggregate g : aggs) {
            sql.append(", ").append(g.measure() == null ? "COUNT(*)" : "SUM(\"" + g.measure().column() + "\")");
        }
        sql.append(" FROM ").append(lc.source()).append(" GROUP BY 1 ORDER BY 1 NULLS LAST");
        ObjectNode body = Json.object();
        ArrayNode cells = Json.array();
        try (Connection c = engine.connect(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ObjectNode cell = cells.addObject();
                    Object y = rs.getObject(1);
                    if (y == null) cell.putNull("year"); else cell.put("year", ((Number) y).longValue());
                    for (int i = 0; i < aggs.size(); i++) {
                        if (aggs.get(i).measure() == null) {
                            cell.put(aggs.get(i).ref(), rs.getLong(i + 2));
                        } else {
                            BigDecimal v = rs.getBigDecimal(i + 2);
                            if (v == null) cell.putNull(aggs.get(i).ref()); else cell.put(aggs.get(i).ref(), v);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new CofferException(ErrorCode.INTERNAL, "yearly totals of " + lc.revision().dataset() + " failed: "
                    + e.getMessage(), e);
        }
        body.put("total_cell_count", cells.size());
        body.set("cells", cells);
        ArrayNode ag = body.putArray("aggregates");
        aggs.forEach(g -> ag.add(g.ref()));
        body.putArray("attributes").add("year");
        body.put("status", "ok");
        body.put("dataset", lc.revision().dataset().toString());
        body.put("revision", lc.revision().revision());
        body.put("dimension", d.name());
        return body;
    }

    private static byte[] yearCsv(ObjectNode body) {
        List<String> keys = new ArrayList<>();
        keys.add("year");
        body.path("aggregates").forEach(a -> keys.add(a.asText()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CsvOutput csv = new CsvOutput(out, keys, keys.stream().map(k -> false).toList())) {
            body.path("cells").forEach(c -> csv.row((ObjectNode) c));
        } catch (IOException e) {
            throw new CofferException(ErrorCode.INTERNAL, "cannot write CSV", e);
        }
        return out.toByteArray();
    }

    /** The index of a revision's static aggregates, or empty when none were written. */
    public Optional<JsonNode> index(Revision rev) {
        return read(rev, INDEX).map(in -> {
            try (in) {
                return Json.parse(in, "aggregates index");
            } catch (IOException e) {
                throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot read the aggregates index", e);
            }
        });
    }

    /** File names under the revision's {@code aggregates/}. */
    public List<String> list(Revision rev) {
        try {
            String prefix = prefix(rev);
            return engine.store().blobs().list(prefix, 10_000).stream().map(b -> b.key().substring(prefix.length()))
                    .toList();
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot list aggregates: " + e.getMessage(), e);
        }
    }

    /** Opens one file ({@code by-cofog1.csv}, {@code index.json}, ...); the name is checked, never a path. */
    public Optional<InputStream> read(Revision rev, String file) {
        if (file == null || !file.matches("[a-z0-9][a-z0-9_.-]{0,120}\\.(csv|json)") || file.contains("..")) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "not an aggregates file name: '" + file + "'");
        }
        try {
            return engine.store().blobs().open(prefix(rev) + file);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
