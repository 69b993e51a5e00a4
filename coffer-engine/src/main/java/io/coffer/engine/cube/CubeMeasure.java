package io.coffer.engine.cube;

import java.math.BigDecimal;

/**
 * A measure: an amount column, stored in the Parquet copy as DECIMAL with {@code factor} already applied
 * (exactly, in BigDecimal) so every query and export sees the real amounts.
 */
public record CubeMeasure(String name, String ref, String column, String source, String currency,
                          BigDecimal factor, String title, String schemaType, CubeField field) {
}
