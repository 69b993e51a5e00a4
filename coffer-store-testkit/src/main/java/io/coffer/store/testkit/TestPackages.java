package io.coffer.store.testkit;

import io.coffer.store.PackageSource;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Small, valid packages whose content says who published them, for contract tests. */
public final class TestPackages {
    private TestPackages() {
    }

    public static final String DESCRIPTOR = """
            {
              "name": "contract",
              "title": "Contract test package",
              "resources": [
                {
                  "name": "spending",
                  "path": "data/spending.csv",
                  "format": "csv",
                  "mediatype": "text/csv",
                  "schema": {
                    "fields": [
                      {"name": "writer", "type": "string"},
                      {"name": "seq", "type": "integer"},
                      {"name": "amount", "type": "number"}
                    ]
                  }
                }
              ],
              "model": {
                "measures": {"amount": {"source": "amount", "currency": "EUR"}},
                "dimensions": {"writer": {"attributes": {"writer": {"source": "writer"}}, "primaryKey": "writer"}}
              }
            }
            """;

    /** A package whose CSV holds {@code rows} rows stamped with {@code writer} and {@code seq}. */
    public static PackageSource stamped(String writer, long seq, int rows) {
        return PackageSource.of(DESCRIPTOR.getBytes(StandardCharsets.UTF_8),
                Map.of("data/spending.csv", csv(writer, seq, rows)));
    }

    public static byte[] csv(String writer, long seq, int rows) {
        StringBuilder b = new StringBuilder("writer,seq,amount\r\n");
        for (int i = 0; i < rows; i++) {
            b.append(writer).append(',').append(seq).append(',').append(i).append(".25\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The writer stamped in the first data row of a published CSV. */
    public static String writerOf(byte[] csv) {
        String s = new String(csv, StandardCharsets.UTF_8);
        String row = s.split("\r\n")[1];
        return row.substring(0, row.indexOf(',')) + "#" + row.split(",")[1];
    }
}
