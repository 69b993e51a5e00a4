package io.coffer.loader;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.Json;
import java.util.List;
import java.util.Objects;

/**
 * One error or warning of a {@link Report}, in the Frictionless v5 error shape. Positions are 1-based;
 * {@code rowNumber} counts the header as row 1. Members that do not apply are null and left out of JSON.
 *
 * @param type        what went wrong
 * @param message     a sentence naming row, field and value
 * @param note        the specific reason ("type is number/decimalChar=,")
 * @param rowNumber   row, or null for file- and header-level errors
 * @param fieldNumber column, or null for row- and file-level errors
 * @param fieldName   the field's name, or null
 * @param cell        the offending value (cut to 200 characters), or null
 * @param cells       the whole row for row-level errors (cut), or null
 */
public record ReportError(ErrorType type, String message, String note, Long rowNumber, Integer fieldNumber,
                          String fieldName, String cell, List<String> cells) {
    public ReportError {
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(message, "message is null");
        cells = cells == null ? null : List.copyOf(cells.stream().map(c -> c == null ? "" : c).toList());
    }

    static ReportError file(ErrorType type, String note, String message) {
        return new ReportError(type, message, note, null, null, null, null, null);
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("type", type.code());
        o.put("title", type.title());
        o.put("description", type.description());
        o.put("message", message);
        ArrayNode tags = o.putArray("tags");
        type.tags().forEach(tags::add);
        o.put("note", note == null ? "" : note);
        if (cells != null) {
            ArrayNode cs = o.putArray("cells");
            cells.forEach(cs::add);
        }
        if (rowNumber != null) o.put("rowNumber", rowNumber);
        if (cell != null) o.put("cell", cell);
        if (fieldName != null) o.put("fieldName", fieldName);
        if (fieldNumber != null) o.put("fieldNumber", fieldNumber);
        return o;
    }

    /** One line for a person: where, what, which value. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        if (rowNumber != null) {
            b.append("row ").append(rowNumber);
            if (fieldNumber != null) {
                b.append(", field ").append(fieldNumber);
                if (fieldName != null) {
                    b.append(" '").append(fieldName).append('\'');
                }
            }
            b.append(": ");
        } else if (fieldNumber != null) {
            b.append("header, field ").append(fieldNumber).append(": ");
        }
        b.append('[').append(type.code()).append("] ").append(message);
        return b.toString();
    }
}
