package io.coffer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Data Package descriptor (v1 and v2 share the members Coffer acts on) with an optional Fiscal Data
 * Package model. Unknown members are kept in {@code extras} so nothing a publisher wrote is lost.
 */
public record DataPackage(String name, String title, String description, String profile,
                          List<Resource> resources, FiscalModel model, ObjectNode extras) {
    public DataPackage {
        resources = List.copyOf(resources);
        extras = extras == null ? Json.object() : extras.deepCopy();
    }

    @Override
    public ObjectNode extras() {
        return extras.deepCopy();
    }

    public Optional<Resource> resource(String resourceName) {
        return resources.stream().filter(r -> resourceName.equals(r.name())).findFirst();
    }

    public DataPackage withResources(List<Resource> rs) {
        return new DataPackage(name, title, description, profile, rs, model, extras);
    }

    public DataPackage withModel(FiscalModel m) {
        return new DataPackage(name, title, description, profile, resources, m, extras);
    }

    public DataPackage withMeta(String newName, String newTitle, String newDescription) {
        return new DataPackage(newName, newTitle, newDescription, profile, resources, model, extras);
    }

    /** An extra (non-typed) top-level property, e.g. {@code fiscalPeriod}, or a missing node. */
    public JsonNode extra(String key) {
        return extras.path(key).deepCopy();
    }

    public DataPackage withExtra(String key, JsonNode value) {
        ObjectNode e = extras.deepCopy();
        e.set(key, value);
        return new DataPackage(name, title, description, profile, resources, model, e);
    }

    public static DataPackage read(InputStream in) {
        return fromJson(Json.parse(in, "datapackage.json"));
    }

    public static DataPackage read(byte[] bytes) {
        return fromJson(Json.parse(bytes, "datapackage.json"));
    }

    /** Builds the records from a descriptor; accepts both {@code model} and the legacy {@code mapping}. */
    public static DataPackage fromJson(JsonNode n) {
        if (!n.isObject()) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "datapackage.json must be a JSON object");
        }
        JsonNode rs = n.get("resources");
        if (rs == null || !rs.isArray() || rs.isEmpty()) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "datapackage.json has no 'resources' array");
        }
        List<Resource> resources = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            resources.add(Resource.fromJson(rs.get(i), i));
        }
        FiscalModel model = null;
        if (n.has("model")) {
            model = FiscalModel.fromJson(n.get("model"), "model");
        } else if (n.path("mapping").has("measures") || n.path("mapping").has("dimensions")) {
            model = FiscalModel.fromJson(n.get("mapping"), "mapping");
        }
        ObjectNode extras = ((ObjectNode) n).deepCopy();
        extras.remove(List.of("name", "title", "description", "profile", "resources", "model"));
        if (model != null) {
            extras.remove("mapping");
        }
        // else: a pre-FDP 2015 'mapping' shorthand ({id, amount, date, payer}) is not a model; kept as is.
        JsonNode profile = n.get("profile");
        return new DataPackage(Json.text(n, "name"), Json.text(n, "title"), Json.text(n, "description"),
                profile != null && profile.isTextual() ? profile.asText() : null, resources, model, extras);
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        if (name != null) o.put("name", name);
        if (title != null) o.put("title", title);
        if (description != null) o.put("description", description);
        if (profile != null) o.put("profile", profile);
        o.setAll(extras.deepCopy());
        ArrayNode rs = o.putArray("resources");
        resources.forEach(r -> rs.add(r.toJson()));
        if (model != null) o.set("model", model.toJson());
        return o;
    }

    public byte[] toBytes() {
        return Json.write(toJson());
    }
}
