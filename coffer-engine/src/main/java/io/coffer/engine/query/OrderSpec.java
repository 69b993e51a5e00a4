package io.coffer.engine.query;

/** One sort criterion: {@code ref} ascending or descending. */
public record OrderSpec(String ref, boolean descending) {
    public String direction() {
        return descending ? "desc" : "asc";
    }
}
