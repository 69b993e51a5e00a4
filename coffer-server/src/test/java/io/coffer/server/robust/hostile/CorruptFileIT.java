package io.coffer.server.robust.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.DatasetId;
import io.coffer.server.cli.CofferCli;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import io.coffer.testing.Corpus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 7: a file damaged in the store was served as 200 with the tampered bytes and the good file's ETag;
 * Range reads were not checked; {@code pull} left a partial directory; the engine answered a misleading 422.
 */
class CorruptFileIT {
    static final DatasetId CRA = DatasetId.of("ukgov", "cra");

    /** Flips one byte in the middle of the stored file (same size, so only the checksum can tell). */
    static byte[] damage(HostileServer s, String file) throws Exception {
        Path stored;
        try (var walk = Files.walk(s.dir.resolve("store/datasets/ukgov/cra/revisions"))) {
            stored = walk.filter(p -> p.getFileName().toString().equals(file)).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(stored);
        b[b.length / 2] ^= 0x20;
        Files.write(stored, b);
        return b;
    }

    static HostileServer serverWithCra() throws Exception {
        HostileServer s = new HostileServer();
        s.store.publish(CRA, PackageSource.directory(Corpus.get("ukgov-cra-sample")));
        return s;
    }

    @Test
    void aDamagedFileIsRefusedBeforeAnyByteFullOrRange() throws Exception {
        try (HostileServer s = serverWithCra()) {
            Revision rev = s.store.revision(CRA, null);
            String sha = rev.file("dataset.csv").orElseThrow().sha256();
            damage(s, "dataset.csv");
            for (String[] headers : new String[][] {{}, {"Range", "bytes=0-99"}, {"Range", "bytes=-100"}}) {
                for (String path : new String[] {"/datasets/ukgov/cra/@1/dataset.csv", "/datasets/ukgov/cra/dataset.csv"}) {
                    HostileServer.Resp r = s.get(path, HostileServer.Who.ANONYMOUS, headers);
                    assertThat(r.status()).as(path + " " + Arrays.toString(headers)).isEqualTo(500);
                    assertThat(r.json().path("code").asText()).isEqualTo("corrupt");
                    assertThat(r.header("etag")).as("the good file's ETag must not vouch for these bytes")
                            .isNotEqualTo("\"" + sha + "\"");
                }
            }
        }
    }

    @Test
    void aFileDamagedAfterItVerifiedEndsTheDownloadAsAFailure() throws Exception {
        try (HostileServer s = serverWithCra()) {
            assertThat(s.get("/datasets/ukgov/cra/@1/dataset.csv", HostileServer.Who.ANONYMOUS).status()).isEqualTo(200);
            byte[] tampered = damage(s, "dataset.csv");
            // The verification is trusted for a while, so this download streams; it must not end as a good 200.
            boolean failed;
            try {
                HostileServer.Resp r = s.get("/datasets/ukgov/cra/@1/dataset.csv", HostileServer.Who.ANONYMOUS);
                failed = r.status() != 200 || !Arrays.equals(r.body(), tampered);
            } catch (java.io.IOException e) {
                failed = true; // the connection ended short of Content-Length
            }
            assertThat(failed).as("the damaged bytes were served as a complete 200").isTrue();
        }
    }

    @Test
    void theEngineSaysCorruptNotInvalidData() throws Exception {
        try (HostileServer s = serverWithCra()) {
            damage(s, "dataset.csv");
            HostileServer.Resp r = s.get("/api/3/cubes/ukgov:cra/aggregate", HostileServer.Who.ANONYMOUS);
            assertThat(r.status()).as(r.text()).isEqualTo(500);
            assertThat(r.json().path("code").asText()).isEqualTo("corrupt");
        }
    }

    @Test
    void pullLeavesNoPartialDirectory(@TempDir Path tmp) throws Exception {
        String store = tmp.resolve("store").toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = CofferCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("publish", Corpus.get("ukgov-cra-sample").toString(), "--owner", "ukgov", "--name", "cra",
                "--store", store)).as(err.toString()).isZero();
        Path stored;
        try (var walk = Files.walk(tmp.resolve("store/datasets/ukgov/cra/revisions"))) {
            stored = walk.filter(p -> p.getFileName().toString().equals("dataset.csv")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(stored);
        b[b.length / 2] ^= 0x20;
        Files.write(stored, b);
        Path target = tmp.resolve("pulled");
        int code = cl.execute("pull", "ukgov/cra", target.toString(), "--store", store);
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("checksum");
        assertThat(target).doesNotExist();
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).containsExactly("store");
        }
    }
}
