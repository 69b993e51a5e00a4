package io.coffer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * A Data Resource. {@code path} holds local relative paths and/or URLs (v1 allows an array: the
 * resource is their concatenation); {@code url} is the pre-v1 remote location some old descriptors use.
 * A {@code dialect} absent from the descriptor is {@code null}, not the default, so writing back keeps
 * the descriptor as it was.
 */
public record Resource(String name, List<String> path, String url, String format, String mediatype,
                       String encoding, Dialect dialect, TableSchema schema, ObjectNode extras) {
    public Resource {
        path = path == null ? List.of() : List.copyOf(path);
        extras = extras == null ? Json.object() : extras.deepCopy();
    }

    public static Resource csv(String name, String path, TableSchema schema) {
        return new Resource(name, List.of(path), null, "csv", "text/csv", "utf-8", null, schema, null);
    }

    public Resource withSchema(TableSchema s) {
        return new Resource(name, path, url, format, mediatype, encoding, dialect, s, extras);
    }

    public Resource withPath(String p) {
        return new Resource(name, List.of(p), url, format, mediatype, encoding, dialect, schema, extras);
    }

    @Override
    public ObjectNode extras() {
        return extras.deepCopy();
    }

    public Dialect effectiveDialect() {
        return dialect == null ? Dialect.DEFAULT : dialect;
    }

    /** Local (non-URL) paths of this resource; each is validated as a {@link PackagePath}. */
    public List<PackagePath> localPaths() {
        return path.stream().filter(p -> !isUrl(p)).map(PackagePath::of).toList();
    }

    /** URLs of this resource's data held elsewhere ({@code path} URLs and legacy {@code url}). */
    public List<String> remoteUrls() {
        List<String> urls = new java.util.ArrayList<>(path.stream().filter(Resource::isUrl).toList());
        if (url != null && path.isEmpty()) {
            urls.add(url);
        }
        return urls;
    }

    public boolean isTabular() {
        String f = format == null ? "" : format.toLowerCase(Locale.ROOT);
        String m = mediatype == null ? "" : mediatype.toLowerCase(Locale.ROOT);
        boolean csvPath = path.stream().anyMatch(p -> p.toLowerCase(Locale.ROOT).endsWith(".csv"));
        return schema != null && (f.equals("csv") || m.equals("text/csv") || csvPath || (f.isEmpty() && m.isEmpty()));
    }

    public static boolean isUrl(String p) {
        String l = p.toLowerCase(Locale.ROOT);
        return l.startsWith("http://") || l.startsWith("https://");
    }

    static Resource fromJson(JsonNode n, int index) {
        if (!n.isObject()) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "resources[" + index + "] is not an object");
        }
        JsonNode schema = n.get("schema");
        ObjectNode extras = ((ObjectNode) n).deepCopy();
        extras.remove(List.of("name", "path", "url", "format", "mediatype", "encoding", "dialect", "schema"));
        return new Resource(Json.text(n, "name"), Json.stringOrList(n.get("path")), Json.text(n, "url"),
                Json.text(n, "format"), Json.text(n, "mediatype"), Json.text(n, "encoding"),
                n.has("dialect") ? Dialect.fromJson(n.get("dialect")) : null,
                schema != null && schema.isObject() ? TableSchema.fromJson(schema) : null, extras);
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        if (name != null) o.put("name", name);
        if (path.size() == 1) {
            o.put("path", path.get(0));
        } else if (!path.isEmpty()) {
            ArrayNode a = o.putArray("path");
            path.forEach(a::add);
        }
        if (url != null) o.put("url", url);
        if (format != null) o.put("format", format);
        if (mediatype != null) o.put("mediatype", mediatype);
        if (encoding != null) o.put("encoding", encoding);
        if (dialect != null) o.set("dialect", dialect.toJson());
        if (schema != null) o.set("schema", schema.toJson());
        o.setAll(extras.deepCopy());
        return o;
    }
}
