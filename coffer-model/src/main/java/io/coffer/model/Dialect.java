package io.coffer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** CSV Dialect (CSVDDF): what Coffer needs to read a resource's bytes as rows. */
public record Dialect(char delimiter, char quoteChar, boolean doubleQuote, String lineTerminator,
                      boolean header, boolean skipInitialSpace) {
    public static final Dialect DEFAULT = new Dialect(',', '"', true, "\r\n", true, false);

    static Dialect fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            return DEFAULT;
        }
        return new Dialect(charOf(n, "delimiter", ','), charOf(n, "quoteChar", '"'),
                n.path("doubleQuote").asBoolean(true), n.path("lineTerminator").asText("\r\n"),
                n.path("header").asBoolean(true), n.path("skipInitialSpace").asBoolean(false));
    }

    private static char charOf(JsonNode n, String field, char dflt) {
        String s = n.path(field).asText("");
        return s.length() == 1 ? s.charAt(0) : dflt;
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("delimiter", String.valueOf(delimiter));
        o.put("quoteChar", String.valueOf(quoteChar));
        o.put("doubleQuote", doubleQuote);
        o.put("lineTerminator", lineTerminator);
        o.put("header", header);
        if (skipInitialSpace) o.put("skipInitialSpace", true);
        return o;
    }
}
