package io.coffer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Fiscal Data Package 0.3 logical model: measures (amounts) and dimensions (what the amounts are
 * about), each attribute pointing at a source column. Read from {@code model} or the legacy
 * {@code mapping} key; always written as {@code model}.
 */
public record FiscalModel(Map<String, Measure> measures, Map<String, Dimension> dimensions) {
    public FiscalModel {
        measures = Collections.unmodifiableMap(new LinkedHashMap<>(measures));
        dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
    }

    /** An amount column. {@code factor} multiplies stored values (e.g. 1000 for "in thousands"). */
    public record Measure(String name, String source, String resource, String currency, BigDecimal factor,
                          String title, ObjectNode extras) {
        public Measure {
            Objects.requireNonNull(name);
            source = source == null ? name : source;
            factor = factor == null ? BigDecimal.ONE : factor;
            extras = extras == null ? Json.object() : extras.deepCopy();
        }

        @Override
        public ObjectNode extras() {
            return extras.deepCopy();
        }
    }

    /** One column of a dimension; {@code labelfor} and {@code parent} name sibling attributes. */
    public record Attribute(String name, String source, String resource, String labelfor, String parent,
                            String title, ObjectNode extras) {
        public Attribute {
            Objects.requireNonNull(name);
            source = source == null ? name : source;
            extras = extras == null ? Json.object() : extras.deepCopy();
        }

        @Override
        public ObjectNode extras() {
            return extras.deepCopy();
        }
    }

    public record Dimension(String name, String dimensionType, String classificationType,
                            Map<String, Attribute> attributes, List<String> primaryKey, String title,
                            ObjectNode extras) {
        public Dimension {
            Objects.requireNonNull(name);
            attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
            primaryKey = primaryKey == null || primaryKey.isEmpty()
                    ? (attributes.isEmpty() ? List.of() : List.of(attributes.keySet().iterator().next()))
                    : List.copyOf(primaryKey);
            extras = extras == null ? Json.object() : extras.deepCopy();
        }

        @Override
        public ObjectNode extras() {
            return extras.deepCopy();
        }

        /** The attribute that labels {@code key}, if any. */
        public Attribute labelFor(String key) {
            return attributes.values().stream().filter(a -> key.equals(a.labelfor())).findFirst().orElse(null);
        }
    }

    /** All source columns the model refers to, in model order. */
    public List<String> sources() {
        List<String> out = new ArrayList<>();
        measures.values().forEach(m -> out.add(m.source()));
        dimensions.values().forEach(d -> d.attributes().values().forEach(a -> out.add(a.source())));
        return out;
    }

    static FiscalModel fromJson(JsonNode n, String key) {
        if (!n.isObject()) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "'" + key + "' is not an object");
        }
        Map<String, Measure> measures = new LinkedHashMap<>();
        n.path("measures").properties().forEach(e -> {
            JsonNode m = e.getValue();
            ObjectNode extras = m.isObject() ? ((ObjectNode) m).deepCopy() : Json.object();
            extras.remove(List.of("source", "resource", "currency", "factor", "title"));
            BigDecimal factor = null;
            JsonNode f = m.get("factor");
            if (f != null && f.isNumber()) {
                factor = f.decimalValue();
            } else if (f != null && f.isTextual()) {
                try {
                    factor = new BigDecimal(f.asText().trim());
                } catch (NumberFormatException ex) {
                    throw new CofferException(ErrorCode.INVALID_DESCRIPTOR,
                            key + ".measures." + e.getKey() + ".factor is not a number: " + f.asText());
                }
            }
            measures.put(e.getKey(), new Measure(e.getKey(), Json.text(m, "source"), Json.text(m, "resource"),
                    Json.text(m, "currency"), factor, Json.text(m, "title"), extras));
        });
        Map<String, Dimension> dimensions = new LinkedHashMap<>();
        n.path("dimensions").properties().forEach(e -> {
            JsonNode d = e.getValue();
            Map<String, Attribute> attrs = new LinkedHashMap<>();
            d.path("attributes").properties().forEach(a -> {
                JsonNode an = a.getValue();
                ObjectNode extras = an.isObject() ? ((ObjectNode) an).deepCopy() : Json.object();
                extras.remove(List.of("source", "resource", "labelfor", "parent", "title"));
                attrs.put(a.getKey(), new Attribute(a.getKey(), Json.text(an, "source"), Json.text(an, "resource"),
                        Json.text(an, "labelfor"), Json.text(an, "parent"), Json.text(an, "title"), extras));
            });
            ObjectNode extras = d.isObject() ? ((ObjectNode) d).deepCopy() : Json.object();
            extras.remove(List.of("dimensionType", "classificationType", "attributes", "primaryKey", "title"));
            dimensions.put(e.getKey(), new Dimension(e.getKey(), Json.text(d, "dimensionType"),
                    Json.text(d, "classificationType"), attrs, Json.stringOrList(d.get("primaryKey")),
                    Json.text(d, "title"), extras));
        });
        return new FiscalModel(measures, dimensions);
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        ObjectNode ms = o.putObject("measures");
        measures.values().forEach(m -> {
            ObjectNode j = ms.putObject(m.name());
            j.put("source", m.source());
            if (m.resource() != null) j.put("resource", m.resource());
            if (m.currency() != null) j.put("currency", m.currency());
            if (m.factor().compareTo(BigDecimal.ONE) != 0) j.put("factor", m.factor());
            if (m.title() != null) j.put("title", m.title());
            j.setAll(m.extras());
        });
        ObjectNode ds = o.putObject("dimensions");
        dimensions.values().forEach(d -> {
            ObjectNode j = ds.putObject(d.name());
            if (d.dimensionType() != null) j.put("dimensionType", d.dimensionType());
            if (d.classificationType() != null) j.put("classificationType", d.classificationType());
            if (d.title() != null) j.put("title", d.title());
            ObjectNode as = j.putObject("attributes");
            d.attributes().values().forEach(a -> {
                ObjectNode aj = as.putObject(a.name());
                aj.put("source", a.source());
                if (a.resource() != null) aj.put("resource", a.resource());
                if (a.labelfor() != null) aj.put("labelfor", a.labelfor());
                if (a.parent() != null) aj.put("parent", a.parent());
                if (a.title() != null) aj.put("title", a.title());
                aj.setAll(a.extras());
            });
            ArrayNode pk = j.putArray("primaryKey");
            d.primaryKey().forEach(pk::add);
            j.setAll(d.extras());
        });
        return o;
    }
}
