package io.coffer.engine.query;

/**
 * One sort criterion: {@code ref} ascending or descending; {@code explicit} when the request named the direction
 * ({@code ref:desc}) rather than taking the default.
 */
public record OrderSpec(String ref, boolean descending, boolean explicit) {
    public OrderSpec(String ref, boolean descending) {
        this(ref, descending, true);
    }

    public String direction() {
        return descending ? "desc" : "asc";
    }

    /** The criterion as babbage's errors print it: {@code 'ref'}, or {@code ['ref', ':', 'desc']} with a direction. */
    public String babbageText() {
        String r = "'" + ref.replace("'", "\\'") + "'";
        return explicit ? "[" + r + ", ':', '" + direction() + "']" : r;
    }
}
