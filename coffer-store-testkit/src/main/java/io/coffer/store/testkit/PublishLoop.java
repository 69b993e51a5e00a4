package io.coffer.store.testkit;

import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.Stores;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The victim of the kill -9 crash test: publishes to a few datasets as fast as it can until killed.
 * Arguments: store location, seed; backend settings come as {@code -Dcoffer.store.KEY=VALUE}.
 */
public final class PublishLoop {
    private PublishLoop() {
    }

    public static void main(String[] args) {
        Map<String, String> config = new HashMap<>();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("coffer.store."))
                .forEach(k -> config.put(k.substring("coffer.store.".length()), System.getProperty(k)));
        Random random = new Random(Long.parseLong(args[1]));
        DataStore store = Stores.open(args[0], config);
        System.out.println("ready");
        System.out.flush();
        for (long i = 0; ; i++) {
            DatasetId id = DatasetId.of("crash", "ds" + random.nextInt(CrashContract.DATASETS));
            try {
                // Sizes vary so the kill lands inside writes of different lengths.
                store.publish(id, TestPackages.stamped("p" + args[1], i, 1 + random.nextInt(20_000)));
                System.out.println("published");
                System.out.flush();
            } catch (CofferException e) {
                // A conflict cannot happen with one writer, but keep going whatever the store says.
            }
        }
    }
}
