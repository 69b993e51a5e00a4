package io.coffer.loader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One parsed record, reused for every record of a file: the cells' characters sit back to back in one
 * array, so checking a cell needs no {@link String}. Valid only until the next record is read.
 */
final class Row {
    char[] chars = new char[1024];
    int[] ends = new int[64];
    int size;
    /** Physical line the record starts on (1-based); differs from the row number after embedded newlines. */
    long line;
    /** An empty line, as opposed to a row of empty cells. */
    boolean emptyLine;

    void reset(long startingLine) {
        size = 0;
        line = startingLine;
        emptyLine = false;
    }

    void add(char[] buf, int off, int len) {
        int start = size == 0 ? 0 : ends[size - 1];
        if (start + len > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(chars.length * 2, start + len));
        }
        System.arraycopy(buf, off, chars, start, len);
        if (size == ends.length) {
            ends = Arrays.copyOf(ends, size * 2);
        }
        ends[size++] = start + len;
    }

    int size() {
        return size;
    }

    int start(int i) {
        return i == 0 ? 0 : ends[i - 1];
    }

    int end(int i) {
        return ends[i];
    }

    int length(int i) {
        return ends[i] - start(i);
    }

    String get(int i) {
        return i < size ? new String(chars, start(i), length(i)) : null;
    }

    boolean isBlank() {
        return size == 0 || ends[size - 1] == 0;
    }

    /** The cells as strings (for error reports, at most {@code max} cells, each cut to a readable length). */
    List<String> cells(int max) {
        List<String> out = new ArrayList<>(Math.min(size, max));
        for (int i = 0; i < size && i < max; i++) {
            out.add(Cells.excerpt(get(i)));
        }
        return out;
    }
}
