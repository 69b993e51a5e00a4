import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a deterministic spending package as `coffer init` leaves one (UTF-8, comma, plain decimals, ISO dates,
 * a Table Schema and a fiscal model): same seed and rows, same bytes. Prints the exact total of the amounts.
 *   java bench/GenSpending.java ROWS DIR
 */
public class GenSpending {
    public static void main(String[] a) throws Exception {
        long rows = Long.parseLong(a[0]);
        Path dir = Path.of(a[1]);
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(20261207L);
        long totalCents = 0;
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(
                Files.newOutputStream(dir.resolve("spending.csv")), StandardCharsets.UTF_8), 1 << 20)) {
            w.write("id,date,fiscal_year,admin_code,admin_name,function_code,economic_code,payee,description,amount\n");
            StringBuilder b = new StringBuilder(256);
            for (long i = 1; i <= rows; i++) {
                int year = 2010 + r.nextInt(10);
                int month = 1 + r.nextInt(12);
                int day = 1 + r.nextInt(28);
                int admin = r.nextInt(500);
                long cents = r.nextLong(100_000_000L) - 5_000_000L;
                totalCents += cents;
                b.setLength(0);
                b.append(i).append(',').append(year).append('-').append(month < 10 ? "0" : "").append(month)
                        .append('-').append(day < 10 ? "0" : "").append(day).append(',').append(year).append(",A")
                        .append(admin).append(",\"Department ").append(admin).append(", central\",F")
                        .append(1 + r.nextInt(10)).append(",E").append(100 + r.nextInt(90)).append(",\"Payee ")
                        .append(r.nextInt(20_000)).append(" Ltd\",Payment for services ").append(r.nextInt(1000))
                        .append(',').append(cents < 0 ? "-" : "").append(Math.abs(cents) / 100).append('.');
                long c = Math.abs(cents) % 100;
                b.append(c < 10 ? "0" : "").append(c).append('\n');
                w.append(b);
            }
        }
        String desc = """
                {"name": "spending", "title": "Generated spending", "resources": [{"name": "spending",
                  "path": "spending.csv", "format": "csv", "encoding": "utf-8",
                  "dialect": {"delimiter": ",", "quoteChar": "\\"", "doubleQuote": true, "header": true},
                  "schema": {"missingValues": [""], "fields": [
                    {"name": "id", "type": "integer"}, {"name": "date", "type": "date"},
                    {"name": "fiscal_year", "type": "integer"}, {"name": "admin_code", "type": "string"},
                    {"name": "admin_name", "type": "string"}, {"name": "function_code", "type": "string"},
                    {"name": "economic_code", "type": "string"}, {"name": "payee", "type": "string"},
                    {"name": "description", "type": "string"}, {"name": "amount", "type": "number"}]}}],
                 "model": {"measures": {"amount": {"source": "amount", "currency": "GBP"}},
                   "dimensions": {
                     "date": {"attributes": {"date": {"source": "date"}, "year": {"source": "fiscal_year"}},
                              "primaryKey": "date", "dimensionType": "datetime"},
                     "admin": {"attributes": {"code": {"source": "admin_code"},
                                              "name": {"source": "admin_name", "labelfor": "code"}},
                               "primaryKey": "code", "dimensionType": "classification"},
                     "function": {"attributes": {"code": {"source": "function_code"}}, "primaryKey": "code"},
                     "economic": {"attributes": {"code": {"source": "economic_code"}}, "primaryKey": "code"},
                     "payee": {"attributes": {"name": {"source": "payee"}}, "primaryKey": "name",
                               "dimensionType": "entity"}}}}
                """;
        Files.writeString(dir.resolve("datapackage.json"), desc, StandardCharsets.UTF_8);
        System.out.println((totalCents < 0 ? "-" : "") + Math.abs(totalCents) / 100 + "."
                + String.format("%02d", Math.abs(totalCents) % 100));
    }
}
