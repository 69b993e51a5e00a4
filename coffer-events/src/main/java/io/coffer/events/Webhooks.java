package io.coffer.events;

import io.coffer.importer.SafeFetcher;
import io.coffer.meta.ChangeLog;
import io.coffer.meta.MetaDb;
import io.coffer.meta.Secrets;
import io.coffer.meta.auth.Authorizer;
import io.coffer.meta.auth.Principal;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook subscriptions (per owner, or per dataset of an owner), their deliveries and the delivery log.
 * Each delivery is a {@link Jobs#WEBHOOK} job, so it survives restarts and is retried with backoff. Bodies
 * are signed: {@code X-Coffer-Signature: sha256=<hex HMAC-SHA256 of the raw body with the secret>}; the
 * {@code X-Coffer-Event-Id} header lets receivers drop duplicates. Targets resolving to loopback, private
 * or link-local addresses are refused (when subscribing and before every attempt, which then connects to
 * exactly the addresses checked: {@link SafeFetcher#send}) unless an admin set {@code allowPrivate}.
 */
public final class Webhooks {
    private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
    public static final int MAX_ATTEMPTS = 8;
    public static final String SIGNATURE_HEADER = "X-Coffer-Signature";
    public static final String EVENT_ID_HEADER = "X-Coffer-Event-Id";

    /** A subscription as shown to its managers (the secret is never shown again). */
    public record Hook(String id, String owner, String dataset, String url, boolean allowPrivate, String createdBy,
                       Instant createdAt) {
    }

    /** A new subscription and its secret, shown once. */
    public record Created(Hook hook, String secret) {
        @Override
        public String toString() {
            return "Created[" + hook + "]";
        }
    }

    public record Delivery(long id, String webhookId, long eventId, String state, int attempts, Integer lastStatus,
                           String lastError, Instant createdAt, Instant deliveredAt) {
    }

    private static final RowMapper<Hook> HOOK = (rs, ctx) -> new Hook(rs.getString("id"), rs.getString("owner_name"),
            rs.getString("dataset_name"), rs.getString("url"), rs.getBoolean("allow_private"),
            rs.getString("created_by"), Instant.ofEpochMilli(rs.getLong("created_at")));
    private static final RowMapper<Delivery> DELIVERY = (rs, ctx) -> {
        int st = rs.getInt("last_status");
        Integer status = rs.wasNull() ? null : st;
        long del = rs.getLong("delivered_at");
        Instant delivered = rs.wasNull() ? null : Instant.ofEpochMilli(del);
        return new Delivery(rs.getLong("id"), rs.getString("webhook_id"), rs.getLong("event_id"), rs.getString("state"),
                rs.getInt("attempts"), status, rs.getString("last_error"), Instant.ofEpochMilli(rs.getLong("created_at")),
                delivered);
    };

    private final Jdbi jdbi;
    private final Authorizer authz;
    private final ChangeLog changes;
    private final Jobs jobs;
    private final HttpClient http;
    private final SafeFetcher publicOnly = new SafeFetcher(SafeFetcher.Policy.DEFAULT);
    private volatile Runnable onQueued = () -> { };

    public Webhooks(MetaDb db, Authorizer authz, ChangeLog changes, Jobs jobs) {
        this.jdbi = db.jdbi();
        this.authz = authz;
        this.changes = changes;
        this.jobs = jobs;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    void onQueued(Runnable r) {
        this.onQueued = r;
    }

    // ------------------------------------------------------------------ subscriptions

    public Created create(Principal p, String owner, String dataset, String url, boolean allowPrivate) {
        authz.requireOwnerEditor(p, owner);
        if (allowPrivate) {
            authz.requireAdmin(p);
        }
        if (dataset != null) {
            DatasetId.checkName("dataset name", dataset);
        }
        URI uri = target(url);
        if (!allowPrivate) {
            checkPublic(uri);
        }
        String id = Secrets.randomHex(8);
        String secret = "whsec_" + Secrets.random(24);
        long now = System.currentTimeMillis();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO webhooks (id, owner_name, dataset_name, url, secret, allow_private, "
                        + "created_by, created_at) VALUES (:id, :o, :d, :u, :s, :ap, :by, :at)")
                .bind("id", id).bind("o", owner).bind("d", dataset).bind("u", uri.toString()).bind("s", secret)
                .bind("ap", allowPrivate).bind("by", p.toString()).bind("at", now).execute());
        LOG.info("webhook {} for {}{} -> {} created by {}", id, owner, dataset == null ? "" : "/" + dataset,
                SafeFetcher.redact(uri), p);
        return new Created(new Hook(id, owner, dataset, uri.toString(), allowPrivate, p.toString(),
                Instant.ofEpochMilli(now)), secret);
    }

    private static URI target(String url) {
        if (url == null || url.isBlank() || url.length() > 2000) {
            throw CofferException.badRequest("url must be an http or https URL of at most 2000 characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw CofferException.badRequest("url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw CofferException.badRequest("url must be an http or https URL with a host and without credentials");
        }
        return uri;
    }

    private void checkPublic(URI uri) {
        try {
            publicOnly.check(uri);
        } catch (CofferException e) {
            throw refusal(uri, e);
        }
    }

    /** Checks the target again and sends to exactly the addresses checked (a second DNS answer is never used). */
    private HttpResponse<Void> sendPublic(HttpRequest req) throws java.io.IOException, InterruptedException {
        try {
            return publicOnly.send(http, req, HttpResponse.BodyHandlers.discarding());
        } catch (CofferException e) {
            throw refusal(req.uri(), e);
        }
    }

    private static CofferException refusal(URI uri, CofferException e) {
        if (e.code() == ErrorCode.FORBIDDEN) {
            return new CofferException(ErrorCode.FORBIDDEN, "refusing webhook target " + SafeFetcher.redact(uri)
                    + ": it resolves to a loopback, private or link-local address (an admin may allow it)");
        }
        return e;
    }

    public List<Hook> list(Principal p, String owner) {
        authz.requireOwnerEditor(p, owner);
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM webhooks WHERE owner_name = :o ORDER BY created_at, id")
                .bind("o", owner).map(HOOK).list());
    }

    /** The subscription, once {@code p} may manage its owner; not-found otherwise (ids are not disclosed). */
    public Hook get(Principal p, String id) {
        Hook hook = jdbi.withHandle(h -> h.createQuery("SELECT * FROM webhooks WHERE id = :id").bind("id", id)
                .map(HOOK).findOne()).orElseThrow(() -> CofferException.notFound("webhook " + id + " does not exist"));
        try {
            authz.requireOwnerEditor(p, hook.owner());
        } catch (CofferException e) {
            if (e.code() == ErrorCode.FORBIDDEN) {
                throw CofferException.notFound("webhook " + id + " does not exist");
            }
            throw e;
        }
        return hook;
    }

    public void delete(Principal p, String id) {
        Hook hook = get(p, id);
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM webhooks WHERE id = :id").bind("id", hook.id()).execute());
        LOG.info("webhook {} deleted by {}", id, p);
    }

    public List<Delivery> deliveries(Principal p, String hookId, int limit) {
        Hook hook = get(p, hookId);
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM webhook_deliveries WHERE webhook_id = :w "
                        + "ORDER BY id DESC LIMIT :l").bind("w", hook.id()).bind("l", limit).map(DELIVERY).list());
    }

    public record Attempt(Instant at, Integer status, String error, long durationMs) {
    }

    public List<Attempt> attempts(long deliveryId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM webhook_attempts WHERE delivery_id = :d ORDER BY id")
                .bind("d", deliveryId).map((rs, ctx) -> {
                    int st = rs.getInt("status");
                    Integer s = rs.wasNull() ? null : st;
                    return new Attempt(Instant.ofEpochMilli(rs.getLong("attempted_at")), s, rs.getString("error"),
                            rs.getLong("duration_ms"));
                }).list());
    }

    /** Sends a delivery again (a new series of attempts). Conflict while it is still being attempted. */
    public void redeliver(Principal p, String hookId, long deliveryId) {
        Hook hook = get(p, hookId);
        boolean queued = jdbi.inTransaction(h -> {
            int n = h.createUpdate("UPDATE webhook_deliveries SET state = 'pending', generation = generation + 1 "
                            + "WHERE id = :d AND webhook_id = :w AND state <> 'pending'")
                    .bind("d", deliveryId).bind("w", hook.id()).execute();
            if (n == 0) {
                boolean exists = h.createQuery("SELECT COUNT(*) FROM webhook_deliveries WHERE id = :d AND webhook_id = :w")
                        .bind("d", deliveryId).bind("w", hook.id()).mapTo(Integer.class).one() > 0;
                if (!exists) {
                    throw CofferException.notFound("delivery " + deliveryId + " of webhook " + hookId + " does not exist");
                }
                throw new CofferException(ErrorCode.CONFLICT, "delivery " + deliveryId + " is still being attempted");
            }
            if (!jobs.requeue(h, Jobs.WEBHOOK, subject(deliveryId), 0)) {
                jobs.enqueue(h, Jobs.WEBHOOK, subject(deliveryId), 0, MAX_ATTEMPTS);
            }
            return true;
        });
        if (queued) {
            LOG.info("delivery {} of webhook {} queued again by {}", deliveryId, hookId, p);
            onQueued.run();
        }
    }

    static String subject(long deliveryId) {
        return "delivery:" + deliveryId;
    }

    // ------------------------------------------------------------------ fan-out and delivery

    /** Creates the deliveries (and their jobs) of one event, inside the dispatcher's transaction. */
    int fanOut(Handle h, ChangeLog.Change c) {
        if (!c.datasetEvent()) {
            return 0;
        }
        List<String> hooks = h.createQuery("SELECT id FROM webhooks WHERE owner_name = :o AND (dataset_name IS NULL "
                        + "OR dataset_name = :n)").bind("o", c.dataset().owner()).bind("n", c.dataset().name())
                .mapTo(String.class).list();
        int n = 0;
        for (String hook : hooks) {
            int inserted = h.createUpdate("INSERT INTO webhook_deliveries (webhook_id, event_id, state, created_at) "
                            + "SELECT :w, :e, 'pending', :now WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries "
                            + "WHERE webhook_id = :w AND event_id = :e)")
                    .bind("w", hook).bind("e", c.id()).bind("now", System.currentTimeMillis()).execute();
            if (inserted == 1) {
                long id = h.createQuery("SELECT id FROM webhook_deliveries WHERE webhook_id = :w AND event_id = :e")
                        .bind("w", hook).bind("e", c.id()).mapTo(Long.class).one();
                jobs.enqueue(h, Jobs.WEBHOOK, subject(id), 0, MAX_ATTEMPTS);
                n++;
            }
        }
        return n;
    }

    private record Target(long delivery, long eventId, String url, String secret, boolean allowPrivate, String state) {
    }

    /** The {@link Jobs#WEBHOOK} handler: one attempt of one delivery. */
    void deliver(Jobs.Job job) throws Exception {
        long deliveryId = Long.parseLong(job.subject().substring("delivery:".length()));
        Optional<Target> t = jdbi.withHandle(h -> h.createQuery("SELECT d.id, d.event_id, d.state, w.url, w.secret, "
                        + "w.allow_private FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = :d")
                .bind("d", deliveryId).map((rs, ctx) -> new Target(rs.getLong("id"), rs.getLong("event_id"),
                        rs.getString("url"), rs.getString("secret"), rs.getBoolean("allow_private"), rs.getString("state")))
                .findOne());
        if (t.isEmpty() || !t.get().state().equals("pending")) {
            return; // subscription deleted, or delivered already (a duplicate run)
        }
        Target target = t.get();
        ChangeLog.Change c = changes.get(target.eventId()).orElseThrow(
                () -> new JobHandler.Permanent("event " + target.eventId() + " is gone"));
        byte[] body = Json.write(c.toJson());
        URI uri = URI.create(target.url());
        long start = System.nanoTime();
        Integer status = null;
        String error = null;
        try {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Coffer-Webhooks/1")
                    .header(EVENT_ID_HEADER, Long.toString(c.id()))
                    .header("X-Coffer-Event", c.type())
                    .header("X-Coffer-Delivery", Long.toString(deliveryId))
                    .header(SIGNATURE_HEADER, "sha256=" + sign(target.secret(), body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<Void> resp = target.allowPrivate() ? http.send(req, HttpResponse.BodyHandlers.discarding())
                    : sendPublic(req);
            status = resp.statusCode();
            if (status < 200 || status >= 300) {
                error = "receiver answered " + status;
            }
        } catch (CofferException e) {
            error = e.getMessage();
        } catch (java.io.IOException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        boolean ok = error == null;
        boolean last = !ok && job.attempts() >= job.maxAttempts();
        Integer st = status;
        String err = error == null ? null : error.length() > 1000 ? error.substring(0, 1000) : error;
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO webhook_attempts (delivery_id, attempted_at, status, error, duration_ms) "
                            + "VALUES (:d, :at, :s, :e, :ms)").bind("d", deliveryId).bind("at", System.currentTimeMillis())
                    .bind("s", st).bind("e", err).bind("ms", ms).execute();
            h.createUpdate("UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = :s, last_error = :e, "
                            + "state = :state, delivered_at = :at WHERE id = :d")
                    .bind("s", st).bind("e", err).bind("state", ok ? "delivered" : last ? "failed" : "pending")
                    .bind("at", ok ? Long.valueOf(System.currentTimeMillis()) : null).bind("d", deliveryId).execute();
        });
        if (!ok) {
            throw new Exception("delivery " + deliveryId + ": " + err);
        }
    }

    /** Hex HMAC-SHA256 of {@code body} with {@code secret}. */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
