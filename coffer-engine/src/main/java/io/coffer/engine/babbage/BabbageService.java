package io.coffer.engine.babbage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.engine.CofferEngine;
import io.coffer.engine.CubeLease;
import io.coffer.engine.LoadedCube;
import io.coffer.engine.cube.ColumnType;
import io.coffer.engine.cube.Cube;
import io.coffer.engine.cube.CubeAggregate;
import io.coffer.engine.cube.CubeAttribute;
import io.coffer.engine.cube.CubeDimension;
import io.coffer.engine.cube.CubeMeasure;
import io.coffer.engine.query.Cut;
import io.coffer.engine.query.CutBinder;
import io.coffer.engine.query.CutValue;
import io.coffer.engine.query.Literal;
import io.coffer.engine.query.OrderSpec;
import io.coffer.engine.query.Sql;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.store.Revision;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The OpenSpending/babbage query API as plain Java: each method returns the JSON body babbage returns
 * (same members, same order), so the HTTP layer only maps paths and parameters. Cube names are
 * {@code owner:name}. Errors are {@link CofferException}s: BAD_REQUEST for a bad ref, cut or parameter
 * (the message names it, in babbage's words where babbage had some), NOT_FOUND for an unknown cube.
 */
public final class BabbageService {
    private final CofferEngine engine;
    private final Map<String, Boolean> hasModel = new ConcurrentHashMap<>();

    private final ResultCache results;

    public BabbageService(CofferEngine engine) {
        this.engine = engine;
        this.results = new ResultCache(engine.config().resultCacheBytes());
    }

    /** Cache statistics, for metrics and tests: hits, misses, bytes held, entries. */
    public long[] resultCacheStats() {
        return new long[] {results.hits(), results.misses(), results.bytes(), results.size()};
    }

    /** babbage's cube name for a dataset: {@code owner:name}. */
    public static String cubeName(DatasetId id) {
        return id.owner() + ":" + id.name();
    }

    /** The error body babbage returns with HTTP 400 (and Coffer with every status). */
    public static ObjectNode error(CofferException e) {
        ObjectNode o = Json.object();
        o.put("status", "error");
        o.put("message", e.getMessage());
        ObjectNode ctx = o.putObject("context");
        ctx.put("code", e.code().code());
        return o;
    }

    // ------------------------------------------------------------------ cubes & model

    /** {@code GET /cubes/}: every dataset whose latest revision has a fiscal model. */
    public ObjectNode cubes() {
        return cubes(id -> true);
    }

    /** The cubes among the datasets {@code visible} lets this caller see. */
    public ObjectNode cubes(java.util.function.Predicate<DatasetId> visible) {
        ObjectNode o = Json.object();
        o.put("status", "ok");
        ArrayNode data = o.putArray("data");
        for (DatasetId id : engine.store().list()) {
            if (!visible.test(id)) {
                continue;
            }
            try {
                Revision rev = engine.store().revision(id, null);
                boolean model = hasModel.computeIfAbsent(rev.manifestSha256(), k -> {
                    var m = engine.store().descriptor(rev).model();
                    return m != null && !m.measures().isEmpty();
                });
                if (model) {
                    data.addObject().put("name", cubeName(id));
                }
            } catch (CofferException e) {
                // A dataset deleted or unreadable meanwhile is simply not listed.
            }
        }
        return o;
    }

    /** {@code GET /cubes/{name}/model/}. */
    public ObjectNode model(DatasetId id, Long revision) {
        LoadedCube lc = engine.cube(id, revision);
        Cube cube = lc.cube();
        ObjectNode o = Json.object();
        o.put("status", "ok");
        o.put("name", cubeName(id));
        o.put("revision", lc.revision().revision());
        ObjectNode m = o.putObject("model");
        m.put("fact_table", cube.factResource());
        ObjectNode ms = m.putObject("measures");
        for (CubeMeasure me : cube.measures().values()) {
            ObjectNode j = ms.putObject(me.name());
            j.put("column", me.source());
            j.put("label", me.title());
            j.put("type", "integer".equals(me.schemaType()) ? "integer" : "float");
            j.put("ref", me.ref());
            if (me.currency() != null) j.put("currency", me.currency());
            j.put("factor", me.factor());
            j.put("orig_measure", me.name());
        }
        ObjectNode ag = m.putObject("aggregates");
        for (CubeAggregate a : cube.aggregates().values()) {
            if (!a.listed()) {
                continue;
            }
            ObjectNode j = ag.putObject(a.ref());
            j.put("label", a.label());
            j.put("ref", a.ref());
            j.put("function", a.function());
            if (a.measure() != null) j.put("measure", a.measure().name());
        }
        m.putObject("hierarchies");
        ObjectNode ds = m.putObject("dimensions");
        for (CubeDimension d : cube.dimensions().values()) {
            ObjectNode j = ds.putObject(d.name());
            ObjectNode as = j.putObject("attributes");
            for (CubeAttribute a : d.attributes()) {
                ObjectNode aj = as.putObject(a.name());
                aj.put("column", a.source() == null ? a.name() : a.source());
                aj.put("label", a.title());
                aj.put("type", lc.type(a.column()).babbageName());
                aj.put("ref", a.ref());
            }
            j.put("key_attribute", d.keyAttribute().name());
            j.put("label_attribute", d.labelAttribute().name());
            j.put("label", d.title());
            j.put("ref", d.name());
            j.put("key_ref", d.keyAttribute().ref());
            j.put("label_ref", d.labelAttribute().ref());
            j.putNull("cardinality_class");
            j.put("hierarchy", d.name());
            if (d.dimensionType() != null) j.put("dimensionType", d.dimensionType());
            j.put("orig_dimension", d.name());
        }
        return o;
    }

    // ------------------------------------------------------------------ aggregate

    /** A column of a result: the key it is reported under and how to read it. */
    private record Out(String key, ColumnType type, boolean count, boolean avg) {
    }

    private record AggPlan(LoadedCube lc, List<CubeAttribute> drill, List<CubeAggregate> aggs, Sql where,
                           List<OrderSpec> order, Sql orderBy, Sql select, Sql groupBy) {
    }

    private AggPlan planAggregate(LoadedCube lc, AggregateRequest req) {
        Cube cube = lc.cube();
        List<CubeAttribute> drill = new ArrayList<>();
        for (String ref : req.drilldown()) {
            CubeDimension d = cube.dimensions().get(ref);
            CubeAttribute a = cube.attributes().get(ref);
            if (d != null) {
                d.attributes().stream().filter(x -> !drill.contains(x)).forEach(drill::add);
            } else if (a != null) {
                if (!drill.contains(a)) drill.add(a);
            } else {
                throw bad("Invalid drilldown: '" + ref + "'");
            }
        }
        List<CubeAggregate> aggs = new ArrayList<>();
        if (req.aggregates() == null) {
            cube.aggregates().values().stream().filter(CubeAggregate::listed).forEach(aggs::add);
        } else {
            for (String ref : req.aggregates()) {
                CubeAggregate g = cube.aggregates().get(ref);
                if (g == null) {
                    throw bad("Invalid aggregate: '" + ref + "'");
                }
                aggs.add(g);
            }
        }
        Sql where = CutBinder.where(lc, req.cuts());
        Sql select = new Sql();
        for (int i = 0; i < drill.size(); i++) {
            select.append(i == 0 ? "" : ", ").ident(drill.get(i).column());
        }
        for (CubeAggregate g : aggs) {
            select.append(select.isEmpty() ? "" : ", ").append(aggregateSelect(g));
        }
        Sql groupBy = new Sql();
        for (int i = 0; i < drill.size(); i++) {
            groupBy.append(i == 0 ? "" : ", ").ident(drill.get(i).column());
        }
        Sql orderBy = new Sql();
        List<CubeAttribute> ordered = new ArrayList<>();
        for (OrderSpec o : req.order()) {
            CubeAggregate g = cube.aggregates().get(o.ref());
            if (g == null && cube.measures().containsKey(o.ref())) {
                g = cube.aggregates().get(o.ref() + ".sum");
            }
            Sql term;
            if (g != null) {
                term = new Sql().append(aggregateOrder(g));
            } else {
                CubeAttribute a = cube.attribute(o.ref()).orElseThrow(() -> badOrder(o,
                        "not an attribute, measure or aggregate of this cube"));
                if (!drill.contains(a)) {
                    throw badOrder(o, "'" + o.ref() + "' is not in the drilldown");
                }
                ordered.add(a);
                term = new Sql().ident(a.column());
            }
            orderBy.append(orderBy.isEmpty() ? "" : ", ").append(term).append(o.descending() ? " DESC" : " ASC")
                    .append(" NULLS LAST");
        }
        // Then every drilldown column ascending, so pages are stable (babbage's default order too).
        for (CubeAttribute a : drill) {
            if (!ordered.contains(a)) {
                orderBy.append(orderBy.isEmpty() ? "" : ", ").ident(a.column()).append(" ASC NULLS LAST");
            }
        }
        return new AggPlan(lc, drill, aggs, where, req.order(), orderBy, select, groupBy);
    }

    private static String aggregateSelect(CubeAggregate g) {
        String c = g.measure() == null ? null : "\"" + g.measure().column() + "\"";
        return switch (g.function()) {
            case "count" -> c == null ? "COUNT(*)" : "COUNT(" + c + ")";
            case "sum" -> "SUM(" + c + ")";
            case "min" -> "MIN(" + c + ")";
            case "max" -> "MAX(" + c + ")";
            // Exact average: DuckDB's AVG is a DOUBLE, so the division happens in BigDecimal.
            case "avg" -> "SUM(" + c + "), COUNT(" + c + ")";
            default -> throw new IllegalStateException(g.function());
        };
    }

    /** The whole cut's value of an aggregate, over the grouped rows; same columns as {@link #aggregateSelect}. */
    private static String summaryWindow(CubeAggregate g) {
        String c = g.measure() == null ? null : "\"" + g.measure().column() + "\"";
        return switch (g.function()) {
            case "count" -> "CAST(SUM(" + (c == null ? "COUNT(*)" : "COUNT(" + c + ")") + ") OVER () AS BIGINT)";
            case "sum" -> "SUM(SUM(" + c + ")) OVER ()";
            case "min" -> "MIN(MIN(" + c + ")) OVER ()";
            case "max" -> "MAX(MAX(" + c + ")) OVER ()";
            case "avg" -> "SUM(SUM(" + c + ")) OVER (), CAST(SUM(COUNT(" + c + ")) OVER () AS BIGINT)";
            default -> throw new IllegalStateException(g.function());
        };
    }

    private static String aggregateOrder(CubeAggregate g) {
        return g.function().equals("avg") ? "SUM(\"" + g.measure().column() + "\") / COUNT(\""
                + g.measure().column() + "\")" : aggregateSelect(g);
    }

    private static List<Out> outputs(LoadedCube lc, List<CubeAttribute> attrs, List<CubeAggregate> aggs) {
        List<Out> outs = new ArrayList<>();
        attrs.forEach(a -> outs.add(new Out(a.ref(), lc.type(a.column()), false, false)));
        aggs.forEach(g -> outs.add(new Out(g.ref(), ColumnType.DECIMAL, g.function().equals("count"),
                g.function().equals("avg"))));
        return outs;
    }

    /** {@code GET /cubes/{name}/aggregate/} as JSON. */
    public ObjectNode aggregate(DatasetId id, Long revision, AggregateRequest req) {
        return onCube(id, revision, lc -> results.get(List.of("aggregate", lc.parquet(), req),
                () -> aggregate(id, lc, req)));
    }

    private ObjectNode aggregate(DatasetId id, LoadedCube lc, AggregateRequest req) {
        AggPlan p = planAggregate(lc, req);
        int pageSize = pageSize(req.pageSize());
        long offset = (long) (req.page() - 1) * pageSize;
        List<Out> outs = outputs(lc, p.drill(), p.aggs());
        ObjectNode o = Json.object();
        try (Connection c = engine.connect()) {
            ObjectNode summary = Json.object();
            ArrayNode cells = Json.array();
            long total = -1;
            boolean summarised = false;
            if (!p.drill().isEmpty() && pageSize > 0) {
                // One scan: the page of cells, the number of cells, and the summary over the whole cut as window
                // aggregates over the groups (every function here is decomposable; sums stay exact DECIMALs).
                Sql q = cellsQuery(p).append(", COUNT(*) OVER ()");
                for (CubeAggregate g : p.aggs()) {
                    q.append(", ").append(summaryWindow(g));
                }
                q.append(" FROM ").append(lc.source());
                where(q, p.where());
                q.append(" GROUP BY ").append(p.groupBy()).append(" ORDER BY ").append(p.orderBy())
                        .append(" LIMIT ").param((long) pageSize).append(" OFFSET ").param(offset);
                try (PreparedStatement ps = prepare(c, q); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ObjectNode cell = cells.addObject();
                        int col = read(rs, 1, outs, cell);
                        total = rs.getLong(col);
                        if (!summarised) {
                            read(rs, col + 1, outs.subList(p.drill().size(), outs.size()), summary);
                            summarised = true;
                        }
                    }
                }
            }
            if (!summarised) {
                // Summary over the whole cut; its hidden last column is the fact count.
                Sql sum = new Sql().append("SELECT ");
                for (CubeAggregate g : p.aggs()) {
                    sum.append(aggregateSelect(g)).append(", ");
                }
                sum.append("COUNT(*) FROM ").append(lc.source());
                where(sum, p.where());
                long facts;
                try (PreparedStatement ps = prepare(c, sum); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    int col = read(rs, 1, outs.subList(p.drill().size(), outs.size()), summary);
                    facts = rs.getLong(col);
                }
                if (p.drill().isEmpty()) {
                    // babbage's counts: one cell for the whole cube; with a cut, the number of matching facts.
                    total = req.cuts().isEmpty() ? 1 : facts;
                    if (pageSize > 0 && req.page() == 1) {
                        cells.add(summary.deepCopy());
                    }
                } else {
                    // An empty page (pagesize 0 or past the end) still reports the number of cells.
                    Sql n = new Sql().append("SELECT COUNT(*) FROM (SELECT 1 FROM ").append(lc.source());
                    where(n, p.where());
                    n.append(" GROUP BY ").append(p.groupBy()).append(")");
                    total = count(c, n);
                }
            }
            o.put("total_cell_count", total);
            o.set("cells", cells);
            o.set("summary", summary);
            o.set("cell", cellEcho(req.cuts()));
            ArrayNode aggs = o.putArray("aggregates");
            p.aggs().forEach(g -> aggs.add(g.ref()));
            ArrayNode attrs = o.putArray("attributes");
            p.drill().forEach(a -> attrs.add(a.ref()));
            o.set("order", orderEcho(req.order()));
            o.put("page", req.page());
            o.put("page_size", pageSize);
            o.put("status", "ok");
            return o;
        } catch (SQLException e) {
            throw failed(id, e);
        }
    }

    private static Sql cellsQuery(AggPlan p) {
        return new Sql().append("SELECT ").append(p.select());
    }

    /**
     * The cells of an aggregate answer as {@code format=csv} writes them (same header, quoting and formula guard),
     * from the JSON body already computed for {@code req} on {@code id}'s revision: the static aggregates write
     * both files from one query.
     */
    public void cellsCsv(DatasetId id, Long revision, AggregateRequest req, ObjectNode body, OutputStream out) {
        onCube(id, revision, lc -> {
            AggPlan p = planAggregate(lc, req);
            List<Out> outs = outputs(lc, p.drill(), p.aggs());
            try (CsvOutput csv = new CsvOutput(out, outs.stream().map(Out::key).toList(),
                    outs.stream().map(x -> x.type() == ColumnType.STRING && !x.count()).toList())) {
                long max = engine.config().csvMaxRows();
                long n = 0;
                for (var c : body.path("cells")) {
                    if (n++ == max) {
                        break;
                    }
                    csv.row((ObjectNode) c);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return null;
        });
    }

    /** What a CSV export wrote. */
    public record CsvExport(long rows, boolean truncated) {
    }

    /**
     * {@code GET /cubes/{name}/aggregate/?format=csv}: the cells as CSV (header = cell keys sorted, as
     * babbage), streamed to {@code out}. Without {@code pagesize} every cell is written, up to the engine's
     * {@code csvMaxRows}; {@code truncated} tells when cells were left out. Text cells starting with
     * {@code = + - @}, tab or CR are prefixed with {@code '} so spreadsheets do not run them as formulas;
     * numeric columns are written as plain decimals and never altered.
     */
    public CsvExport aggregateCsv(DatasetId id, Long revision, AggregateRequest req, OutputStream out) {
        WatchedOutput watched = new WatchedOutput(out);
        return onCube(id, revision, lc -> aggregateCsv(id, lc, req, watched), () -> !watched.written);
    }

    private CsvExport aggregateCsv(DatasetId id, LoadedCube lc, AggregateRequest req, OutputStream out) {
        AggPlan p = planAggregate(lc, req);
        long max = engine.config().csvMaxRows();
        long limit = req.pageSize() == null ? max : Math.min(req.pageSize(), max);
        long offset = (req.page() - 1L) * limit;
        List<Out> outs = outputs(lc, p.drill(), p.aggs());
        Sql q = cellsQuery(p).append(" FROM ").append(lc.source());
        where(q, p.where());
        if (!p.drill().isEmpty()) {
            q.append(" GROUP BY ").append(p.groupBy()).append(" ORDER BY ").append(p.orderBy());
        }
        q.append(" LIMIT ").param(limit + 1).append(" OFFSET ").param(p.drill().isEmpty() ? 0L : offset);
        try (Connection c = engine.connect(); PreparedStatement ps = prepare(c, q); ResultSet rs = ps.executeQuery();
             CsvOutput csv = new CsvOutput(out, outs.stream().map(Out::key).toList(),
                     outs.stream().map(x -> x.type() == ColumnType.STRING && !x.count()).toList())) {
            long rows = 0;
            boolean truncated = false;
            if (p.drill().isEmpty() && offset > 0) {
                return new CsvExport(0, false);
            }
            while (rs.next()) {
                if (rows == limit) {
                    truncated = req.pageSize() == null;
                    break;
                }
                ObjectNode cell = Json.object();
                read(rs, 1, outs, cell);
                csv.row(cell);
                rows++;
            }
            return new CsvExport(rows, truncated);
        } catch (SQLException e) {
            throw failed(id, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ facts

    /** {@code GET /cubes/{name}/facts/}. */
    public ObjectNode facts(DatasetId id, Long revision, FactsRequest req) {
        return onCube(id, revision, lc -> facts(id, lc, req));
    }

    private ObjectNode facts(DatasetId id, LoadedCube lc, FactsRequest req) {
        Cube cube = lc.cube();
        List<String> keys = new ArrayList<>();
        List<String> cols = new ArrayList<>();
        List<ColumnType> types = new ArrayList<>();
        List<String> fields = req.fields().isEmpty() ? defaultFields(cube) : req.fields();
        for (String ref : fields) {
            CubeDimension d = cube.dimensions().get(ref);
            CubeAttribute a = cube.attributes().get(ref);
            CubeMeasure m = cube.measures().get(ref);
            if (d != null) {
                for (CubeAttribute x : d.attributes()) {
                    addField(keys, cols, types, x.ref(), x.column(), lc.type(x.column()));
                }
            } else if (a != null) {
                addField(keys, cols, types, a.ref(), a.column(), lc.type(a.column()));
            } else if (m != null) {
                addField(keys, cols, types, m.ref(), m.column(), ColumnType.DECIMAL);
            } else {
                throw bad("Invalid field: '" + ref + "'");
            }
        }
        Sql orderBy = new Sql();
        for (OrderSpec o : req.order()) {
            CubeMeasure m = cube.measures().get(o.ref());
            String col = m != null ? m.column() : cube.attribute(o.ref()).map(CubeAttribute::column)
                    .orElseThrow(() -> badOrder(o, "not an attribute or measure of this cube"));
            orderBy.ident(col).append(o.descending() ? " DESC" : " ASC").append(" NULLS LAST, ");
        }
        // File order breaks ties, so pages never overlap.
        orderBy.append("file_row_number ASC");
        int pageSize = pageSize(req.pageSize());
        long offset = (long) (req.page() - 1) * pageSize;
        Sql where = CutBinder.where(lc, req.cuts());
        Sql q = new Sql().append("SELECT ");
        for (int i = 0; i < cols.size(); i++) {
            q.append(i == 0 ? "" : ", ").ident(cols.get(i));
        }
        q.append(" FROM ").append(lc.sourceWithRowNumbers());
        where(q, where);
        q.append(" ORDER BY ").append(orderBy).append(" LIMIT ").param((long) pageSize).append(" OFFSET ")
                .param(offset);
        List<Out> outs = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            outs.add(new Out(keys.get(i), types.get(i), false, false));
        }
        try (Connection c = engine.connect()) {
            Sql n = new Sql().append("SELECT COUNT(*) FROM ").append(lc.source());
            where(n, where);
            long total = count(c, n);
            ArrayNode data = pageSize > 0 ? rows(c, q, outs) : Json.array();
            ObjectNode o = Json.object();
            o.put("total_fact_count", total);
            o.set("data", data);
            // babbage's quirk: facts echo the raw cut text, not the parsed list.
            if (req.cutText() == null) o.putNull("cell"); else o.put("cell", req.cutText());
            ArrayNode fs = o.putArray("fields");
            keys.forEach(fs::add);
            o.set("order", orderEcho(req.order()));
            o.put("page", req.page());
            o.put("page_size", pageSize);
            o.put("status", "ok");
            return o;
        } catch (SQLException e) {
            throw failed(id, e);
        }
    }

    private static List<String> defaultFields(Cube cube) {
        List<String> f = new ArrayList<>(cube.attributes().keySet());
        f.addAll(cube.measures().keySet());
        return f;
    }

    private static void addField(List<String> keys, List<String> cols, List<ColumnType> types, String key, String col,
                                 ColumnType type) {
        if (!keys.contains(key)) {
            keys.add(key);
            cols.add(col);
            types.add(type);
        }
    }

    // ------------------------------------------------------------------ members

    /** {@code GET /cubes/{name}/members/{ref}/}: distinct values of a dimension (all its attributes) or attribute. */
    public ObjectNode members(DatasetId id, Long revision, String ref, MembersRequest req) {
        return onCube(id, revision, lc -> results.get(List.of("members", lc.parquet(), ref, req),
                () -> members(id, lc, ref, req)));
    }

    private ObjectNode members(DatasetId id, LoadedCube lc, String ref, MembersRequest req) {
        Cube cube = lc.cube();
        List<CubeAttribute> attrs = new ArrayList<>();
        if (cube.dimensions().containsKey(ref)) {
            attrs.addAll(cube.dimensions().get(ref).attributes());
        } else if (cube.attributes().containsKey(ref)) {
            attrs.add(cube.attributes().get(ref));
        } else {
            throw bad("Invalid members ref: '" + ref + "' is not a dimension or attribute of this cube");
        }
        Sql orderBy = new Sql();
        List<CubeAttribute> ordered = new ArrayList<>();
        for (OrderSpec o : req.order()) {
            CubeAttribute a = cube.attribute(o.ref()).orElseThrow(() -> badOrder(o,
                    "not an attribute of this cube"));
            if (!attrs.contains(a)) {
                throw badOrder(o, "'" + o.ref() + "' is not a field of these members");
            }
            ordered.add(a);
            orderBy.append(orderBy.isEmpty() ? "" : ", ").ident(a.column()).append(o.descending() ? " DESC" : " ASC")
                    .append(" NULLS LAST");
        }
        for (CubeAttribute a : attrs) {
            if (!ordered.contains(a)) {
                orderBy.append(orderBy.isEmpty() ? "" : ", ").ident(a.column()).append(" ASC NULLS LAST");
            }
        }
        Sql distinct = new Sql().append("SELECT DISTINCT ");
        for (int i = 0; i < attrs.size(); i++) {
            distinct.append(i == 0 ? "" : ", ").ident(attrs.get(i).column());
        }
        distinct.append(" FROM ").append(lc.source());
        Sql where = CutBinder.where(lc, req.cuts());
        where(distinct, where);
        int pageSize = pageSize(req.pageSize());
        long offset = (long) (req.page() - 1) * pageSize;
        List<Out> outs = outputs(lc, attrs, List.of());
        try (Connection c = engine.connect()) {
            long total = count(c, new Sql().append("SELECT COUNT(*) FROM (").append(distinct).append(")"));
            ArrayNode data = pageSize > 0 ? rows(c, new Sql().append(distinct).append(" ORDER BY ").append(orderBy)
                    .append(" LIMIT ").param((long) pageSize).append(" OFFSET ").param(offset), outs) : Json.array();
            ObjectNode o = Json.object();
            o.put("total_member_count", total);
            o.set("data", data);
            o.set("cell", cellEcho(req.cuts()));
            ArrayNode fs = o.putArray("fields");
            attrs.forEach(a -> fs.add(a.ref()));
            o.set("order", orderEcho(req.order()));
            o.put("page", req.page());
            o.put("page_size", pageSize);
            o.put("status", "ok");
            return o;
        } catch (SQLException e) {
            throw failed(id, e);
        }
    }

    // ------------------------------------------------------------------ helpers

    private <T> T onCube(DatasetId id, Long revision, Function<LoadedCube, T> query) {
        return onCube(id, revision, query, () -> true);
    }

    /**
     * Runs a query under a lease on the cube, so this JVM's cache eviction keeps its file. Another process
     * sharing the cache may still delete it between two statements of the query: then the query runs once
     * more on a rebuilt copy, if {@code retryable} (nothing was sent yet).
     */
    private <T> T onCube(DatasetId id, Long revision, Function<LoadedCube, T> query, BooleanSupplier retryable) {
        try (CubeLease lease = engine.use(id, revision)) {
            try {
                return query.apply(lease.cube());
            } catch (CofferException e) {
                if (e.code() != ErrorCode.INTERNAL || Files.isRegularFile(lease.cube().parquet())
                        || !retryable.getAsBoolean()) {
                    throw e;
                }
            }
        }
        try (CubeLease lease = engine.use(id, revision)) {
            return query.apply(lease.cube());
        }
    }

    /** Knows whether anything was written to the response, so a failed export is only retried when not. */
    private static final class WatchedOutput extends java.io.FilterOutputStream {
        volatile boolean written;

        WatchedOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            written = true;
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            written = true;
            out.write(b, off, len);
        }
    }

    private int pageSize(Integer requested) {
        return requested == null ? Math.min(Params.DEFAULT_PAGE_SIZE, engine.config().maxPageSize())
                : Math.min(requested, engine.config().maxPageSize());
    }

    private static void where(Sql q, Sql where) {
        if (!where.isEmpty()) {
            q.append(" WHERE ").append(where);
        }
    }

    private PreparedStatement prepare(Connection c, Sql q) throws SQLException {
        PreparedStatement ps = c.prepareStatement(q.text());
        // DuckDB cancels the statement when it runs past this (and a streamed CSV export with it).
        ps.setQueryTimeout(engine.config().queryTimeoutSeconds());
        q.bind(ps);
        return ps;
    }

    /** Every row of a page query, as objects keyed by {@code outs}. */
    private ArrayNode rows(Connection c, Sql q, List<Out> outs) throws SQLException {
        ArrayNode data = Json.array();
        try (PreparedStatement ps = prepare(c, q); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                read(rs, 1, outs, data.addObject());
            }
        }
        return data;
    }

    private long count(Connection c, Sql q) throws SQLException {
        try (PreparedStatement ps = prepare(c, q); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Reads {@code outs} from the row starting at column {@code col}; returns the next column index. */
    private static int read(ResultSet rs, int col, List<Out> outs, ObjectNode into) throws SQLException {
        for (Out o : outs) {
            if (o.count()) {
                into.put(o.key(), rs.getLong(col++));
            } else if (o.avg()) {
                BigDecimal s = rs.getBigDecimal(col++);
                long n = rs.getLong(col++);
                if (s == null || n == 0) {
                    into.putNull(o.key());
                } else {
                    BigDecimal avg = s.divide(BigDecimal.valueOf(n), s.scale() + 6, RoundingMode.HALF_EVEN)
                            .stripTrailingZeros();
                    into.put(o.key(), avg.scale() < 0 ? avg.setScale(0) : avg);
                }
            } else {
                putValue(rs, col++, o.type(), o.key(), into);
            }
        }
        return col;
    }

    private static void putValue(ResultSet rs, int col, ColumnType type, String key, ObjectNode into)
            throws SQLException {
        switch (type) {
            case DECIMAL -> {
                BigDecimal v = rs.getBigDecimal(col);
                if (v == null) into.putNull(key); else into.put(key, v);
            }
            case INTEGER -> {
                Object v = rs.getObject(col);
                if (v == null) into.putNull(key);
                else if (v instanceof BigInteger b) into.put(key, b);
                else into.put(key, ((Number) v).longValue());
            }
            case BOOLEAN -> {
                boolean v = rs.getBoolean(col);
                if (rs.wasNull()) into.putNull(key); else into.put(key, v);
            }
            case TIMESTAMP -> {
                LocalDateTime v = rs.getObject(col, LocalDateTime.class);
                if (v == null) into.putNull(key); else into.put(key, v.toString());
            }
            default -> {
                String v = rs.getString(col);
                if (v == null) into.putNull(key); else into.put(key, v);
            }
        }
    }

    /** The parsed cuts as babbage echoes them in {@code cell}; Coffer's extensions use {@code !:} and ranges. */
    static ArrayNode cellEcho(List<Cut> cuts) {
        ArrayNode a = Json.array();
        for (Cut c : cuts) {
            ObjectNode o = a.addObject();
            o.put("ref", c.ref());
            o.put("operator", c.negated() ? "!:" : ":");
            ArrayNode v = o.putArray("value");
            for (CutValue cv : c.values()) {
                switch (cv) {
                    case CutValue.Single s -> addLiteral(v, s.value());
                    case CutValue.Range r -> {
                        ObjectNode range = v.addObject();
                        ArrayNode tmp = Json.array();
                        addLiteral(tmp, r.from() == null ? Literal.NULL : r.from());
                        addLiteral(tmp, r.to() == null ? Literal.NULL : r.to());
                        range.set("from", tmp.get(0));
                        range.set("to", tmp.get(1));
                    }
                }
            }
        }
        return a;
    }

    private static void addLiteral(ArrayNode a, Literal l) {
        switch (l.kind()) {
            case NULL -> a.addNull();
            case INTEGER -> a.add(new BigInteger(l.text()));
            case NUMBER -> a.add(new BigDecimal(l.text()));
            default -> a.add(l.text());
        }
    }

    private static ArrayNode orderEcho(List<OrderSpec> order) {
        ArrayNode a = Json.array();
        order.forEach(o -> a.addArray().add(o.ref()).add(o.direction()));
        return a;
    }

    /** babbage's words, then Coffer's reason. */
    private static CofferException badOrder(OrderSpec o, String why) {
        return bad("Invalid sorting criterion: " + o.babbageText() + " (" + why + ")");
    }

    private static CofferException bad(String message) {
        return new CofferException(ErrorCode.BAD_REQUEST, message);
    }

    private CofferException failed(DatasetId id, SQLException e) {
        return failed(id, e, engine.config().queryTimeoutSeconds());
    }

    /** A failed query as the API reports it: a cancelled one (the time limit) apart from the rest. */
    static CofferException failed(DatasetId id, SQLException e, int timeoutSeconds) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("INTERRUPT") || m.contains("Interrupted")) {
            return new CofferException(ErrorCode.QUERY_TIMEOUT, "the query on " + id + " ran longer than "
                    + timeoutSeconds + " s and was cancelled; narrow it with cuts, fewer drilldowns or a smaller page",
                    e);
        }
        return new CofferException(ErrorCode.INTERNAL, "query on " + id + " failed: " + e.getMessage(), e);
    }

    /** Aggregate refs in their listed order (for callers building requests). */
    public static List<String> listedAggregates(Cube cube) {
        List<String> out = new ArrayList<>();
        cube.aggregates().values().stream().filter(CubeAggregate::listed).forEach(g -> out.add(g.ref()));
        return out;
    }
}
