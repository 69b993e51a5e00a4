package io.coffer.store.memory;

import io.coffer.store.spi.BlobInfo;
import io.coffer.store.spi.BlobKeys;
import io.coffer.store.spi.BlobStore;
import io.coffer.store.spi.CasOutcome;
import io.coffer.store.spi.Ref;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** A store in the heap, for tests and throw-away demos. Versions are a global generation counter. */
public final class InMemoryBlobStore implements BlobStore {
    private record Entry(byte[] data, long generation) {
    }

    private final ConcurrentSkipListMap<String, Entry> entries = new ConcurrentSkipListMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final String name;

    public InMemoryBlobStore(String name) {
        this.name = name;
    }

    @Override
    public Optional<InputStream> open(String key) {
        Entry e = entries.get(BlobKeys.check(key));
        return e == null ? Optional.empty() : Optional.of(new ByteArrayInputStream(e.data()));
    }

    @Override
    public Optional<InputStream> open(String key, long offset, long length) {
        Entry e = entries.get(BlobKeys.check(key));
        if (e == null) {
            return Optional.empty();
        }
        int from = (int) Math.min(offset, e.data().length);
        int len = (int) Math.min(length, e.data().length - from);
        return Optional.of(new ByteArrayInputStream(e.data(), from, len));
    }

    @Override
    public Optional<BlobInfo> stat(String key) {
        Entry e = entries.get(BlobKeys.check(key));
        return e == null ? Optional.empty()
                : Optional.of(new BlobInfo(key, e.data().length, Long.toString(e.generation())));
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        BlobKeys.check(key);
        byte[] b = data.readAllBytes();
        if (length >= 0 && b.length != length) {
            throw new IOException("expected " + length + " bytes but got " + b.length);
        }
        entries.put(key, new Entry(b, generation.incrementAndGet()));
    }

    @Override
    public List<BlobInfo> list(String prefix, int limit) {
        BlobKeys.checkPrefix(prefix);
        List<BlobInfo> out = new ArrayList<>();
        for (var e : entries.tailMap(prefix).entrySet()) {
            if (!e.getKey().startsWith(prefix) || out.size() >= limit) {
                break;
            }
            out.add(new BlobInfo(e.getKey(), e.getValue().data().length, Long.toString(e.getValue().generation())));
        }
        return out;
    }

    @Override
    public List<String> children(String prefix) {
        BlobKeys.checkPrefix(prefix);
        TreeSet<String> out = new TreeSet<>();
        for (String k : entries.tailMap(prefix).keySet()) {
            if (!k.startsWith(prefix)) {
                break;
            }
            String rest = k.substring(prefix.length());
            int slash = rest.indexOf('/');
            out.add(slash < 0 ? rest : rest.substring(0, slash));
        }
        return new ArrayList<>(out);
    }

    @Override
    public boolean delete(String key) {
        return entries.remove(BlobKeys.check(key)) != null;
    }

    @Override
    public Optional<Ref> getRef(String key) {
        Entry e = entries.get(BlobKeys.check(key));
        return e == null ? Optional.empty() : Optional.of(new Ref(e.data().clone(), Long.toString(e.generation())));
    }

    @Override
    public CasOutcome compareAndSet(String key, String expectedVersion, byte[] value) {
        BlobKeys.check(key);
        CasOutcome[] outcome = new CasOutcome[1];
        entries.compute(key, (k, cur) -> {
            String curVersion = cur == null ? null : Long.toString(cur.generation());
            boolean matches = expectedVersion == null ? cur == null : expectedVersion.equals(curVersion);
            if (!matches) {
                outcome[0] = new CasOutcome.Conflict(curVersion);
                return cur;
            }
            Entry next = new Entry(value.clone(), generation.incrementAndGet());
            outcome[0] = new CasOutcome.Committed(Long.toString(next.generation()));
            return next;
        });
        return outcome[0];
    }

    @Override
    public String describe() {
        return "in-memory store '" + name + "'";
    }
}
