package io.coffer.engine.query;

/** One element of a cut's value set: a single value, or a range with inclusive (possibly open) ends. */
public sealed interface CutValue {
    record Single(Literal value) implements CutValue {
    }

    /** {@code from..to}; a null end is open. */
    record Range(Literal from, Literal to) implements CutValue {
    }
}
