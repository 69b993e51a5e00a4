package io.coffer.server.http;

import io.coffer.meta.auth.Principal;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where engine work (DuckDB queries, CSV exports, Parquet and aggregate builds, diffs) runs: a bounded pool of
 * platform threads. Requests are handled on virtual threads, and a virtual thread inside a native call pins its
 * carrier (one per core): two exports used to stall every other request, health probes included. Here the
 * request's virtual thread only waits for a future (which unmounts it), so the carriers stay free for
 * everything else. Bounded three ways: threads, a queue (full: 503 with Retry-After), and work at once per
 * caller (a user, or a client address for anonymous callers: 429 with Retry-After); each job has a time limit,
 * after which it is cancelled (interrupted) and the caller gets 503 query-timeout.
 */
public final class QueryPool implements AutoCloseable {
    /** Engine jobs at once on this node (default: the number of cores, at least 2). */
    public static final int THREADS = Integer.getInteger("coffer.query.threads",
            Math.max(2, Runtime.getRuntime().availableProcessors()));
    /** Jobs waiting for a thread before new ones are refused. */
    public static final int QUEUE = Integer.getInteger("coffer.query.queue", 64);
    /** Engine jobs at once per caller; more wait briefly, then get 429. */
    public static final int PER_CALLER = Integer.getInteger("coffer.query.perCaller", 4);
    public static final Duration TIMEOUT = Duration.ofSeconds(Long.getLong("coffer.query.timeoutSeconds", 300));
    private static final Duration CALLER_WAIT = Duration.ofSeconds(Long.getLong("coffer.query.callerWaitSeconds", 10));

    private final ThreadPoolExecutor pool;
    private final ConcurrentHashMap<String, Semaphore> callers = new ConcurrentHashMap<>();

    public QueryPool() {
        this(THREADS, QUEUE);
    }

    QueryPool(int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = Thread.ofPlatform().name("coffer-query-" + n.incrementAndGet()).daemon(true).unstarted(r);
                    return t;
                });
    }

    /** {@code h} run on the pool, for this request's caller; the request thread waits (unmounted). */
    public Handler wrap(Handler h) {
        return ctx -> run(ctx, h);
    }

    void run(Context ctx, Handler h) throws Exception {
        String caller = caller(ctx);
        Semaphore s = callers.computeIfAbsent(caller, c -> new Semaphore(PER_CALLER));
        if (!s.tryAcquire(CALLER_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            ctx.header("Retry-After", "5");
            throw new CofferException(ErrorCode.TOO_MANY_REQUESTS, "too many queries at once from this caller (at most "
                    + PER_CALLER + "); try again when one has finished");
        }
        try {
            Future<?> f;
            try {
                java.util.Map<String, String> mdc = org.slf4j.MDC.getCopyOfContextMap();
                f = pool.submit(() -> {
                    if (mdc != null) {
                        org.slf4j.MDC.setContextMap(mdc);
                    }
                    try {
                        h.handle(ctx);
                    } finally {
                        org.slf4j.MDC.clear();
                    }
                    return null;
                });
            } catch (RejectedExecutionException e) {
                ctx.header("Retry-After", "5");
                throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "the server is busy with other queries; try again");
            }
            try {
                f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                throw new CofferException(ErrorCode.QUERY_TIMEOUT, "the query ran longer than " + TIMEOUT.toSeconds()
                        + " s and was cancelled; narrow it (more cuts, fewer drilldowns)");
            } catch (InterruptedException e) {
                // The request was abandoned (server stopping): the query goes too.
                f.cancel(true);
                Thread.currentThread().interrupt();
                throw e;
            } catch (CancellationException e) {
                throw new CofferException(ErrorCode.QUERY_TIMEOUT, "the query was cancelled");
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof Exception ex) {
                    throw ex;
                }
                throw (Error) c;
            }
        } finally {
            s.release();
            if (s.availablePermits() == PER_CALLER) {
                callers.remove(caller, s);
            }
        }
    }

    private static String caller(Context ctx) {
        Principal p = Authn.principal(ctx);
        return p.authenticated() && p.user() != null ? "user:" + p.user() : "ip:" + Authn.client(ctx);
    }

    /** Jobs running and waiting now (for metrics and tests). */
    public int active() {
        return pool.getActiveCount() + pool.getQueue().size();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
