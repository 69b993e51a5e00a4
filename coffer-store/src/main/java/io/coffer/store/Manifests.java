package io.coffer.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.model.PackagePath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes revision manifests ({@code revisions/NNNNNN-xxxxxxxx.json}). */
final class Manifests {
    private Manifests() {
    }

    static byte[] write(Revision rev) {
        ObjectNode o = Json.object();
        o.put("format", 1);
        o.put("dataset", rev.dataset().toString());
        o.put("revision", rev.revision());
        o.put("publishedAt", rev.publishedAt().toString());
        ArrayNode files = o.putArray("files");
        for (FileEntry f : rev.files()) {
            files.addObject().put("path", f.path()).put("bytes", f.bytes()).put("sha256", f.sha256())
                    .put("mediatype", f.mediatype());
        }
        ObjectNode res = o.putObject("resources");
        rev.resources().forEach((k, v) -> {
            ArrayNode a = res.putArray(k);
            v.forEach(a::add);
        });
        return Json.write(o);
    }

    static Revision read(DatasetId id, RevisionInfo info, byte[] bytes) {
        JsonNode n = Json.parse(bytes, "manifest");
        if (n.path("revision").asLong() != info.revision() || !id.toString().equals(n.path("dataset").asText())) {
            throw new CofferException(ErrorCode.CORRUPT, "manifest of " + id + " revision " + info.revision()
                    + " names another revision");
        }
        List<FileEntry> files = new ArrayList<>();
        n.path("files").forEach(f -> files.add(new FileEntry(PackagePath.of(f.path("path").asText()).value(),
                f.path("bytes").asLong(), f.path("sha256").asText(), f.path("mediatype").asText())));
        Map<String, List<String>> resources = new LinkedHashMap<>();
        n.path("resources").properties().forEach(e -> {
            List<String> paths = new ArrayList<>();
            e.getValue().forEach(p -> paths.add(p.asText()));
            resources.put(e.getKey(), paths);
        });
        return new Revision(id, info.revision(), info.dir(), info.publishedAt(), info.manifestSha256(), files,
                resources);
    }
}
