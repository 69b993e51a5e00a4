package io.coffer.server.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.DataPackage;
import io.coffer.model.FiscalModel;
import io.coffer.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the charts need to know about a cube, derived once on the server from the Fiscal Data Package
 * model: measures, the classification hierarchy the treemap drills down (levels from the dimension's
 * ordered primary key, labels from {@code labelfor}), every dimension's key/label refs, and the time ref.
 */
final class VizConfig {
    private VizConfig() {
    }

    static ObjectNode of(String cube, long revision, DataPackage pkg) {
        ObjectNode o = Json.object();
        o.put("cube", cube);
        o.put("revision", revision);
        FiscalModel m = pkg.model();
        ArrayNode measures = o.putArray("measures");
        ArrayNode dims = o.putArray("dimensions");
        if (m == null) {
            return o;
        }
        m.measures().values().forEach(x -> measures.addObject().put("ref", x.name() + ".sum")
                .put("label", x.title() != null ? x.title() : x.name()).put("currency", x.currency()));
        for (FiscalModel.Dimension d : m.dimensions().values()) {
            String key = d.primaryKey().isEmpty() ? null : d.primaryKey().get(0);
            FiscalModel.Attribute label = key == null ? null : d.labelFor(key);
            ObjectNode j = dims.addObject();
            j.put("ref", d.name());
            j.put("title", d.title() != null ? d.title() : d.name());
            j.put("key", key == null ? d.name() : d.name() + "." + key);
            j.put("label", label == null ? j.path("key").asText() : d.name() + "." + label.name());
            j.put("type", d.dimensionType() == null ? "" : d.dimensionType());
            // Every dimension can be broken down and drilled, level by level (its ordered primary key).
            ArrayNode dl = j.putArray("levels");
            for (String level : levels(d)) {
                FiscalModel.Attribute ll = d.labelFor(level);
                FiscalModel.Attribute la = d.attributes().get(level);
                dl.addObject().put("key", d.name() + "." + level)
                        .put("label", d.name() + "." + (ll == null ? level : ll.name()))
                        .put("title", la != null && la.title() != null ? la.title() : level);
            }
            // Human column headers for the facts table: "dim.attr" -> "Dimension title: attribute".
            ObjectNode heads = j.putObject("headers");
            d.attributes().forEach((name, a) -> heads.put(d.name() + "." + name,
                    j.path("title").asText() + (d.attributes().size() == 1 ? "" : ": " + (a.title() != null ? a.title() : name))));
        }
        // The treemap drills the first classification; a cube without one drills its first other dimension.
        FiscalModel.Dimension hierarchy = m.dimensions().values().stream().filter(VizConfig::isClassification)
                .findFirst().orElse(m.dimensions().values().stream().filter(d -> !isTime(d)).findFirst().orElse(null));
        FiscalModel.Dimension time = m.dimensions().values().stream().filter(VizConfig::isTime).findFirst().orElse(null);
        if (hierarchy != null) {
            ObjectNode h = o.putObject("hierarchy");
            h.put("dimension", hierarchy.name());
            ArrayNode levels = h.putArray("levels");
            for (String level : levels(hierarchy)) {
                FiscalModel.Attribute label = hierarchy.labelFor(level);
                levels.addObject().put("key", hierarchy.name() + "." + level)
                        .put("label", hierarchy.name() + "." + (label == null ? level : label.name()));
            }
        }
        if (time != null) {
            String attr = time.attributes().containsKey("year") ? "year"
                    : time.primaryKey().isEmpty() ? time.attributes().keySet().iterator().next() : time.primaryKey().get(0);
            o.put("time", time.name() + "." + attr);
        }
        return o;
    }

    private static boolean isTime(FiscalModel.Dimension d) {
        return "datetime".equals(d.dimensionType()) || d.name().toLowerCase(Locale.ROOT).matches("date|time|year");
    }

    private static boolean isClassification(FiscalModel.Dimension d) {
        return "classification".equals(d.dimensionType()) || d.classificationType() != null;
    }

    /** Code levels top-down: the primary key order, which FDP 0.3 requires to follow the parent chain. */
    static List<String> levels(FiscalModel.Dimension d) {
        List<String> out = new ArrayList<>();
        for (String k : d.primaryKey()) {
            if (d.attributes().containsKey(k)) {
                out.add(k);
            }
        }
        if (out.isEmpty() && !d.attributes().isEmpty()) {
            out.add(d.attributes().keySet().iterator().next());
        }
        return out;
    }
}
