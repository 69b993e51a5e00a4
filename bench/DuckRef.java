import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The DuckDB reference for the publish benchmark: read_csv (types detected by DuckDB) + COPY TO parquet of the
 * same file with the same threads and memory limit, then the exact SUM of the amount column.
 *   java -cp coffer-all.jar bench/DuckRef.java CSV OUT.parquet THREADS MEMORY_LIMIT
 */
public class DuckRef {
    public static void main(String[] a) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET threads = " + Integer.parseInt(a[2]));
            s.execute("SET memory_limit = '" + a[3].replace("'", "") + "'");
            s.execute("SET temp_directory = '" + a[1].replace("'", "''") + ".spill'");
            long t = System.nanoTime();
            s.execute("COPY (SELECT * FROM read_csv('" + a[0].replace("'", "''") + "')) TO '"
                    + a[1].replace("'", "''") + "' (FORMAT parquet, COMPRESSION zstd)");
            long ms = (System.nanoTime() - t) / 1_000_000;
            try (ResultSet rs = s.executeQuery("SELECT SUM(CAST(amount AS DECIMAL(38, 2))), COUNT(*) FROM read_parquet('"
                    + a[1].replace("'", "''") + "')")) {
                rs.next();
                System.out.println(ms + " " + rs.getBigDecimal(1).toPlainString() + " " + rs.getLong(2));
            }
        }
    }
}
