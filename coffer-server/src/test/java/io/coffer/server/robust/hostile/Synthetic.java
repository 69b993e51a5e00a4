package io.coffer.server.robust.hostile;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A generated fiscal package big enough to make the engine work (rows x a few dimensions, exact amounts). */
final class Synthetic {
    private Synthetic() {
    }

    static Path spending(Path dir, int rows) throws IOException {
        Files.createDirectories(dir);
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("spend.csv"), StandardCharsets.UTF_8)) {
            w.write("id,region,cofog,payee,amount\n");
            for (int i = 0; i < rows; i++) {
                w.write(i + ",r" + (i % 50) + ",c" + (i % 97) + ",payee " + (i % 5003) + "," + (i % 100000) + "." + (i % 100 / 10) + (i % 10) + "\n");
            }
        }
        Files.writeString(dir.resolve("datapackage.json"), """
                {"name": "spend", "title": "Synthetic spending",
                 "resources": [{"name": "spend", "path": "spend.csv", "schema": {"fields": [
                   {"name": "id", "type": "integer"}, {"name": "region", "type": "string"},
                   {"name": "cofog", "type": "string"}, {"name": "payee", "type": "string"},
                   {"name": "amount", "type": "number"}]}}],
                 "model": {"measures": {"amount": {"source": "amount", "currency": "GBP"}},
                   "dimensions": {
                     "id": {"attributes": {"id": {"source": "id"}}, "primaryKey": "id"},
                     "region": {"attributes": {"region": {"source": "region"}}, "primaryKey": "region"},
                     "cofog": {"attributes": {"cofog": {"source": "cofog"}}, "primaryKey": "cofog"},
                     "payee": {"attributes": {"payee": {"source": "payee"}}, "primaryKey": "payee"}}}}
                """, StandardCharsets.UTF_8);
        return dir;
    }
}
