package io.coffer.loader;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Finds repeated keys (a primary key or a unique field) in a stream of any length with bounded memory.
 * Keys are kept in memory in {@value #PARTITIONS} hash partitions up to a byte budget; past it every
 * partition is appended to its own temporary file. {@link #duplicates} then reads one partition at a time,
 * sorts it by hash and compares the actual key text (a hash collision is never reported as a duplicate).
 * Memory at the end is about one partition: total keys / {@value #PARTITIONS}, so a 512 MiB heap handles
 * on the order of 10^8 short keys; disk use is about the size of the key column.
 */
final class KeyIndex implements AutoCloseable {
    static final int PARTITIONS = 64;
    /** Rough per-key cost in memory besides the key's characters: two longs, array slots, String header. */
    private static final int OVERHEAD = 72;

    /** A key seen again. */
    record Duplicate(long rowNumber, long firstRowNumber, String key) {
    }

    private final long budget;
    private final Path tempDir;
    private final List<List<Entry>> buffers = new ArrayList<>();
    private final Path[] files = new Path[PARTITIONS];
    private long buffered;
    private long count;

    private record Entry(long hash, long row, String key) {
    }

    KeyIndex(long memoryBudget, Path tempDir) {
        this.budget = memoryBudget;
        this.tempDir = tempDir;
        for (int i = 0; i < PARTITIONS; i++) {
            buffers.add(new ArrayList<>());
        }
    }

    void add(String key, long rowNumber) {
        long h = Cells.hash(key.toCharArray(), 0, key.length(), 0x9E3779B97F4A7C15L);
        int p = (int) ((h >>> 58) & (PARTITIONS - 1));
        buffers.get(p).add(new Entry(h, rowNumber, key));
        buffered += OVERHEAD + 2L * key.length();
        count++;
        if (buffered > budget) {
            spill();
        }
    }

    long size() {
        return count;
    }

    boolean spilled() {
        for (Path f : files) {
            if (f != null) {
                return true;
            }
        }
        return false;
    }

    private void spill() {
        try {
            for (int p = 0; p < PARTITIONS; p++) {
                List<Entry> buf = buffers.get(p);
                if (buf.isEmpty()) {
                    continue;
                }
                if (files[p] == null) {
                    files[p] = tempDir == null ? Files.createTempFile("coffer-keys-", ".bin")
                            : Files.createTempFile(tempDir, "coffer-keys-", ".bin");
                }
                try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                        Files.newOutputStream(files[p], java.nio.file.StandardOpenOption.APPEND), 1 << 16))) {
                    for (Entry e : buf) {
                        out.writeLong(e.hash);
                        out.writeLong(e.row);
                        byte[] k = e.key.getBytes(StandardCharsets.UTF_8);
                        out.writeInt(k.length);
                        out.write(k);
                    }
                }
                buffers.set(p, new ArrayList<>());
            }
            buffered = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spill keys to a temporary file: " + e.getMessage(), e);
        }
    }

    /**
     * Every repeated key, each naming the first row that had it. Returns the {@code keep} duplicates with the
     * lowest row numbers, in row order, and calls {@code counter} once per duplicate found.
     */
    List<Duplicate> duplicates(int keep, Runnable counter) {
        PriorityQueue<Duplicate> lowest = new PriorityQueue<>(
                Comparator.comparingLong(Duplicate::rowNumber).reversed());
        for (int p = 0; p < PARTITIONS; p++) {
            List<Entry> entries = load(p);
            Entry[] arr = entries.toArray(new Entry[0]);
            entries.clear();
            // Equal keys end up adjacent, earliest row first; a hash collision sorts into separate runs.
            Arrays.sort(arr, Comparator.comparingLong(Entry::hash).thenComparing(Entry::key)
                    .thenComparingLong(Entry::row));
            int first = 0;
            for (int a = 1; a < arr.length; a++) {
                if (arr[a].hash == arr[first].hash && arr[a].key.equals(arr[first].key)) {
                    counter.run();
                    if (lowest.size() < keep || arr[a].row < lowest.peek().rowNumber()) {
                        lowest.add(new Duplicate(arr[a].row, arr[first].row, arr[a].key));
                        if (lowest.size() > keep) {
                            lowest.poll();
                        }
                    }
                } else {
                    first = a;
                }
            }
            buffers.set(p, new ArrayList<>());
        }
        List<Duplicate> out = new ArrayList<>(lowest);
        out.sort(Comparator.comparingLong(Duplicate::rowNumber));
        return out;
    }

    private List<Entry> load(int p) {
        List<Entry> out = new ArrayList<>();
        if (files[p] != null) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(files[p]),
                    1 << 16))) {
                while (true) {
                    long h;
                    try {
                        h = in.readLong();
                    } catch (EOFException end) {
                        break;
                    }
                    long row = in.readLong();
                    byte[] k = new byte[in.readInt()];
                    in.readFully(k);
                    out.add(new Entry(h, row, new String(k, StandardCharsets.UTF_8)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read spilled keys: " + e.getMessage(), e);
            }
        }
        out.addAll(buffers.get(p));
        return out;
    }

    @Override
    public void close() {
        for (int p = 0; p < PARTITIONS; p++) {
            if (files[p] != null) {
                try {
                    Files.deleteIfExists(files[p]);
                } catch (IOException ignored) {
                    // A temp file left behind is harmless; the OS temp cleaner removes it.
                }
                files[p] = null;
            }
        }
    }
}
