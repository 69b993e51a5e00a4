package io.coffer.engine.cube;

import java.util.List;

/**
 * A dimension: babbage's ref {@code name} alone means its key attribute; {@code labelAttribute} is the
 * attribute whose FDP {@code labelfor} names the key (or the key itself).
 */
public record CubeDimension(String name, String title, String dimensionType, List<CubeAttribute> attributes,
                            CubeAttribute keyAttribute, CubeAttribute labelAttribute) {
    public CubeDimension {
        attributes = List.copyOf(attributes);
    }

    public boolean isDatetime() {
        return "datetime".equals(dimensionType);
    }
}
