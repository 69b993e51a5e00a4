import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;

/**
 * In-process reference for bench/http.sh: each SQL (read from arguments, {P} = the Parquet file) run on one
 * DuckDB connection with the same threads and memory limit as the server; prints the median ms of 15 runs after
 * 3 warm-ups and the first row's last column (to compare with the HTTP answer).
 *   java -cp coffer-all.jar bench/InProc.java PARQUET THREADS MEMORY SQL...
 */
public class InProc {
    public static void main(String[] a) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET threads = " + Integer.parseInt(a[1]));
            s.execute("SET memory_limit = '" + a[2].replace("'", "") + "'");
            s.execute("SET parquet_metadata_cache = true");
            for (int q = 3; q < a.length; q++) {
                String sql = a[q].replace("{P}", "read_parquet('" + a[0].replace("'", "''") + "')");
                long[] t = new long[15];
                String first = null;
                for (int i = -3; i < t.length; i++) {
                    long t0 = System.nanoTime();
                    try (ResultSet rs = s.executeQuery(sql)) {
                        int n = rs.getMetaData().getColumnCount();
                        boolean got = false;
                        while (rs.next()) {
                            if (!got) {
                                first = String.valueOf(rs.getObject(n));
                                got = true;
                            }
                        }
                    }
                    if (i >= 0) {
                        t[i] = System.nanoTime() - t0;
                    }
                }
                Arrays.sort(t);
                System.out.printf("%.2f %s%n", t[t.length / 2] / 1e6, first);
            }
        }
    }
}
