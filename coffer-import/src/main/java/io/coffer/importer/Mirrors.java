package io.coffer.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.spi.BlobStore;
import io.coffer.store.spi.CasOutcome;
import io.coffer.store.spi.Ref;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors (OSEP-06 "caching"): an external Data Package URL registered for a dataset is fetched on a
 * schedule; a new revision is published only when the content changed, and when the source disappears
 * the last good revision keeps being served. Registrations live in the store
 * ({@code mirrors/{owner}/{name}.json}), so every node of a cluster sees the same list.
 */
public final class Mirrors implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Mirrors.class);

    /** A registration and what happened at its last check. */
    public record Mirror(DatasetId dataset, URI url, Duration every, Instant lastCheck, String lastStatus,
                         Long lastRevision, String lastMessage) {
        public boolean due(Instant now) {
            return lastCheck == null || !lastCheck.plus(every).isAfter(now);
        }
    }

    /** Outcome of one refresh. */
    public enum Status { PUBLISHED, UNCHANGED, SOURCE_GONE, FAILED }

    public record Result(Status status, Long revision, String message) {
    }

    private final DataStore store;
    private final BlobStore blobs;
    private final PackageImporter importer;
    private ScheduledExecutorService scheduler;

    public Mirrors(DataStore store, SafeFetcher fetcher) {
        this(io.coffer.service.PublishService.local(store, Long.MAX_VALUE), fetcher);
    }

    /** Every refresh that changed publishes through {@code publisher}, with the checks of any publish. */
    public Mirrors(io.coffer.service.PublishService publisher, SafeFetcher fetcher) {
        this.store = publisher.store();
        this.blobs = store.blobs();
        this.importer = new PackageImporter(publisher, fetcher, SafeZip.Limits.DEFAULT);
    }

    static String key(DatasetId id) {
        return "mirrors/" + id.owner() + "/" + id.name() + ".json";
    }

    /** Registers (or re-registers) a mirror. The URL is checked against the fetch policy now, not later. */
    public Mirror add(DatasetId id, URI url, Duration every, SafeFetcher checker) {
        checker.check(url);
        if (every.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "mirrors are checked at most once a minute");
        }
        Mirror m = new Mirror(id, url, every, null, "registered", null, null);
        write(m);
        return m;
    }

    public Optional<Mirror> get(DatasetId id) {
        try {
            return blobs.getRef(key(id)).map(r -> parse(r.value()));
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot read mirror " + id, e);
        }
    }

    public List<Mirror> list() {
        List<Mirror> out = new ArrayList<>();
        try {
            for (String owner : blobs.children("mirrors/")) {
                for (String file : blobs.children("mirrors/" + owner + "/")) {
                    if (file.endsWith(".json") && DatasetId.isValidName(owner)
                            && DatasetId.isValidName(file.substring(0, file.length() - 5))) {
                        get(DatasetId.of(owner, file.substring(0, file.length() - 5))).ifPresent(out::add);
                    }
                }
            }
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot list mirrors", e);
        }
        return out;
    }

    public boolean remove(DatasetId id) {
        try {
            return blobs.delete(key(id));
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot remove mirror " + id, e);
        }
    }

    /** Checks one mirror now. */
    public Result refresh(DatasetId id) {
        Mirror m = get(id).orElseThrow(() -> CofferException.notFound("no mirror registered for " + id));
        Result r;
        try {
            Optional<ImportReport> report = importer.refresh(m.url(), id);
            if (report.isEmpty()) {
                r = new Result(Status.SOURCE_GONE, m.lastRevision(), "source answered 404/410; still serving the last good copy");
            } else if (report.get().unchanged()) {
                r = new Result(Status.UNCHANGED, report.get().revision(), "content unchanged");
            } else {
                r = new Result(Status.PUBLISHED, report.get().revision(), "new content published");
            }
        } catch (CofferException | IOException e) {
            // Unreachable or broken source: keep serving what we have, say why.
            r = new Result(Status.FAILED, m.lastRevision(), e.getMessage() != null ? e.getMessage() : e.toString());
        }
        write(new Mirror(id, m.url(), m.every(), Instant.now(), r.status().name().toLowerCase(java.util.Locale.ROOT),
                r.revision(), r.message()));
        LOG.info("mirror {} from {}: {} ({})", id, SafeFetcher.redact(m.url()), r.status(), r.message());
        return r;
    }

    /** Checks every mirror that is due; returns how many were checked. */
    public int refreshDue(Instant now) {
        int n = 0;
        for (Mirror m : list()) {
            if (m.due(now)) {
                refresh(m.dataset());
                n++;
            }
        }
        return n;
    }

    /** Starts checking due mirrors every {@code tick}. */
    public synchronized void start(Duration tick) {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coffer-mirrors");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                refreshDue(Instant.now());
            } catch (RuntimeException e) {
                LOG.warn("mirror round failed: {}", e.toString());
            }
        }, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    private void write(Mirror m) {
        ObjectNode o = Json.object();
        o.put("dataset", m.dataset().toString());
        o.put("url", m.url().toString());
        o.put("everySeconds", m.every().toSeconds());
        if (m.lastCheck() != null) {
            o.put("lastCheck", m.lastCheck().toString());
        }
        o.put("lastStatus", m.lastStatus());
        if (m.lastRevision() != null) {
            o.put("lastRevision", m.lastRevision());
        }
        if (m.lastMessage() != null) {
            o.put("lastMessage", m.lastMessage());
        }
        byte[] bytes = Json.write(o);
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                Optional<Ref> cur = blobs.getRef(key(m.dataset()));
                if (blobs.compareAndSet(key(m.dataset()), cur.map(Ref::version).orElse(null), bytes)
                        instanceof CasOutcome.Committed) {
                    return;
                }
            } catch (IOException e) {
                throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot save mirror " + m.dataset(), e);
            }
        }
        throw new CofferException(ErrorCode.CONFLICT, "mirror " + m.dataset() + " is being changed elsewhere");
    }

    static Mirror parse(byte[] b) {
        JsonNode n = Json.parse(b, "mirror");
        return new Mirror(DatasetId.parse(n.path("dataset").asText()), URI.create(n.path("url").asText()),
                Duration.ofSeconds(n.path("everySeconds").asLong(3600)),
                n.hasNonNull("lastCheck") ? Instant.parse(n.path("lastCheck").asText()) : null,
                n.path("lastStatus").asText(null), n.hasNonNull("lastRevision") ? n.path("lastRevision").asLong() : null,
                n.path("lastMessage").asText(null));
    }
}
