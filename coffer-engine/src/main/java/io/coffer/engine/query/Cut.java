package io.coffer.engine.query;

import java.util.List;

/**
 * {@code ref:v1;v2} (any of the values), {@code !ref:...} (none of them); values may be ranges
 * {@code a..b}. Cuts joined with {@code |} must all hold.
 */
public record Cut(String ref, boolean negated, List<CutValue> values) {
    public Cut {
        values = List.copyOf(values);
    }
}
