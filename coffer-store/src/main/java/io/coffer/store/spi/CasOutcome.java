package io.coffer.store.spi;

/** The three outcomes of a write, in the manner of Iceberg's commit: committed, conflict, or unknown. */
public sealed interface CasOutcome {
    /** The ref now holds the new value, at {@code version}. */
    record Committed(String version) implements CasOutcome {
    }

    /** Somebody else changed the ref first; nothing was written. */
    record Conflict(String currentVersion) implements CasOutcome {
    }

    /** The write may or may not have happened; re-read the ref to find out. */
    record Unknown(Exception cause) implements CasOutcome {
    }
}
