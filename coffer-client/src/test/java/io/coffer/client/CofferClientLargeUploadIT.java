package io.coffer.client;

import io.coffer.server.TestServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.meta.MetaDb;
import io.coffer.meta.Scope;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.store.DataStore;
import io.coffer.store.fs.FileSystemBlobStore;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package far larger than the client's heap: the client runs in a child JVM with {@value #CLIENT_HEAP}, so
 * any whole-file buffer (the old in-memory zip) fails with OutOfMemoryError; the server stores a byte-identical
 * copy and the client's temporary zip is gone afterwards, also after a refused publish.
 */
class CofferClientLargeUploadIT {
    /** Big enough that no in-memory copy fits the client's heap; small enough for a quick build (~10 s). */
    static final long CSV_BYTES = 300L << 20;
    static final String CLIENT_HEAP = "-Xmx64m";

    @Test
    void publishesAFileMuchLargerThanTheClientHeap(@TempDir Path tmp) throws Exception {
        Path pkg = Files.createDirectories(tmp.resolve("pkg"));
        Files.writeString(pkg.resolve("datapackage.json"), """
                {"name": "big", "resources": [{"name": "spending", "path": "data.csv", "schema": {"fields": [
                  {"name": "id", "type": "integer"}, {"name": "year", "type": "integer"},
                  {"name": "department", "type": "string"}, {"name": "amount", "type": "number"}]}}]}
                """);
        String sha256 = writeCsv(pkg.resolve("data.csv"), CSV_BYTES);
        long size = Files.size(pkg.resolve("data.csv"));

        MetaDb db = MetaDb.inMemory("client-large-" + System.nanoTime());
        // On disk, so that the server side (in this JVM) does not hold the file either.
        DataStore store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        Security sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "pub", "publisher-password-1".toCharArray(), false);
        sec.accounts().createOrg(Principal.session("pub", false), "ukgov");
        String token = sec.accounts().createToken(Principal.SYSTEM, "pub", Scope.PUBLISH, "ukgov", null,
                Instant.now().plus(Duration.ofDays(1)), "client test").secret();
        try (TestServer server = TestServer.builder().store(store).db(db).maxUploadBytes(1L << 30).uploadDir(tmp.resolve("uploads")).start()) {
            URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
            Path clientTmp = Files.createDirectories(tmp.resolve("client-tmp"));
            Path log = tmp.resolve("client.log");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    CLIENT_HEAP, "-Djava.io.tmpdir=" + clientTmp, "-cp", System.getProperty("java.class.path"),
                    Publish.class.getName(), base.toString(), pkg.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            child.getOutputStream().write(token.getBytes(StandardCharsets.UTF_8)); // not on the command line
            child.getOutputStream().close();
            boolean finished = child.waitFor(120, TimeUnit.SECONDS);
            if (!finished) {
                child.destroyForcibly().waitFor();
            }
            String out = Files.readString(log);
            System.out.println(out);
            assertThat(finished).as("the client finished within 2 minutes: " + out).isTrue();
            assertThat(child.exitValue()).as(out).isZero();
            assertThat(out).contains("published revision 1").contains("second publish: conflict");
            try (var left = Files.list(clientTmp)) {
                assertThat(left.toList()).as("the client's temporary zips are removed").isEmpty();
            }

            CofferClient.FileInfo stored = CofferClient.of(base).dataset(DatasetId.of("ukgov", "big"), null).files()
                    .stream().filter(f -> f.path().equals("data.csv")).findFirst().orElseThrow();
            assertThat(stored.bytes()).isEqualTo(size);
            assertThat(stored.sha256()).isEqualTo(sha256);
        } finally {
            store.close();
            db.close();
        }
    }

    /**
     * The client side, in the small-heap JVM: publishes, then publishes again expecting no dataset (refused with
     * 409 before the body is read). Prints the peak heap used.
     */
    static final class Publish {
        public static void main(String[] args) throws IOException {
            String token = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
            CofferClient client = CofferClient.withToken(URI.create(args[0]), token);
            DatasetId id = DatasetId.of("ukgov", "big");
            long t0 = System.nanoTime();
            CofferClient.Published p = client.publish(id, Path.of(args[1]));
            System.out.printf("published revision %d (%d bytes) in %d ms%n", p.revision(), p.bytes(),
                    (System.nanoTime() - t0) / 1_000_000);
            try {
                client.publish(id, Path.of(args[1]), 0);
                System.out.println("second publish: published?!");
            } catch (CofferException e) {
                System.out.println("second publish: " + (e.code() == ErrorCode.CONFLICT ? "conflict" : e.code()));
            }
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.printf("peak heap used %d MiB of %d MiB%n", peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    /** Spending lines, written through one reused buffer; returns their SHA-256 as computed while writing. */
    static String writeCsv(Path file, long bytes) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        int n = put(buf, 0, "id,year,department,amount\n");
        long written = 0;
        long x = 0x9E3779B97F4A7C15L;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long id = 1; written + n < bytes; id++) {
                if (n > buf.length - 64) {
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                    written += n;
                    n = 0;
                }
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                n = putLong(buf, n, id);
                buf[n++] = ',';
                n = putLong(buf, n, 2000 + (x & 31));
                n = put(buf, n, ",dept-");
                n = putLong(buf, n, (x >>> 8) & 255);
                buf[n++] = ',';
                n = putLong(buf, n, (x >>> 16) & 0xFFFFFF);
                buf[n++] = '.';
                long cents = (x >>> 40) % 100;
                buf[n++] = (byte) ('0' + cents / 10);
                buf[n++] = (byte) ('0' + cents % 10);
                buf[n++] = '\n';
            }
            sha.update(buf, 0, n);
            out.write(buf, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static int put(byte[] buf, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, buf, at, b.length);
        return at + b.length;
    }

    private static int putLong(byte[] buf, int at, long v) {
        int start = at;
        do {
            buf[at++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v > 0);
        for (int i = start, j = at - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
        return at;
    }
}
