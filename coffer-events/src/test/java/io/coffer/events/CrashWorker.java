package io.coffer.events;

import io.coffer.meta.MetaDb;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;

/**
 * A worker for the kill -9 test, run in a child JVM: claims the test job, records that it started, and
 * works slowly (until killed). The same handler, fast, finishes the job in the parent after the restart.
 */
public final class CrashWorker {
    static final String TYPE = "crash-test";

    private CrashWorker() {
    }

    /** Appends "start" to the marker, works for {@code workMillis}, then appends "done": the side effect. */
    static JobHandler handler(Path marker, long workMillis, Runnable started) {
        return job -> {
            append(marker, "start " + job.subject() + " " + job.attempts());
            started.run();
            Thread.sleep(workMillis);
            append(marker, "done " + job.subject() + " " + job.revision());
        };
    }

    static void append(Path marker, String line) throws IOException {
        Files.writeString(marker, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.SYNC);
    }

    static Worker.Config config(Duration lease) {
        return new Worker.Config(1, lease, Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path marker = Path.of(args[1]);
        long leaseMillis = Long.parseLong(args[2]);
        MetaDb db = MetaDb.open(url, null, null);
        Worker w = new Worker(new Jobs(db), Map.of(TYPE, handler(marker, 600_000, () -> {
            System.out.println("working");
            System.out.flush();
        })), config(Duration.ofMillis(leaseMillis)));
        System.out.println("ready");
        System.out.flush();
        w.runOne();
        System.out.println("finished?!");
    }
}
