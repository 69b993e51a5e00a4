package io.coffer.loader.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes the synthetic fiscal CSV of the benchmark (reference doc, section B6): {@code id, date, fiscal_year,
 * admin_code (1k values), function_code (100), economic_code (250), payee (50k), description, amount,
 * currency}, about 120 bytes a row. Seeded, so the same row count always gives the same bytes.
 * Usage: {@code GenBigCsv ROWS OUT.csv}.
 */
public final class GenBigCsv {
    private GenBigCsv() {
    }

    public static void main(String[] args) throws IOException {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        Path out = Path.of(args.length > 1 ? args[1] : "big.csv");
        write(rows, out);
    }

    public static void write(long rows, Path out) throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        String[] words = {"salaries", "maintenance", "grants", "equipment", "services", "transfers", "rent",
                "consulting", "training", "travel", "software", "energy", "works", "supplies", "insurance"};
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(out),
                StandardCharsets.UTF_8), 1 << 20)) {
            w.write("id,date,fiscal_year,admin_code,function_code,economic_code,payee,description,amount,currency\n");
            StringBuilder b = new StringBuilder(256);
            for (long i = 1; i <= rows; i++) {
                b.setLength(0);
                int year = 2015 + rnd.nextInt(10);
                int month = 1 + rnd.nextInt(12);
                int day = 1 + rnd.nextInt(28);
                b.append(i).append(',');
                b.append(year).append('-').append(month < 10 ? "0" : "").append(month).append('-')
                        .append(day < 10 ? "0" : "").append(day).append(',');
                b.append(year).append(',');
                b.append("A").append(1000 + rnd.nextInt(1000)).append(',');
                b.append("F").append(10 + rnd.nextInt(100)).append(',');
                b.append("E").append(100 + rnd.nextInt(250)).append(',');
                int payee = rnd.nextInt(50_000);
                b.append("\"Payee ").append(payee).append(", Ltd\",");
                b.append(words[rnd.nextInt(words.length)]).append(' ').append(words[rnd.nextInt(words.length)])
                        .append(" for department ").append(rnd.nextInt(1000)).append(',');
                long cents = rnd.nextLong(100_000_000L) - 5_000_000L;
                if (cents < 0) {
                    b.append('-');
                    cents = -cents;
                }
                b.append(cents / 100).append('.').append(cents % 100 < 10 ? "0" : "").append(cents % 100).append(',');
                b.append("EUR\n");
                w.append(b);
            }
        }
    }
}
