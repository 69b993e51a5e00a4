package io.coffer.versions;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.Dialect;
import io.coffer.model.ErrorCode;
import io.coffer.model.PackagePath;
import io.coffer.model.Resource;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Upsert publishing: the previous revision's rows, minus the keys in a deletes file, with the rows of a
 * changes file replacing the rows of the same key (in place) or added at the end (in the changes file's order),
 * written as the new revision's full CSV. DuckDB joins the Parquet copies, so memory stays bounded; the output
 * is streamed.
 *
 * <p>A key may not appear twice in the changes file, nor in both the changes and the deletes file. Cells are
 * copied as text: the new revision's CSV holds exactly what was published before or in the changes.
 */
public final class Upsert {
    private Upsert() {
    }

    public record Result(long rows, long updated, long inserted, long deleted, long unknownDeletes) {
    }

    /**
     * Merges into {@code out}: {@code previous} (the latest revision), the resource {@code target} of the new
     * descriptor whose key is used, {@code changes} (CSV with every field of the new schema), {@code deletes}
     * (CSV with the key fields; may be null).
     */
    public static Result apply(Versions v, Revision previous, Resource target, Path changes, Path deletes, Path out) {
        String name = target.name();
        Versions.Keyed prev = v.keyed(previous, name).requireKey();
        List<String> key = target.schema().primaryKey().isEmpty() ? prev.key() : target.schema().primaryKey();
        List<String> cols = target.schema().fieldNames();
        if (!cols.containsAll(key)) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "primary key " + key + " is not in the schema");
        }
        Path prevTable = v.table(prev);
        Path tmpDir = v.work().resolve("tmp");
        Path ch = null;
        Path del = null;
        try {
            ch = Versions.tempFile(tmpDir, ".parquet");
            v.writeParquet(ch, cols, List.of(() -> Files.newInputStream(changes)), target.dialect(), target.encoding(),
                    new HashSet<>(target.schema().missingValues()), true, "changes file " + changes.getFileName());
            if (deletes != null) {
                del = Versions.tempFile(tmpDir, ".parquet");
                v.writeParquet(del, key, List.of(() -> Files.newInputStream(deletes)), null, "utf-8",
                        new HashSet<>(List.of("")), true, "deletes file " + deletes.getFileName());
            }
            String p = "read_parquet(" + Sql.literal(prevTable.toString()) + ")";
            String c = "read_parquet(" + Sql.literal(ch.toString()) + ")";
            String d = del == null ? null : "read_parquet(" + Sql.literal(del.toString()) + ")";
            try (Connection conn = v.connect(); Statement s = conn.createStatement()) {
                dup(s, c, key, "the changes file");
                if (d != null) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + c + " c SEMI JOIN " + d + " d ON "
                            + Sql.keyJoin("c", "d", key))) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            throw new CofferException(ErrorCode.INVALID_DATA, rs.getLong(1) + " key(s) are both in the "
                                    + "changes and the deletes file; a key may be changed or deleted, not both");
                        }
                    }
                }
                long deleted = 0;
                long unknownDeletes = 0;
                if (d != null) {
                    deleted = scalar(s, "SELECT count(*) FROM (SELECT DISTINCT " + Sql.cols(null, key) + " FROM " + d
                            + ") d SEMI JOIN " + p + " p ON " + Sql.keyJoin("d", "p", key));
                    unknownDeletes = scalar(s, "SELECT count(*) FROM (SELECT DISTINCT " + Sql.cols(null, key) + " FROM "
                            + d + ")") - deleted;
                }
                long updated = scalar(s, "SELECT count(*) FROM " + c + " c SEMI JOIN " + p + " p ON "
                        + Sql.keyJoin("c", "p", key));
                String kept = d == null ? p : "(SELECT * FROM " + p + " p ANTI JOIN " + d + " d ON "
                        + Sql.keyJoin("p", "d", key) + ")";
                StringBuilder sql = new StringBuilder("SELECT * EXCLUDE (_src, _o) FROM (SELECT 0 AS _src, p._ord AS _o");
                for (String col : cols) {
                    String old = prev.columns().contains(col) ? "p." + Sql.ident(col) : "NULL::VARCHAR";
                    sql.append(", CASE WHEN c._ord IS NULL THEN ").append(old).append(" ELSE c.").append(Sql.ident(col))
                            .append(" END AS ").append(Sql.ident(col));
                }
                sql.append(" FROM ").append(kept).append(" p LEFT JOIN ").append(c).append(" c ON ")
                        .append(Sql.keyJoin("p", "c", key));
                sql.append(" UNION ALL SELECT 1, c._ord, ").append(Sql.cols("c", cols)).append(" FROM ").append(c)
                        .append(" c ANTI JOIN ").append(p).append(" p ON ").append(Sql.keyJoin("c", "p", key))
                        .append(") ORDER BY _src, _o");
                long rows = 0;
                Dialect dialect = target.effectiveDialect();
                String missing = target.schema().missingValues().isEmpty() ? "" : target.schema().missingValues().getFirst();
                Files.createDirectories(out.toAbsolutePath().getParent());
                try (Writer w = Files.newBufferedWriter(out, CsvTables.charset(target.encoding()));
                     CsvWriter csv = CsvWriter.builder().fieldSeparator(dialect.delimiter())
                             .quoteCharacter(dialect.quoteChar())
                             .lineDelimiter("\n".equals(dialect.lineTerminator()) ? LineDelimiter.LF : LineDelimiter.CRLF)
                             .build(w);
                     ResultSet rs = s.executeQuery(sql.toString())) {
                    csv.writeRecord(cols);
                    String[] line = new String[cols.size()];
                    while (rs.next()) {
                        for (int i = 0; i < line.length; i++) {
                            String val = rs.getString(i + 1);
                            line[i] = val == null ? missing : val;
                        }
                        csv.writeRecord(line);
                        rows++;
                    }
                }
                long total = scalar(s, "SELECT count(*) FROM " + c);
                return new Result(rows, updated, total - updated, deleted, unknownDeletes);
            }
        } catch (SQLException e) {
            throw new CofferException(ErrorCode.INTERNAL, "upsert failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "upsert failed: " + e.getMessage(), e);
        } finally {
            deleteQuietly(ch);
            deleteQuietly(del);
        }
    }

    private static void dup(Statement s, String table, List<String> key, String what) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT " + Sql.cols(null, key) + " FROM " + table
                + " GROUP BY ALL HAVING count(*) > 1 LIMIT 1")) {
            if (rs.next()) {
                List<String> vals = new ArrayList<>();
                for (int i = 1; i <= key.size(); i++) {
                    vals.add(rs.getString(i));
                }
                throw new CofferException(ErrorCode.INVALID_DATA, what + " has the key " + key + " = " + vals
                        + " more than once");
            }
        }
    }

    private static long scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // temp file
            }
        }
    }

    /**
     * Stages an upsert publish as a full package directory: {@code packageDir}'s descriptor and files, with the
     * keyed resource's data file (the changes) replaced by the merged full data. Returns the result; the package
     * is in {@code into}.
     */
    public static Result stage(Versions v, DataStore store, Revision previous, Path packageDir, Path deletes, Path into) {
        try {
            PackageSource src = PackageSource.directory(packageDir);
            byte[] descriptor = src.descriptor();
            DataPackage pkg = DataPackage.read(descriptor);
            Versions.Keyed prev = v.keyed(previous, null).requireKey();
            Resource target = pkg.resource(prev.name()).orElseThrow(() -> new CofferException(
                    ErrorCode.INVALID_DESCRIPTOR, "the package has no resource '" + prev.name() + "' to upsert into"));
            List<PackagePath> paths = target.localPaths();
            if (paths.size() != 1) {
                throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "upsert needs resource '" + prev.name()
                        + "' to have exactly one local data file (the changes)");
            }
            Files.createDirectories(into);
            Files.write(into.resolve("datapackage.json"), descriptor);
            Path base = (Files.isDirectory(packageDir) ? packageDir : packageDir.toAbsolutePath().getParent())
                    .toAbsolutePath().normalize();
            for (Resource r : pkg.resources()) {
                for (PackagePath pp : r.localPaths()) {
                    if (r == target || pp.equals(paths.getFirst())) {
                        continue;
                    }
                    copy(src, pp, into);
                }
            }
            if (src.size(PackagePath.of(DataStore.MAPPING_FILE)) >= 0) {
                copy(src, PackagePath.of(DataStore.MAPPING_FILE), into);
            }
            Path changes = base.resolve(paths.getFirst().value()).normalize();
            if (!changes.startsWith(base)) {
                throw new CofferException(ErrorCode.INVALID_PATH, "path escapes the package: " + paths.getFirst());
            }
            return apply(v, previous, target, changes, deletes, into.resolve(paths.getFirst().value()));
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "upsert failed: " + e.getMessage(), e);
        }
    }

    private static void copy(PackageSource src, PackagePath pp, Path into) throws IOException {
        Path dest = into.resolve(pp.value());
        Files.createDirectories(dest.getParent());
        try (InputStream in = src.open(pp).orElseThrow(() -> new CofferException(ErrorCode.INVALID_DATA,
                "file '" + pp + "' is missing from the package"))) {
            Files.copy(in, dest);
        }
    }
}
