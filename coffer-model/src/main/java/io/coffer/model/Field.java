package io.coffer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A Table Schema field. The typed members are the ones Coffer acts on; everything else the publisher
 * wrote (os-types {@code columnType}, {@code slug}, ...) is kept in {@code extras} and written back.
 */
public record Field(String name, String type, String format, String title, String description,
                    ObjectNode constraints, String decimalChar, String groupChar, Boolean bareNumber,
                    ObjectNode extras) {
    public Field {
        Objects.requireNonNull(name, "field name");
        type = type == null || type.isBlank() ? "string" : type;
        constraints = constraints == null ? Json.object() : constraints.deepCopy();
        extras = extras == null ? Json.object() : extras.deepCopy();
    }

    public static Field of(String name, String type) {
        return new Field(name, type, null, null, null, null, null, null, null, null);
    }

    public Field withType(String newType, String newFormat) {
        return new Field(name, newType, newFormat, title, description, constraints, decimalChar, groupChar,
                bareNumber, extras);
    }

    public Field withNumberChars(String newDecimalChar, String newGroupChar) {
        return new Field(name, type, format, title, description, constraints, newDecimalChar, newGroupChar,
                bareNumber, extras);
    }

    public boolean required() {
        return constraints.path("required").asBoolean(false);
    }

    public boolean unique() {
        return constraints.path("unique").asBoolean(false);
    }

    @Override
    public ObjectNode constraints() {
        return constraints.deepCopy();
    }

    @Override
    public ObjectNode extras() {
        return extras.deepCopy();
    }

    /** An extra (non-typed) property as text, e.g. {@code columnType}. */
    public String extra(String key) {
        JsonNode v = extras.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    static Field fromJson(JsonNode n) {
        if (!n.isObject()) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "a schema field is not an object: " + n);
        }
        String name = Json.text(n, "name");
        if (name == null) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "a schema field has no name: " + n);
        }
        ObjectNode extras = ((ObjectNode) n).deepCopy();
        extras.remove(java.util.List.of("name", "type", "format", "title", "description", "constraints",
                "decimalChar", "groupChar", "bareNumber"));
        JsonNode c = n.get("constraints");
        return new Field(name, Json.text(n, "type"), Json.text(n, "format"), Json.text(n, "title"),
                Json.text(n, "description"), c != null && c.isObject() ? (ObjectNode) c : null,
                Json.text(n, "decimalChar"), Json.text(n, "groupChar"),
                n.has("bareNumber") ? n.get("bareNumber").asBoolean() : null, extras);
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("name", name);
        o.put("type", type);
        if (format != null) o.put("format", format);
        if (title != null) o.put("title", title);
        if (description != null) o.put("description", description);
        if (!constraints.isEmpty()) o.set("constraints", constraints.deepCopy());
        if (decimalChar != null) o.put("decimalChar", decimalChar);
        if (groupChar != null) o.put("groupChar", groupChar);
        if (bareNumber != null) o.put("bareNumber", bareNumber);
        o.setAll(extras.deepCopy());
        return o;
    }
}
