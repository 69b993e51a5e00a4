package io.coffer.loader;

/** An open-addressing set of 64-bit hashes with a fixed capacity; used to count distinct values up to a cap. */
final class LongSet {
    private final long[] table;
    private final int cap;
    private int size;
    private boolean hasZero;

    LongSet(int cap) {
        this.cap = cap;
        this.table = new long[Integer.highestOneBit(cap * 2 - 1) << 1];
    }

    /** Adds a hash; false when it was present. Once full, further adds are refused ({@link #full()}). */
    boolean add(long h) {
        if (h == 0) {
            if (hasZero) {
                return false;
            }
            if (size >= cap) {
                return false;
            }
            hasZero = true;
            size++;
            return true;
        }
        int mask = table.length - 1;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (table[i] != 0) {
            if (table[i] == h) {
                return false;
            }
            i = (i + 1) & mask;
        }
        if (size >= cap) {
            return false;
        }
        table[i] = h;
        size++;
        return true;
    }

    int size() {
        return size;
    }

    boolean full() {
        return size >= cap;
    }
}
