package io.coffer.loader.bench;

import io.coffer.loader.CsvFormat;
import io.coffer.loader.InferenceResult;
import io.coffer.loader.Inference;
import io.coffer.loader.InitResult;
import io.coffer.loader.Loader;
import io.coffer.loader.ProgressListener;
import io.coffer.loader.Report;
import io.coffer.loader.Sniffer;
import io.coffer.loader.ValidationOptions;
import io.coffer.loader.Validator;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Benchmark (not a test; see docs/benchmarks.md): infer + validate a CSV with Coffer and load the same file
 * with DuckDB's {@code read_csv}, alternately in the same JVM, and print medians and the ratio. Run with a
 * capped heap ({@code -Xmx512m}) to show streaming holds. Usage:
 * {@code LoaderBenchmark FILE.csv [RUNS] [THREADS] [--init]}.
 */
public final class LoaderBenchmark {
    private LoaderBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        boolean init = List.of(args).contains("--init");
        System.out.printf(Locale.ROOT, "file %s, %.1f MB; %d runs; DuckDB threads=%d; JVM %s, max heap %d MiB, %d cpus%n",
                csv, Files.size(csv) / 1e6, runs, threads, Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
        List<Double> duck = new ArrayList<>();
        List<Double> coffer = new ArrayList<>();
        List<Double> inferOnly = new ArrayList<>();
        List<Double> loads = new ArrayList<>();
        long peak = 0;
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
            try (Statement st = db.createStatement()) {
                st.execute("SET threads=" + threads);
                st.execute("SET memory_limit='1GB'");
                st.execute("SET preserve_insertion_order=false");
            }
            for (int run = 0; run <= runs; run++) {
                boolean warmup = run == 0;
                double d = duckdb(db, csv);
                resetPeaks();
                long t0 = System.nanoTime();
                CsvFormat fmt = Sniffer.sniff(csv);
                InferenceResult inferred = Inference.run(csv, fmt, List.of(""), ProgressListener.NONE);
                double ti = (System.nanoTime() - t0) / 1e9;
                Report report = Validator.validateCsv(csv, inferred.format(), inferred.schema(),
                        ValidationOptions.DEFAULT, ProgressListener.NONE);
                double tc = (System.nanoTime() - t0) / 1e9;
                peak = Math.max(peak, peakHeap());
                double tl = Double.NaN;
                if (init) {
                    Path out = Files.createTempDirectory("coffer-bench");
                    long t1 = System.nanoTime();
                    InitResult r = Loader.init(csv, out, Optional.empty(), ProgressListener.NONE);
                    tl = (System.nanoTime() - t1) / 1e9;
                    peak = Math.max(peak, peakHeap());
                    delete(out);
                    if (!r.written()) {
                        throw new IllegalStateException("init failed: " + r.report().toText());
                    }
                }
                System.out.printf(Locale.ROOT, "%s duckdb read_csv %.2f s | coffer infer %.2f s + validate %.2f s = %.2f s"
                                + " (%d rows, valid=%s) | ratio %.2f%s%n", warmup ? "warmup" : "run " + run, d, ti,
                        tc - ti, tc, inferred.rows(), report.valid(), tc / d,
                        init ? String.format(Locale.ROOT, " | coffer init (infer+write) %.2f s", tl) : "");
                if (!warmup) {
                    duck.add(d);
                    coffer.add(tc);
                    inferOnly.add(ti);
                    loads.add(tl);
                }
            }
        }
        double md = median(duck);
        double mc = median(coffer);
        System.out.printf(Locale.ROOT, "MEDIAN duckdb %.2f s, coffer infer+validate %.2f s (infer %.2f s), ratio %.2f;"
                        + " peak heap %d MiB%s%n", md, mc, median(inferOnly), mc / md, peak >> 20,
                init ? String.format(Locale.ROOT, "; init %.2f s, ratio %.2f", median(loads), median(loads) / md) : "");
    }

    private static double duckdb(Connection db, Path csv) throws SQLException {
        long t0 = System.nanoTime();
        try (Statement st = db.createStatement()) {
            st.execute("CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('" + csv.toAbsolutePath().toString()
                    .replace("'", "''") + "')");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
                rs.next();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            st.execute("DROP TABLE t");
            return s;
        }
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static void delete(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
