package io.coffer.server.cli;

import io.coffer.store.DataStore;
import io.coffer.store.Stores;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --store}, shared by every command that touches a store. */
public final class StoreOption {
    @Option(names = {"--store", "--store-url"}, paramLabel = "LOCATION", scope = picocli.CommandLine.ScopeType.INHERIT,
            defaultValue = "${env:COFFER_STORE:-./coffer-data}",
            description = "Store location: a directory (default ./coffer-data), file:///..., memory:NAME, "
                    + "or another backend's URL. Env: COFFER_STORE_URL (or COFFER_STORE).")
    String location;

    /** Backend settings from {@code COFFER_STORE_*} variables, e.g. COFFER_STORE_ENDPOINT -> endpoint. */
    static Map<String, String> backendConfig() {
        Map<String, String> config = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("COFFER_STORE_")) {
                String key = toCamel(k.substring("COFFER_STORE_".length()));
                config.put(key, v);
            }
        });
        return config;
    }

    static String toCamel(String envSuffix) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : envSuffix.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    /** The store option as parsed anywhere on the command line (before or after the subcommand). */
    static StoreOption of(picocli.CommandLine.Model.CommandSpec spec) {
        picocli.CommandLine.Model.CommandSpec root = spec;
        while (root.parent() != null) {
            root = root.parent();
        }
        return ((CofferCli) root.userObject()).store;
    }

    DataStore open() {
        return Stores.open(location, backendConfig());
    }
}
