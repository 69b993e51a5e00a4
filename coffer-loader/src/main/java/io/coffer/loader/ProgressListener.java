package io.coffer.loader;

/**
 * Hears how far a pass over a file has got. Calls come from the thread doing the pass, every few thousand
 * rows, so implementations must be cheap and must not throw. A load makes several passes (e.g. "infer"
 * then "write"), each opened by {@link #start}.
 */
public interface ProgressListener {
    /** Ignores everything. */
    ProgressListener NONE = (rows, bytes) -> { };

    /**
     * A pass begins.
     *
     * @param phase      short name of the pass ("infer", "write", "validate")
     * @param totalBytes size of the input, or -1 when unknown (a stream)
     */
    default void start(String phase, long totalBytes) {
    }

    /** Rows read and bytes consumed so far in the current pass. */
    void progress(long rows, long bytes);

    /** The pass is over (also after a failure). */
    default void finish(long rows, long bytes) {
    }
}
