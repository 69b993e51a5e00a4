package io.coffer.engine;

import io.coffer.engine.cube.ColumnType;
import io.coffer.engine.cube.Cube;
import io.coffer.engine.cube.CubeAttribute;
import io.coffer.engine.cube.CubeMeasure;
import io.coffer.model.CofferException;
import io.coffer.model.Dialect;
import io.coffer.model.ErrorCode;
import io.coffer.model.Field;
import io.coffer.model.Resource;
import io.coffer.store.Revision;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Parquet copy at DuckDB's own speed, for packages whose CSV DuckDB reads exactly as the Java path would
 * (what {@code coffer init} writes: UTF-8, a header equal to the schema, double quotes, plain decimals, ISO
 * dates, no number formatting options, measure factors of 1). Two passes of DuckDB's {@code read_csv} over a
 * local copy of the files: the first reads every used column as text and finds what the types must be (the
 * decimal scale and digits of each measure, attributes to keep as text), the second reads them with those
 * explicit types and writes the Parquet file with {@code COPY}. Anything the first pass does not find plain
 * (a number with an exponent or spaces, a date in another form, an unreadable row) sends the package to the
 * streaming Java path instead, which parses it exactly or names the row and column it cannot read.
 */
final class DirectCopy {
    private static final Logger LOG = LoggerFactory.getLogger(DirectCopy.class);
    /** Exactly the decimals the Java path would read to the same value with no help from the schema's options. */
    private static final String PLAIN_DECIMAL = "'[+-]?[0-9]+(\\.[0-9]+)?'";
    private static final String PLAIN_INTEGER = "'[+-]?[0-9]{1,18}'";
    private static final String ISO_DATE = "'[0-9]{4}-[0-9]{2}-[0-9]{2}'";

    private DirectCopy() {
    }

    /** Rows written, or null when this package needs the streaming path (nothing written then). */
    static Long tryCopy(ParquetCache cache, Revision rev, Resource res, Cube cube, List<String> files, Path out)
            throws IOException, SQLException {
        String why = unsupported(res, cube);
        List<Dialect> dialects = new ArrayList<>();
        if (why == null) {
            for (String f : files) {
                Dialect d = cache.dialect(rev, res, f);
                if (d.quoteChar() != '"' || !d.doubleQuote() || !d.header() || d.skipInitialSpace()
                        || d.delimiter() == '"' || d.delimiter() == '\n' || d.delimiter() == '\r') {
                    why = "dialect of " + f;
                } else if (!res.schema().fieldNames().equals(cache.header(rev, res, f, d))) {
                    why = "header of " + f + " differs from the schema";
                } else if (!dialects.isEmpty() && dialects.get(0).delimiter() != d.delimiter()) {
                    why = "files with different delimiters";
                }
                dialects.add(d);
                if (why != null) {
                    break;
                }
            }
        }
        if (why != null) {
            LOG.debug("{} revision {}: streaming copy ({})", rev.dataset(), rev.revision(), why);
            return null;
        }
        Path incoming = cache.incoming();
        Files.createDirectories(incoming);
        List<Path> local = new ArrayList<>();
        try {
            long t = System.nanoTime();
            for (String f : files) {
                local.add(copyLocal(cache, rev, f, incoming));
            }
            LOG.info("{} revision {}: local copy of the CSV for read_csv {} ms", rev.dataset(), rev.revision(),
                    (System.nanoTime() - t) / 1_000_000);
            return copy(cache, rev, res, cube, local, dialects.get(0).delimiter(), out);
        } finally {
            for (Path p : local) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Why this package is not read by DuckDB directly, or null when it can be. */
    static String unsupported(Resource res, Cube cube) {
        String enc = res.encoding() == null ? "utf-8" : res.encoding().toLowerCase(Locale.ROOT).replace("_", "-");
        if (!enc.equals("utf-8") && !enc.equals("utf8")) {
            return "encoding " + res.encoding();
        }
        if (res.schema().missingValues().isEmpty()) {
            return "no missing values";
        }
        for (CubeMeasure m : cube.measures().values()) {
            if (m.factor().compareTo(BigDecimal.ONE) != 0) {
                return "measure " + m.name() + " has a factor";
            }
            if (!plainNumberOptions(m.field().field())) {
                return "number options of " + m.source();
            }
        }
        for (CubeAttribute a : cube.attributes().values()) {
            if (a.field() == null) {
                continue;
            }
            Field f = a.field().field();
            switch (a.type()) {
                case STRING -> { }
                case INTEGER, DECIMAL -> {
                    if (!plainNumberOptions(f)) {
                        return "number options of " + a.source();
                    }
                }
                case DATE -> {
                    if (f.format() != null && !f.format().equals("default")) {
                        return "date format of " + a.source();
                    }
                }
                default -> {
                    return a.type() + " attribute " + a.ref();
                }
            }
        }
        return null;
    }

    private static boolean plainNumberOptions(Field f) {
        return (f.decimalChar() == null || f.decimalChar().equals(".")) && (f.groupChar() == null
                || f.groupChar().isEmpty()) && (f.bareNumber() == null || f.bareNumber());
    }

    /** The file as the store serves it (checksum verified by the store's stream), without a UTF-8 BOM. */
    private static Path copyLocal(ParquetCache cache, Revision rev, String file, Path dir) throws IOException {
        Path p = dir.resolve(Long.toHexString(System.nanoTime()) + "-" + Integer.toHexString(file.hashCode())
                + ".csv.tmp");
        try (InputStream raw = cache.store().open(rev, file);
             BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
             OutputStream o = Files.newOutputStream(p)) {
            io.coffer.store.spi.Streams.skipUtf8Bom(in);
            in.transferTo(o);
        }
        return p;
    }

    /** One used column of the CSV: a field and the cube columns it feeds. */
    private static final class Source {
        final int field;
        final String name;
        /** Raw text column alias in the first pass. */
        final String alias;
        ColumnType type;
        boolean measure;
        int scale;
        int intDigits = 1;
        boolean degraded;
        String sqlType;

        Source(int field, String name) {
            this.field = field;
            this.name = name;
            this.alias = "f" + field;
        }
    }

    private static Long copy(ParquetCache cache, Revision rev, Resource res, Cube cube, List<Path> files,
                             char delimiter, Path out) throws SQLException {
        List<String> names = res.schema().fieldNames();
        Map<Integer, Source> sources = new LinkedHashMap<>();
        for (CubeMeasure m : cube.measures().values()) {
            Source s = sources.computeIfAbsent(m.field().index(), i -> new Source(i, names.get(i)));
            s.measure = true;
            s.type = ColumnType.DECIMAL;
        }
        for (CubeAttribute a : cube.attributes().values()) {
            if (a.field() == null) {
                continue;
            }
            Source s = sources.computeIfAbsent(a.field().index(), i -> new Source(i, names.get(i)));
            if (s.type != null && s.type != a.type()) {
                return null; // one field read as two types: left to the streaming path
            }
            s.type = a.type();
        }
        try (Connection c = cache.duck().connectDedicated(); Statement st = c.createStatement()) {
            // Pass 1: every used column as text; what is not plain sends the package to the streaming path.
            StringBuilder q = new StringBuilder("SELECT COUNT(*)");
            for (Source s : sources.values()) {
                String v = Duck.ident(s.alias);
                switch (s.type) {
                    case DECIMAL -> q.append(", COUNT(*) FILTER (WHERE ").append(v).append(" IS NOT NULL AND NOT regexp_full_match(")
                            .append(v).append(", ").append(PLAIN_DECIMAL).append("))")
                            .append(", COALESCE(MAX(length(split_part(").append(v).append(", '.', 2))), 0)")
                            .append(", COALESCE(MAX(length(ltrim(split_part(ltrim(").append(v)
                            .append(", '+-'), '.', 1), '0'))), 0)");
                    case INTEGER -> q.append(", COUNT(*) FILTER (WHERE ").append(v).append(" IS NOT NULL AND NOT regexp_full_match(")
                            .append(v).append(", ").append(PLAIN_INTEGER).append(")), 0, 0");
                    case DATE -> q.append(", COUNT(*) FILTER (WHERE ").append(v).append(" IS NOT NULL AND NOT regexp_full_match(")
                            .append(v).append(", ").append(ISO_DATE).append(")), COUNT(*) FILTER (WHERE ").append(v)
                            .append(" IS NOT NULL AND TRY_CAST(").append(v).append(" AS DATE) IS NULL), 0");
                    default -> q.append(", 0, 0, 0");
                }
            }
            q.append(" FROM ").append(readCsv(files, delimiter, res, names, sources, true));
            long rows;
            long t0 = System.nanoTime();
            try (ResultSet rs = st.executeQuery(q.toString())) {
                rs.next();
                rows = rs.getLong(1);
                int col = 2;
                for (Source s : sources.values()) {
                    long notPlain = rs.getLong(col++);
                    long b = rs.getLong(col++);
                    long d = rs.getLong(col++);
                    if (notPlain > 0) {
                        LOG.debug("{}: column {} has {} values that are not plain; streaming copy", rev.dataset(),
                                s.name, notPlain);
                        return null;
                    }
                    if (s.type == ColumnType.DECIMAL) {
                        s.scale = (int) b;
                        s.intDigits = (int) Math.max(1, d);
                    } else if (s.type == ColumnType.DATE) {
                        s.degraded = b > 0;
                    }
                }
            } catch (SQLException e) {
                // A row DuckDB cannot read strictly: the streaming path reads it or names it.
                LOG.debug("{}: read_csv refused the file ({}); streaming copy", rev.dataset(), e.getMessage());
                return null;
            }
            for (Source s : sources.values()) {
                s.sqlType = switch (s.type) {
                    case DECIMAL -> {
                        String t = ParquetCache.decimalType(s.intDigits, s.scale);
                        if (t == null && s.measure) {
                            throw new CofferException(ErrorCode.INVALID_DATA, "measure column '" + s.name
                                    + "' has values with more than 38 digits (" + s.intDigits + " before and "
                                    + s.scale + " after the decimal point)");
                        }
                        yield t == null ? "VARCHAR" : t;
                    }
                    case INTEGER -> "BIGINT";
                    case DATE -> s.degraded ? "VARCHAR" : "DATE";
                    default -> "VARCHAR";
                };
            }
            // Pass 2: the same files with explicit types, straight to Parquet.
            StringBuilder select = new StringBuilder("SELECT ");
            boolean first = true;
            for (CubeMeasure m : cube.measures().values()) {
                select.append(first ? "" : ", ").append(Duck.ident(sources.get(m.field().index()).alias))
                        .append(" AS ").append(Duck.ident(m.column()));
                first = false;
            }
            for (CubeAttribute a : cube.attributes().values()) {
                select.append(first ? "" : ", ");
                first = false;
                if (a.field() == null) {
                    boolean isMissing = res.schema().missingValues().contains(a.constant());
                    select.append(isMissing ? "CAST(NULL AS VARCHAR)" : "CAST(" + Duck.literal(a.constant()) + " AS VARCHAR)");
                } else {
                    select.append(Duck.ident(sources.get(a.field().index()).alias));
                }
                select.append(" AS ").append(Duck.ident(a.column()));
            }
            select.append(" FROM ").append(readCsv(files, delimiter, res, names, sources, false));
            long t1 = System.nanoTime();
            st.execute("COPY (" + select + ") TO " + Duck.literal(out.toString()) + " (FORMAT parquet, COMPRESSION zstd)");
            LOG.info("{} revision {}: read_csv text pass {} ms, typed COPY {} ms", rev.dataset(), rev.revision(),
                    (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
            for (Source s : sources.values()) {
                if (s.degraded) {
                    LOG.warn("{} revision {}: column {} holds values that are not {}; kept as text", rev.dataset(),
                            rev.revision(), s.name, s.type);
                }
            }
            return rows;
        }
    }

    /** {@code read_csv} of the files with every option explicit (no sniffing): text, or the chosen types. */
    private static String readCsv(List<Path> files, char delimiter, Resource res, List<String> names,
                                  Map<Integer, Source> sources, boolean asText) {
        StringBuilder list = new StringBuilder();
        for (Path p : files) {
            list.append(list.isEmpty() ? "" : ", ").append(Duck.literal(p.toString()));
        }
        StringBuilder cols = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            Source s = sources.get(i);
            String name = s == null ? "unused" + i : s.alias;
            String type = s == null || asText ? "VARCHAR" : s.sqlType;
            cols.append(i == 0 ? "" : ", ").append(Duck.literal(name)).append(": ").append(Duck.literal(type));
        }
        StringBuilder nulls = new StringBuilder();
        for (String m : res.schema().missingValues()) {
            nulls.append(nulls.isEmpty() ? "" : ", ").append(Duck.literal(m));
        }
        return "read_csv([" + list + "], header = true, auto_detect = false, delim = "
                + Duck.literal(String.valueOf(delimiter)) + ", quote = '\"', escape = '\"', columns = {" + cols
                + "}, nullstr = [" + nulls + "], allow_quoted_nulls = true, dateformat = '%Y-%m-%d', "
                + "strict_mode = true, null_padding = false)";
    }
}
