package io.coffer.server.http;

import io.coffer.engine.CofferEngine;
import io.coffer.engine.DuckRuntime;
import io.coffer.engine.EngineConfig;
import io.coffer.store.DataStore;
import io.coffer.versions.Versions;
import java.nio.file.Path;

/**
 * What a process queries with: its one DuckDB runtime (threads and memory limit from the engine configuration,
 * set once) and the engine and versions service on it. Built once where the server or a CLI command is wired,
 * then handed to the routes and jobs; closed last.
 */
public record Analytics(DuckRuntime runtime, CofferEngine engine, Versions versions) implements AutoCloseable {
    /** From the {@code COFFER_ENGINE_*} environment ({@link EngineConfig#fromEnvironment}) and {@code COFFER_VERSIONS_DIR}. */
    public static Analytics fromEnvironment(DataStore store) {
        EngineConfig config = EngineConfig.fromEnvironment(System.getenv());
        return of(store, config, VersionRoutes.workDir(config));
    }

    public static Analytics of(DataStore store, EngineConfig config, Path versionsDir) {
        DuckRuntime runtime = DuckRuntime.start(config, versionsDir);
        try {
            return new Analytics(runtime, new CofferEngine(store, config, runtime),
                    new Versions(store, versionsDir, runtime));
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    @Override
    public void close() {
        versions.close();
        engine.close();
        runtime.close();
    }
}
