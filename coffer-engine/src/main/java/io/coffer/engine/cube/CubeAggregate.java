package io.coffer.engine.cube;

/**
 * An aggregate ref: {@code _count} (facts) or {@code measure.function}. Only {@code _count} and the sums
 * are listed in the model (babbage's default); min, max, avg and count per measure are accepted on request.
 */
public record CubeAggregate(String ref, String function, CubeMeasure measure, String label, boolean listed) {
    public static final String COUNT_REF = "_count";
}
