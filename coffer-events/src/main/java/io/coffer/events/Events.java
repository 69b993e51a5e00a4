package io.coffer.events;

import io.coffer.meta.ChangeLog;
import io.coffer.meta.auth.Security;
import io.coffer.store.DataStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events runtime of a serving node: reconciliation at start-up and on a timer, the dispatcher that
 * turns new events into jobs, and the worker pool that runs them. Every node of a cluster may run one.
 */
public final class Events implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    /**
     * @param worker         worker pool settings
     * @param reconcileEvery how often reconciliation runs after the start-up run
     * @param aggregates     whether published revisions get an aggregates job (Parquet copy, static aggregates)
     */
    public record Config(Worker.Config worker, Duration reconcileEvery, boolean aggregates) {
        public static final Config DEFAULT = new Config(Worker.Config.DEFAULT, Duration.ofMinutes(1), true);
    }

    private final ChangeLog changes;
    private final Jobs jobs;
    private final Webhooks webhooks;
    private final Dispatcher dispatcher;
    private final Reconciler reconciler;
    private final Worker worker;
    private final AggregatesJob aggregatesJob;
    private final Config config;
    private final Object signal = new Object();
    private final Runnable listener = this::wake;
    private final ScheduledExecutorService timer;
    private Thread dispatchThread;
    private volatile boolean running;
    private long wakeups;

    public Events(Security security, DataStore store, Config config) {
        this(security, store, config, Map.of());
    }

    /** {@code extraHandlers}: more job types (tests, plugins). */
    public Events(Security security, DataStore store, Config config, Map<String, JobHandler> extraHandlers) {
        this(security, store, config, extraHandlers, java.util.Set.of());
    }

    /**
     * {@code onPublish}: types among {@code extraHandlers} queued for every current publish, like the
     * aggregates job (the server adds the record-history job this way).
     */
    public Events(Security security, DataStore store, Config config, Map<String, JobHandler> extraHandlers,
                  java.util.Set<String> onPublish) {
        this(security, store, config, extraHandlers, onPublish, null);
    }

    /**
     * {@code engine}: the process's engine the aggregates job builds with (on the process's one DuckDB); null:
     * an engine of its own from the {@code COFFER_ENGINE_*} environment, started on the first aggregates job
     * and closed with this.
     */
    public Events(Security security, DataStore store, Config config, Map<String, JobHandler> extraHandlers,
                  java.util.Set<String> onPublish, io.coffer.engine.CofferEngine engine) {
        this.config = config;
        this.changes = security.changes();
        this.jobs = new Jobs(security.db());
        this.webhooks = new Webhooks(security.db(), security.authorizer(), changes, jobs);
        this.dispatcher = new Dispatcher(security.db(), jobs, webhooks, config.aggregates(), onPublish);
        this.reconciler = new Reconciler(store, changes, security.datasets().access());
        Map<String, JobHandler> handlers = new HashMap<>(extraHandlers);
        handlers.put(Jobs.WEBHOOK, webhooks::deliver);
        this.aggregatesJob = new AggregatesJob(store, changes, security.datasets().access(), engine);
        handlers.put(Jobs.AGGREGATES, aggregatesJob);
        this.worker = new Worker(jobs, handlers, config.worker());
        this.webhooks.onQueued(worker::wake);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coffer-reconcile");
            t.setDaemon(true);
            return t;
        });
    }

    /** Reconciles once (synchronously), then starts the dispatcher, the workers and the reconciliation timer. */
    public Events start() {
        reconcile();
        running = true;
        changes.onAppend(listener);
        dispatchThread = Thread.ofPlatform().name("coffer-dispatch").daemon(true).start(this::dispatchLoop);
        worker.start();
        long every = config.reconcileEvery().toMillis();
        timer.scheduleWithFixedDelay(this::reconcile, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    private void reconcile() {
        try {
            int n = reconciler.runOnce();
            if (n > 0) {
                LOG.info("reconciliation recorded {} missing event(s)", n);
            }
        } catch (RuntimeException e) {
            LOG.warn("reconciliation failed: {}", e.toString());
        }
    }

    private void wake() {
        synchronized (signal) {
            wakeups++;
            signal.notifyAll();
        }
    }

    private void dispatchLoop() {
        while (running) {
            long seen;
            synchronized (signal) {
                seen = wakeups;
            }
            int queued = 0;
            try {
                queued = dispatcher.runOnce();
                if (queued > 0) {
                    worker.wake();
                }
            } catch (RuntimeException e) {
                LOG.warn("dispatching events failed: {}", e.toString());
            }
            if (queued == 0) {
                synchronized (signal) {
                    if (running && seen == wakeups) {
                        try {
                            // Events appended by other nodes or the CLI are found by polling.
                            signal.wait(config.worker().poll().toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
        }
    }

    public ChangeLog changes() {
        return changes;
    }

    public Jobs jobs() {
        return jobs;
    }

    public Webhooks webhooks() {
        return webhooks;
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    @Override
    public void close() {
        running = false;
        changes.removeListener(listener);
        wake();
        timer.shutdownNow();
        if (dispatchThread != null) {
            try {
                dispatchThread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        worker.close();
        aggregatesJob.close();
    }
}
