package io.coffer.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Typed, strict configuration for every command: a flag wins, then its {@code COFFER_*} environment
 * variable (Data Together convention: option {@code --store-url} = setting {@code storeUrl} =
 * {@code COFFER_STORE_URL}), then {@code coffer.yaml} ({@code --config FILE}, {@code COFFER_CONFIG}, or
 * {@code ./coffer.yaml}), then the built-in default. A key in the file that no command knows fails start-up.
 */
final class ConfigDefaults implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> file;
    private final Path source;
    private final Map<String, String> env;

    ConfigDefaults(Path source, Map<String, String> file, Map<String, String> env) {
        this.source = source;
        this.file = file;
        this.env = env;
    }

    /** Finds and reads the configuration file; {@code explicit} is the --config value, if any. */
    static ConfigDefaults load(String explicit, Map<String, String> env) {
        Path p = explicit != null ? Path.of(explicit)
                : env.get("COFFER_CONFIG") != null ? Path.of(env.get("COFFER_CONFIG")) : Path.of("coffer.yaml");
        if (!Files.isRegularFile(p)) {
            if (explicit != null || env.get("COFFER_CONFIG") != null) {
                throw new CofferException(ErrorCode.CONFIGURATION, "configuration file " + p + " does not exist");
            }
            return new ConfigDefaults(null, Map.of(), env);
        }
        try {
            JsonNode n = new YAMLMapper().readTree(p.toFile());
            Map<String, String> values = new LinkedHashMap<>();
            if (n != null && !n.isNull()) {
                if (!n.isObject()) {
                    throw new CofferException(ErrorCode.CONFIGURATION, p + " must be a mapping of settings");
                }
                for (var e : n.properties()) {
                    JsonNode v = e.getValue();
                    if (v.isObject()) {
                        throw new CofferException(ErrorCode.CONFIGURATION, p + ": setting '" + e.getKey()
                                + "' must be a value or a list, not a mapping");
                    }
                    List<String> parts = new ArrayList<>();
                    if (v.isArray()) {
                        v.forEach(x -> parts.add(x.asText()));
                    } else {
                        parts.add(v.asText());
                    }
                    values.put(e.getKey(), String.join(",", parts));
                }
            }
            return new ConfigDefaults(p, values, env);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.CONFIGURATION, "cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /** {@code --max-upload-bytes} -> {@code maxUploadBytes}. */
    static String key(OptionSpec o) {
        String longest = o.longestName().replaceFirst("^-+", "");
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : longest.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    /** {@code maxUploadBytes} -> {@code COFFER_MAX_UPLOAD_BYTES}. */
    static String envName(String key) {
        return "COFFER_" + key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec o) || o.usageHelp() || o.versionHelp()) {
            return null;
        }
        String key = key(o);
        String e = env.get(envName(key));
        if (e != null) {
            return e;
        }
        return file.get(key);
    }

    /** Where the effective value of an option comes from, for {@code coffer config}. */
    String origin(OptionSpec o, boolean givenOnCommandLine) {
        if (givenOnCommandLine) {
            return "flag";
        }
        String key = key(o);
        if (env.get(envName(key)) != null) {
            return "env " + envName(key);
        }
        if (file.containsKey(key)) {
            return "file " + source;
        }
        return "default";
    }

    /** Fails on file keys that name no option of any command. */
    void checkKnown(CommandSpec root) {
        TreeSet<String> known = new TreeSet<>();
        collect(root, known);
        List<String> unknown = file.keySet().stream().filter(k -> !known.contains(k)).toList();
        if (!unknown.isEmpty()) {
            throw new CofferException(ErrorCode.CONFIGURATION, "unknown setting(s) in " + source + ": "
                    + String.join(", ", unknown) + " (known: " + String.join(", ", known) + ")");
        }
    }

    private static void collect(CommandSpec spec, TreeSet<String> known) {
        for (OptionSpec o : spec.options()) {
            if (!o.usageHelp() && !o.versionHelp()) {
                known.add(key(o));
            }
        }
        spec.subcommands().values().forEach(sub -> collect(sub.getCommandSpec(), known));
    }

    Path source() {
        return source;
    }

    /** Values that must never be printed. */
    static boolean secret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token") || k.endsWith("key");
    }

    /** A database or store URL with its credentials masked. */
    static String mask(String key, String value) {
        if (value == null) {
            return "";
        }
        if (secret(key)) {
            return value.isEmpty() ? "" : "****";
        }
        return value.replaceAll("(?i)(password=)[^&;]*", "$1****").replaceAll("(//[^:/@]+:)[^@/]*@", "$1****@");
    }
}
