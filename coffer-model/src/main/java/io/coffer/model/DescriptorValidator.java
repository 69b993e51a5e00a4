package io.coffer.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
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

    private DescriptorValidator() {
    }

    /** Problems found, each as "location: message"; empty when the descriptor is valid. */
    public static List<String> validate(JsonNode descriptor) {
        List<String> problems = new ArrayList<>();
        check("data-package", descriptor, problems);
        JsonNode p = descriptor.get("profile");
        if (p != null && p.isTextual() && !p.asText().equals("data-package")
                && PROFILES.contains(p.asText())) {
            check(p.asText(), descriptor, problems);
        }
        return problems;
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
        List<String> problems = new ArrayList<>();
        check(profile, descriptor, problems);
        return problems;
    }

    private static void check(String profile, JsonNode descriptor, List<String> problems) {
        for (ValidationMessage m : schema(profile).validate(descriptor)) {
            String where = m.getInstanceLocation() == null ? "$" : m.getInstanceLocation().toString();
            String line = profile + " " + where + ": " + m.getMessage();
            if (!problems.contains(line)) {
                problems.add(line);
            }
            if (problems.size() >= 100) {
                return;
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
                return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(node);
            } catch (IOException e) {
                throw new IllegalStateException("cannot load profile " + p, e);
            }
        });
    }
}
