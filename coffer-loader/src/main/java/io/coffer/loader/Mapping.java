package io.coffer.loader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.model.Field;
import io.coffer.model.Json;
import io.coffer.model.TableSchema;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The user's choices over what the loader detects and suggests (a {@code mapping.json}). Every member is
 * optional; what is absent is detected or suggested. {@link Loader#init} saves the effective mapping in the
 * package, so loading next year's file with it gives the same schema choices and model.
 * <pre>
 * {"format": {"encoding": "windows-1252", "delimiter": ";", "quoteChar": "\"", "header": true},
 *  "missingValues": ["", "n/a"],
 *  "name": "madrid-gastos", "title": "Madrid municipal spending", "currency": "EUR",
 *  "primaryKey": ["id"],
 *  "fields": {
 *    "IMPORTE": {"columnType": "value", "currency": "EUR", "factor": 1, "phase": "executed", "direction": "expenditure"},
 *    "FECHA":   {"type": "date", "format": "%d/%m/%Y", "columnType": "date:generic"},
 *    "CENTRO":  {"type": "string", "columnType": "administrative-classification:generic:level1:code"},
 *    "NOTES":   {"columnType": ""}}}
 * </pre>
 * {@code columnType} uses the os-types vocabulary; {@code ""} keeps a column out of the model. Unknown
 * members are refused so a typo does not pass silently. Immutable.
 */
public record Mapping(Format format, List<String> missingValues, String name, String title, String currency,
                      List<String> primaryKey, Map<String, FieldMapping> fields) {
    public static final Mapping EMPTY = new Mapping(null, null, null, null, null, null, Map.of());
    public static final String FILE_NAME = "mapping.json";

    public Mapping {
        missingValues = missingValues == null ? null : List.copyOf(missingValues);
        primaryKey = primaryKey == null ? null : List.copyOf(primaryKey);
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields == null ? Map.of() : fields));
    }

    /** How to read the file; null members are sniffed. */
    public record Format(String encoding, Character delimiter, Character quoteChar, Boolean header) {
        CsvFormat applyTo(CsvFormat f) {
            CsvFormat out = f;
            if (encoding != null) {
                out = out.withCharset(Encodings.forName(encoding), true);
            }
            if (delimiter != null) {
                out = out.withDelimiter(delimiter);
            }
            if (quoteChar != null) {
                out = out.withQuote(quoteChar);
            }
            if (header != null) {
                out = out.withHeader(header);
            }
            return out;
        }
    }

    /** Choices for one column; null members are inferred or suggested. */
    public record FieldMapping(String type, String format, String decimalChar, String groupChar, String title,
                               String columnType, String currency, BigDecimal factor, String direction, String phase,
                               ObjectNode constraints) {
        public FieldMapping {
            constraints = constraints == null ? null : constraints.deepCopy();
        }

        public static FieldMapping columnType(String columnType) {
            return new FieldMapping(null, null, null, null, null, columnType, null, null, null, null, null);
        }

        public FieldMapping withColumnType(String ct) {
            return new FieldMapping(type, format, decimalChar, groupChar, title, ct, currency, factor, direction,
                    phase, constraints);
        }

        @Override
        public ObjectNode constraints() {
            return constraints == null ? null : constraints.deepCopy();
        }
    }

    public static Mapping read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return fromJson(Json.parse(in, file.getFileName().toString()));
        } catch (NoSuchFileException e) {
            throw new CofferException(ErrorCode.NOT_FOUND, "mapping file not found: " + file);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public void write(Path file) {
        try {
            Files.write(file, Json.write(toJson()));
        } catch (IOException e) {
            throw new CofferException(ErrorCode.INTERNAL, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static final Set<String> TOP = Set.of("format", "missingValues", "name", "title", "currency",
            "primaryKey", "fields");
    private static final Set<String> FORMAT = Set.of("encoding", "delimiter", "quoteChar", "header");
    private static final Set<String> FIELD = Set.of("type", "format", "decimalChar", "groupChar", "title",
            "columnType", "currency", "factor", "direction", "phase", "constraints");

    /** Parses a mapping; fails with {@link ErrorCode#BAD_REQUEST} naming the member that is wrong. */
    public static Mapping fromJson(JsonNode n) {
        if (!n.isObject()) {
            throw bad("a mapping must be a JSON object");
        }
        unknown(n, TOP, "");
        Format format = null;
        JsonNode f = n.get("format");
        if (f != null) {
            if (!f.isObject()) {
                throw bad("'format' must be an object");
            }
            unknown(f, FORMAT, "format.");
            format = new Format(text(f, "format.encoding"), character(f, "delimiter"), character(f, "quoteChar"),
                    f.has("header") ? f.get("header").asBoolean() : null);
        }
        Map<String, FieldMapping> fields = new LinkedHashMap<>();
        JsonNode fs = n.get("fields");
        if (fs != null) {
            if (!fs.isObject()) {
                throw bad("'fields' must be an object keyed by field name");
            }
            for (Map.Entry<String, JsonNode> e : fs.properties()) {
                JsonNode m = e.getValue();
                String where = "fields." + e.getKey() + ".";
                if (!m.isObject()) {
                    throw bad("'" + where + "' must be an object");
                }
                unknown(m, FIELD, where);
                BigDecimal factor = null;
                if (m.has("factor")) {
                    try {
                        factor = m.get("factor").isNumber() ? m.get("factor").decimalValue()
                                : new BigDecimal(m.get("factor").asText().trim());
                    } catch (NumberFormatException ex) {
                        throw bad("'" + where + "factor' is not a number: " + m.get("factor"));
                    }
                }
                JsonNode c = m.get("constraints");
                if (c != null && !c.isObject()) {
                    throw bad("'" + where + "constraints' must be an object");
                }
                fields.put(e.getKey(), new FieldMapping(text(m, where + "type"), text(m, where + "format"),
                        text(m, where + "decimalChar"), text(m, where + "groupChar"), text(m, where + "title"),
                        text(m, where + "columnType"), text(m, where + "currency"), factor,
                        text(m, where + "direction"), text(m, where + "phase"), (ObjectNode) c));
            }
        }
        return new Mapping(format, strings(n.get("missingValues"), "missingValues"), text(n, "name"),
                text(n, "title"), text(n, "currency"), strings(n.get("primaryKey"), "primaryKey"), fields);
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        if (format != null) {
            ObjectNode f = o.putObject("format");
            if (format.encoding() != null) f.put("encoding", format.encoding());
            if (format.delimiter() != null) f.put("delimiter", String.valueOf(format.delimiter()));
            if (format.quoteChar() != null) f.put("quoteChar", String.valueOf(format.quoteChar()));
            if (format.header() != null) f.put("header", format.header());
        }
        if (missingValues != null) {
            ArrayNode a = o.putArray("missingValues");
            missingValues.forEach(a::add);
        }
        if (name != null) o.put("name", name);
        if (title != null) o.put("title", title);
        if (currency != null) o.put("currency", currency);
        if (primaryKey != null) {
            ArrayNode a = o.putArray("primaryKey");
            primaryKey.forEach(a::add);
        }
        ObjectNode fs = o.putObject("fields");
        fields.forEach((k, m) -> {
            ObjectNode j = fs.putObject(k);
            if (m.type() != null) j.put("type", m.type());
            if (m.format() != null) j.put("format", m.format());
            if (m.decimalChar() != null) j.put("decimalChar", m.decimalChar());
            if (m.groupChar() != null) j.put("groupChar", m.groupChar());
            if (m.title() != null) j.put("title", m.title());
            if (m.columnType() != null) j.put("columnType", m.columnType());
            if (m.currency() != null) j.put("currency", m.currency());
            if (m.factor() != null) j.put("factor", m.factor());
            if (m.direction() != null) j.put("direction", m.direction());
            if (m.phase() != null) j.put("phase", m.phase());
            if (m.constraints() != null) j.set("constraints", m.constraints());
        });
        return o;
    }

    /** The schema with this mapping's type choices, constraints and primary key applied. */
    public TableSchema applyTo(TableSchema schema) {
        List<Field> out = new ArrayList<>();
        for (Field f : schema.fields()) {
            FieldMapping m = fields.get(f.name());
            if (m == null) {
                out.add(f);
                continue;
            }
            Field g = f;
            if (m.type() != null && !m.type().equals(f.type())) {
                // A new type starts from a clean slate: the inferred format and number chars belong to the old one.
                g = new Field(f.name(), m.type(), null, f.title(), f.description(), f.constraints(), null, null,
                        f.bareNumber(), withoutMissingValues(f.extras()));
            }
            if (m.format() != null) {
                g = g.withType(g.type(), m.format());
            }
            if (m.decimalChar() != null || m.groupChar() != null) {
                g = g.withNumberChars(m.decimalChar() != null ? m.decimalChar() : g.decimalChar(),
                        m.groupChar() != null ? (m.groupChar().isEmpty() ? null : m.groupChar()) : g.groupChar());
            }
            if (m.title() != null || m.constraints() != null) {
                ObjectNode c = g.constraints();
                if (m.constraints() != null) {
                    c.setAll(m.constraints());
                }
                g = new Field(g.name(), g.type(), g.format(), m.title() != null ? m.title() : g.title(),
                        g.description(), c, g.decimalChar(), g.groupChar(), g.bareNumber(), g.extras());
            }
            out.add(g);
        }
        TableSchema s = new TableSchema(out, primaryKey != null ? primaryKey : schema.primaryKey(),
                missingValues != null ? missingValues : schema.missingValues(), schema.foreignKeys(), schema.extras());
        return s;
    }

    private static ObjectNode withoutMissingValues(ObjectNode extras) {
        extras.remove("missingValues");
        return extras;
    }

    /** This mapping with {@code other}'s members taking precedence where present. */
    public Mapping overriddenBy(Mapping other) {
        Map<String, FieldMapping> fs = new LinkedHashMap<>(fields);
        fs.putAll(other.fields);
        return new Mapping(other.format != null ? other.format : format,
                other.missingValues != null ? other.missingValues : missingValues,
                other.name != null ? other.name : name, other.title != null ? other.title : title,
                other.currency != null ? other.currency : currency,
                other.primaryKey != null ? other.primaryKey : primaryKey, fs);
    }

    private static void unknown(JsonNode n, Set<String> allowed, String prefix) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw bad("unknown member '" + prefix + k + "'; expected one of " + allowed.stream().sorted().toList());
            }
        }
    }

    private static String text(JsonNode n, String path) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw bad("'" + path + "' must be a string");
        }
        return v.asText();
    }

    private static Character character(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        String s = v.asText();
        if (s.equals("\\t") || s.equalsIgnoreCase("tab")) {
            return '\t';
        }
        if (s.length() != 1) {
            throw bad("'format." + key + "' must be a single character, got \"" + s + "\"");
        }
        return s.charAt(0);
    }

    private static List<String> strings(JsonNode v, String what) {
        if (v == null || v.isNull()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(e -> out.add(e.asText()));
        } else if (v.isTextual()) {
            out.add(v.asText());
        } else {
            throw bad("'" + what + "' must be a string or an array of strings");
        }
        return out;
    }

    private static CofferException bad(String message) {
        return new CofferException(ErrorCode.BAD_REQUEST, "mapping: " + message);
    }
}
