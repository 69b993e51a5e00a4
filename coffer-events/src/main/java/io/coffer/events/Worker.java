package io.coffer.events;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of threads that claim jobs from {@link Jobs} and run their handlers. Leases are renewed while a
 * handler runs; failures are retried with exponential backoff (bounded) until the job's last attempt.
 */
public final class Worker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);

    /**
     * @param threads      claiming threads
     * @param lease        how long a claim holds without renewal (renewed every third of it)
     * @param poll         how often an idle thread looks for work (it is also woken by {@link #wake()})
     * @param backoff      delay before the second attempt; doubled for each further one
     * @param maxBackoff   bound on the delay
     */
    public record Config(int threads, Duration lease, Duration poll, Duration backoff, Duration maxBackoff) {
        public static final Config DEFAULT = new Config(2, Duration.ofSeconds(60), Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofMinutes(30));
    }

    private final Jobs jobs;
    private final Map<String, JobHandler> handlers;
    private final Config config;
    private final String node;
    private final Object signal = new Object();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService renewer;
    private volatile boolean running;
    private long wakeups;

    public Worker(Jobs jobs, Map<String, JobHandler> handlers, Config config) {
        this.jobs = jobs;
        this.handlers = Map.copyOf(handlers);
        this.config = config;
        this.node = nodeName();
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coffer-job-lease");
            t.setDaemon(true);
            return t;
        });
    }

    static String nodeName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "node";
        }
        String n = host + "/" + ManagementFactory.getRuntimeMXBean().getPid() + "/" + UUID.randomUUID().toString().substring(0, 8);
        return n.length() > 100 ? n.substring(n.length() - 100) : n;
    }

    public String node() {
        return node;
    }

    public Worker start() {
        running = true;
        for (int i = 0; i < config.threads(); i++) {
            Thread t = Thread.ofPlatform().name("coffer-worker-" + i).daemon(true).start(this::loop);
            threads.add(t);
        }
        return this;
    }

    /** Wakes idle threads: new work was probably queued. */
    public void wake() {
        synchronized (signal) {
            wakeups++;
            signal.notifyAll();
        }
    }

    private void loop() {
        while (running) {
            long seen;
            synchronized (signal) {
                seen = wakeups;
            }
            boolean worked = false;
            try {
                worked = runOne();
            } catch (RuntimeException e) {
                LOG.warn("job queue unavailable: {}", e.toString());
            }
            if (!worked) {
                synchronized (signal) {
                    if (running && wakeups == seen) {
                        try {
                            signal.wait(config.poll().toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
        }
    }

    /** Claims and runs one job; false when none was due. Public for tests and for single-shot use. */
    public boolean runOne() {
        Optional<Jobs.Job> claimed = jobs.claim(node, handlers.keySet(), config.lease());
        if (claimed.isEmpty()) {
            return false;
        }
        Jobs.Job job = claimed.get();
        if (job.attempts() > job.maxAttempts()) {
            // Its earlier nodes died holding it too often.
            jobs.fail(job, "gave up after " + job.maxAttempts() + " attempts", Duration.ZERO, true);
            return true;
        }
        long every = Math.max(50, config.lease().toMillis() / 3);
        ScheduledFuture<?> renewal = renewer.scheduleAtFixedRate(() -> {
            try {
                if (!jobs.renew(job, config.lease())) {
                    LOG.warn("lost the lease of job {} ({} {})", job.id(), job.type(), job.subject());
                }
            } catch (RuntimeException e) {
                LOG.warn("cannot renew the lease of job {}: {}", job.id(), e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        // One line when a job starts and one when it ends, on the node that runs it: the operator's (and the
        // multi-node test's) record of which node ran what, and how often.
        LOG.info("job {} ({} {} revision {}) attempt {} started on {}", job.id(), job.type(), job.subject(),
                job.revision(), job.attempts(), node);
        long started = System.nanoTime();
        try {
            handlers.get(job.type()).run(job);
            renewal.cancel(false);
            if (jobs.complete(job)) {
                LOG.info("job {} ({} {} revision {}) done in {} ms", job.id(), job.type(), job.subject(),
                        job.revision(), (System.nanoTime() - started) / 1_000_000);
            } else {
                LOG.warn("job {} ({} {}) finished after it was taken back (lease lost, or queued again meanwhile)", job.id(),
                        job.type(), job.subject());
            }
        } catch (Exception e) {
            renewal.cancel(false);
            boolean permanent = e instanceof JobHandler.Permanent;
            Duration retry = backoff(job.attempts());
            LOG.warn("job {} ({} {} revision {}) attempt {} failed{}: {}", job.id(), job.type(), job.subject(),
                    job.revision(), job.attempts(), permanent || job.attempts() >= job.maxAttempts() ? " for good"
                            : ", retry in " + retry.toMillis() + " ms", e.toString());
            jobs.fail(job, e.getMessage() == null ? e.toString() : e.getMessage(), retry, permanent);
        }
        return true;
    }

    Duration backoff(int attempt) {
        long ms = config.backoff().toMillis() << Math.min(20, Math.max(0, attempt - 1));
        return Duration.ofMillis(Math.min(ms, config.maxBackoff().toMillis()));
    }

    @Override
    public void close() {
        running = false;
        wake();
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        renewer.shutdownNow();
    }
}
