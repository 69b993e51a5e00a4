package io.coffer.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** The shared JSON mapper: exact decimals, bounded input, stable pretty output. */
public final class Json {
    /** Descriptors and other JSON documents Coffer reads whole are capped at this size. */
    public static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(200)
                            .maxNumberLength(1000)
                            .maxStringLength(MAX_DOCUMENT_BYTES)
                            .build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Parses a JSON document, refusing more than {@link #MAX_DOCUMENT_BYTES}. */
    public static JsonNode parse(InputStream in, String what) {
        try {
            byte[] bytes = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
            if (bytes.length > MAX_DOCUMENT_BYTES) {
                throw new CofferException(ErrorCode.PAYLOAD_TOO_LARGE,
                        what + " is larger than " + MAX_DOCUMENT_BYTES + " bytes");
            }
            return parse(bytes, what);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    public static JsonNode parse(byte[] bytes, String what) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, what + " is empty");
            }
            return node;
        } catch (IOException e) {
            String msg = e.getMessage();
            int cut = msg == null ? -1 : msg.indexOf("\n at [Source");
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR,
                    what + " is not valid JSON: " + (cut > 0 ? msg.substring(0, cut) : msg), e);
        }
    }

    public static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.INTERNAL, "cannot write JSON", e);
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : null;
    }

    /** A string or an array of strings (as in {@code primaryKey} and {@code path}) as a list. */
    static List<String> stringOrList(JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isArray()) {
            v.forEach(e -> out.add(e.asText()));
        } else if (v.isValueNode()) {
            out.add(v.asText());
        }
        return out;
    }
}
