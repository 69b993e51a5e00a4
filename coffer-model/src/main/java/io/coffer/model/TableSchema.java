package io.coffer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A Table Schema: ordered fields, primary key, missing values; unknown members kept in {@code extras}. */
public record TableSchema(List<Field> fields, List<String> primaryKey, List<String> missingValues,
                          JsonNode foreignKeys, ObjectNode extras) {
    public TableSchema {
        fields = List.copyOf(fields);
        primaryKey = primaryKey == null ? List.of() : List.copyOf(primaryKey);
        missingValues = missingValues == null ? List.of("") : List.copyOf(missingValues);
        foreignKeys = foreignKeys == null ? null : foreignKeys.deepCopy();
        extras = extras == null ? Json.object() : extras.deepCopy();
    }

    public static TableSchema of(List<Field> fields) {
        return new TableSchema(fields, List.of(), null, null, null);
    }

    public List<String> fieldNames() {
        return fields.stream().map(Field::name).toList();
    }

    public Optional<Field> field(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    public TableSchema withFields(List<Field> newFields) {
        return new TableSchema(newFields, primaryKey, missingValues, foreignKeys, extras);
    }

    public TableSchema withPrimaryKey(List<String> key) {
        return new TableSchema(fields, key, missingValues, foreignKeys, extras);
    }

    @Override
    public ObjectNode extras() {
        return extras.deepCopy();
    }

    static TableSchema fromJson(JsonNode n) {
        if (!n.isObject()) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "schema is not an object");
        }
        List<Field> fields = new ArrayList<>();
        JsonNode fs = n.get("fields");
        if (fs != null && fs.isArray()) {
            fs.forEach(f -> fields.add(Field.fromJson(f)));
        }
        JsonNode mv = n.get("missingValues");
        ObjectNode extras = ((ObjectNode) n).deepCopy();
        extras.remove(List.of("fields", "primaryKey", "missingValues", "foreignKeys"));
        return new TableSchema(fields, Json.stringOrList(n.get("primaryKey")),
                mv == null ? null : Json.stringOrList(mv), n.get("foreignKeys"), extras);
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        ArrayNode fs = o.putArray("fields");
        fields.forEach(f -> fs.add(f.toJson()));
        if (!primaryKey.isEmpty()) {
            ArrayNode pk = o.putArray("primaryKey");
            primaryKey.forEach(pk::add);
        }
        if (!missingValues.equals(List.of(""))) {
            ArrayNode mv = o.putArray("missingValues");
            missingValues.forEach(mv::add);
        }
        if (foreignKeys != null) o.set("foreignKeys", foreignKeys.deepCopy());
        o.setAll(extras.deepCopy());
        return o;
    }
}
