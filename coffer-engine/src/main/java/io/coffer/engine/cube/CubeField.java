package io.coffer.engine.cube;

import io.coffer.model.Field;

/** The Table Schema field a cube column is read from, and its position in the CSV. */
public record CubeField(Field field, int index) {
}
