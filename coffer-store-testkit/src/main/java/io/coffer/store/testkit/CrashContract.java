package io.coffer.store.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import io.coffer.store.RevisionInfo;
import io.coffer.store.Stores;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Kills a publishing child JVM with SIGKILL at random moments, 50 times, then checks that every
 * dataset's latest revision (and every listed revision) is complete and matches its checksums.
 * For backends whose state outlives a process (filesystem, S3, git).
 */
public abstract class CrashContract {
    static final int DATASETS = 3;

    /** A store location a child JVM can open, e.g. {@code file:///tmp/x}; empty store. */
    protected abstract String storeLocation() throws Exception;

    /** Backend settings passed to the child (endpoint, credentials, ...). */
    protected Map<String, String> storeConfig() {
        return Map.of();
    }

    protected int kills() {
        return 50;
    }

    @Test
    void killMinus9AtRandomPointsNeverLeavesATornRevision() throws Exception {
        String location = storeLocation();
        Random random = new Random(7);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int killedWhilePublishing = 0;
        for (int i = 0; i < kills(); i++) {
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
            storeConfig().forEach((k, v) -> cmd.add("-Dcoffer.store." + k + "=" + v));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PublishLoop.class.getName(),
                    location, Integer.toString(i)));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("child JVM output").isEqualTo("ready");
            if (i % 10 == 0) {
                // Every tenth child is killed only after a publish of its own went through, so there are
                // revisions to check however slow the machine is (a loaded CI box may publish none in 400 ms).
                while (line != null && !line.equals("published")) {
                    line = out.readLine();
                }
                assertThat(line).as("child JVM published before dying").isEqualTo("published");
            }
            Thread.sleep(20 + random.nextInt(400));
            if (p.isAlive()) {
                killedWhilePublishing++;
            }
            p.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no finally blocks
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(killedWhilePublishing).isEqualTo(kills());

        try (DataStore store = Stores.open(location, storeConfig())) {
            int checked = 0;
            for (DatasetId id : store.list()) {
                Revision latest = store.revision(id, null);
                assertThat(store.verify(latest)).as("latest revision of %s", id).isEmpty();
                for (RevisionInfo r : store.revisions(id)) {
                    assertThat(store.verify(store.revision(id, r.revision()))).as("%s@%d", id, r.revision()).isEmpty();
                    checked++;
                }
            }
            assertThat(checked).as("revisions published before the kills").isPositive();
            // The registry can lag a kill between switch and catalog update; a rebuild makes it exact.
            store.registry().rebuild();
            assertThat(store.registry().entries().keySet()).containsExactlyElementsOf(store.list());
        }
    }
}
