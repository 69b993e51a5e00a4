package io.coffer.engine.babbage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.Json;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Answers of the cube API by (Parquet copy, request). A revision's Parquet file never changes (its name carries
 * the revision and the manifest checksum), so an answer never goes stale: "latest" resolves to a new file when
 * a revision is published. Bounded by the serialized size of what it holds; least recently used go first.
 * Callers get their own copy, since handlers may add to an answer.
 */
final class ResultCache {
    private record Entry(ObjectNode value, long bytes) {
    }

    private final long maxBytes;
    private final long maxEntryBytes;
    private final LinkedHashMap<Object, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;

    /** {@code maxBytes} 0 disables caching; one answer may take at most a sixteenth of the budget. */
    ResultCache(long maxBytes) {
        this.maxBytes = maxBytes;
        this.maxEntryBytes = maxBytes / 16;
    }

    ObjectNode get(Object key, Supplier<ObjectNode> compute) {
        if (maxBytes <= 0) {
            return compute.get();
        }
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null) {
                hits++;
                return e.value().deepCopy();
            }
            misses++;
        }
        // Computed outside the lock: two identical concurrent misses both query, which is harmless.
        ObjectNode value = compute.get();
        long size = Json.write(value).length;
        if (size <= maxEntryBytes) {
            ObjectNode kept = value.deepCopy();
            synchronized (this) {
                Entry old = entries.put(key, new Entry(kept, size));
                bytes += size - (old == null ? 0 : old.bytes());
                Iterator<Map.Entry<Object, Entry>> it = entries.entrySet().iterator();
                while (bytes > maxBytes && it.hasNext()) {
                    bytes -= it.next().getValue().bytes();
                    it.remove();
                }
            }
        }
        return value;
    }

    synchronized long hits() {
        return hits;
    }

    synchronized long misses() {
        return misses;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized int size() {
        return entries.size();
    }
}
