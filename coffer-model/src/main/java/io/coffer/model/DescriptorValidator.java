package io.coffer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates descriptors against the Frictionless JSON Schemas vendored under
 * {@code io/coffer/model/profiles} (see its README). Every package is checked against
 * {@code data-package}; a package that declares the tabular or fiscal profile is checked against that too.
 */
public final class DescriptorValidator {
    public static final List<String> PROFILES = List.of("data-package", "tabular-data-package",
            "fiscal-data-package", "data-resource", "tabular-data-resource", "registry");

    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    /** Draft-04, plus the annotation keywords the Frictionless profiles use for their editors. */
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory
            .builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4))
            .metaSchema(JsonMetaSchema.builder(JsonMetaSchema.getV4())
                    .keywords(List.of(new NonValidationKeyword("propertyOrder"), new NonValidationKeyword("context"),
                            new NonValidationKeyword("examples"), new NonValidationKeyword("options")))
                    .build())
            .build();

    private DescriptorValidator() {
    }

    /**
     * Errors make a descriptor unusable; warnings are metadata that does not follow the profile (a
     * homepage that is not a URI, a source without a title) and are reported, not refused: real
     * packages are full of them and refusing them helps nobody.
     */
    public record Report(List<String> errors, List<String> warnings) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    private static final List<String> METADATA = List.of("$.homepage", "$.sources", "$.contributors",
            "$.licenses", "$.keywords", "$.image", "$.created", "$.version", "$.countryCode");

    /** Problems found, each as "profile location: message"; empty when the descriptor is valid. */
    public static List<String> validate(JsonNode descriptor) {
        return check(descriptor).errors();
    }

    public static Report check(JsonNode descriptor) {
        JsonNode upgraded = upgrade(descriptor);
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        check("data-package", upgraded, errors, warnings);
        JsonNode p = descriptor.get("profile");
        if (p != null && p.isTextual() && !p.asText().equals("data-package") && PROFILES.contains(p.asText())) {
            check(p.asText(), upgraded, errors, warnings);
        }
        return new Report(errors, warnings);
    }

    /**
     * Pre-v1 resources named their remote data with {@code url}; v1 puts URLs in {@code path}. Validate as
     * v1 would see the package, without changing what the publisher wrote.
     */
    private static JsonNode upgrade(JsonNode descriptor) {
        if (!descriptor.isObject() || !descriptor.path("resources").isArray()) {
            return descriptor;
        }
        JsonNode copy = descriptor.deepCopy();
        for (JsonNode r : copy.path("resources")) {
            if (r.isObject() && !r.has("path") && !r.has("data") && r.path("url").isTextual()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) r).set("path", r.get("url"));
            }
        }
        return copy;
    }

    /** Throws {@link ErrorCode#INVALID_DESCRIPTOR} naming every problem. */
    public static void requireValid(JsonNode descriptor) {
        List<String> problems = validate(descriptor);
        if (!problems.isEmpty()) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR,
                    "datapackage.json does not follow the Data Package profile: " + problems.get(0), problems);
        }
    }

    public static List<String> validate(String profile, JsonNode descriptor) {
        List<String> errors = new ArrayList<>();
        check(profile, descriptor, errors, errors);
        return errors;
    }

    private static void check(String profile, JsonNode descriptor, List<String> errors, List<String> warnings) {
        for (ValidationMessage m : schema(profile).validate(descriptor)) {
            String where = m.getInstanceLocation() == null ? "$" : m.getInstanceLocation().toString();
            String line = profile + " " + where + ": " + m.getMessage();
            boolean metadata = METADATA.stream().anyMatch(k -> where.equals(k) || where.startsWith(k + ".")
                    || where.startsWith(k + "["));
            List<String> target = metadata ? warnings : errors;
            if (!target.contains(line) && target.size() < 100) {
                target.add(line);
            }
        }
    }

    private static JsonSchema schema(String profile) {
        if (!PROFILES.contains(profile)) {
            throw new CofferException(ErrorCode.INVALID_DESCRIPTOR, "unknown profile '" + profile + "'");
        }
        return SCHEMAS.computeIfAbsent(profile, p -> {
            try (InputStream in = DescriptorValidator.class.getResourceAsStream("profiles/" + p + ".json")) {
                if (in == null) {
                    throw new IllegalStateException("profile " + p + " is not on the class path");
                }
                JsonNode node = Json.MAPPER.readTree(in);
                return FACTORY.getSchema(node);
            } catch (IOException e) {
                throw new IllegalStateException("cannot load profile " + p, e);
            }
        });
    }
}
