package io.coffer.engine;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loaded cube held for the length of one query: while any lease on it is open, this JVM's cache
 * eviction leaves its Parquet file alone. Close it when the query is done (try-with-resources).
 */
public final class CubeLease implements AutoCloseable {
    private final LoadedCube cube;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    CubeLease(LoadedCube cube, Runnable release) {
        this.cube = cube;
        this.release = release;
    }

    public LoadedCube cube() {
        return cube;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }
}
