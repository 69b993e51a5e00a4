package io.coffer.importer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * What an import did: the revision it published (or none), what it kept, what it left out and why.
 * A refused import is a report too, not an exception: people importing a hundred packages want the list.
 */
public record ImportReport(String source, DatasetId dataset, Long revision, boolean unchanged, List<String> kept,
                           List<String> notKept, List<String> problems, Map<String, BigDecimal> totals,
                           ErrorCode code) {
    public ImportReport {
        totals = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(totals));
        kept = List.copyOf(kept);
        notKept = List.copyOf(notKept);
        problems = List.copyOf(problems);
    }

    /** A refused source; {@code code} says why, as every entry point's refusal does. */
    static ImportReport failed(String source, ErrorCode code, List<String> problems) {
        return new ImportReport(source, null, null, false, List.of(), List.of(), problems, Map.of(), code);
    }

    static ImportReport failed(String source, List<String> problems) {
        return failed(source, ErrorCode.INVALID_DATA, problems);
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("source", source);
        o.put("dataset", dataset == null ? null : dataset.toString());
        if (revision != null) {
            o.put("revision", revision);
        }
        o.put("unchanged", unchanged);
        o.put("ok", ok());
        if (code != null) {
            o.put("code", code.code());
        }
        ArrayNode k = o.putArray("kept");
        kept.forEach(k::add);
        ArrayNode n = o.putArray("notKept");
        notKept.forEach(n::add);
        ArrayNode p = o.putArray("problems");
        problems.forEach(p::add);
        ObjectNode t = o.putObject("totals");
        totals.forEach(t::put);
        return o;
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        if (ok()) {
            b.append(unchanged ? "unchanged: " : "imported ").append(dataset);
            if (revision != null) {
                b.append(" revision ").append(revision);
            }
            b.append(" from ").append(source).append('\n');
        } else {
            b.append("not imported: ").append(source).append(code == null ? "" : " [" + code.code() + "]").append('\n');
        }
        kept.forEach(k -> b.append("  kept      ").append(k).append('\n'));
        totals.forEach((k, v) -> b.append("  total     ").append(k).append(" = ").append(v.toPlainString()).append('\n'));
        notKept.forEach(k -> b.append("  not kept  ").append(k).append('\n'));
        problems.forEach(p -> b.append("  problem   ").append(p).append('\n'));
        return b.toString();
    }
}
