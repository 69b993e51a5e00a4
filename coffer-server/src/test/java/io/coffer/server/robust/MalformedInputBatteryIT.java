package io.coffer.server.robust;

import io.coffer.server.TestServer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.meta.MetaDb;
import io.coffer.meta.Scope;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.Json;
import io.coffer.store.DataStore;
import io.coffer.store.fs.FileSystemBlobStore;
import io.coffer.testing.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 malformed CSVs, descriptors and zips, generated from the corpus by seeded mutations, sent to the
 * validate, publish and upload endpoints: no answer is a 5xx, every answer is a report or a problem+json
 * naming the problem, and the heap stays bounded. Also: slow bodies are cut off.
 */
class MalformedInputBatteryIT {
    static final int INPUTS = 10_000;
    @TempDir
    static Path tmp;
    static MetaDb db;
    static DataStore store;
    static TestServer server;
    static String token;
    static List<byte[]> csvSeeds = new ArrayList<>();
    static List<byte[]> descriptorSeeds = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        db = MetaDb.inMemory("battery-" + System.nanoTime());
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        Security sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "fuzz", "a-long-fuzz-password-1".toCharArray(), false);
        token = sec.accounts().createToken(Principal.SYSTEM, "fuzz", Scope.PUBLISH, "fuzz", null, java.time.Instant.now().plus(Duration.ofDays(1)), "battery")
                .secret();
        server = TestServer.builder().store(store).db(db).maxUploadBytes(4L << 20).uploadDir(tmp.resolve("uploads")).start();
        for (String p : List.of("ukgov-cra-sample/dataset.csv", "demo-openspending-macedonia/MFBudzetIRebalansNaRMmk-MK.csv",
                "dpp-fiscal-supersimple/simple.csv", "demo-au-budget/data/201505181230budget1516.csv",
                "fdp03-labels-and-hierarchies/budget.csv")) {
            byte[] all = Files.readAllBytes(Corpus.root().resolve(p));
            csvSeeds.add(java.util.Arrays.copyOf(all, Math.min(all.length, 6000)));
        }
        try (var dirs = Files.list(Corpus.root())) {
            for (Path d : dirs.sorted().toList()) {
                if (Files.exists(d.resolve("datapackage.json"))) {
                    descriptorSeeds.add(Files.readAllBytes(d.resolve("datapackage.json")));
                }
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** Seeded byte-level damage: cuts, flips, inserted quotes/NUL/BOMs/invalid UTF-8, duplicated runs. */
    static byte[] mutate(byte[] seed, Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(seed.length + 64);
        int cut = r.nextInt(10) == 0 ? r.nextInt(seed.length + 1) : seed.length;
        byte[][] junk = {"\"".getBytes(), {0}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xC3}, {(byte) 0xFF, (byte) 0xFE},
                ";".getBytes(), "\r".getBytes(), "\n\n".getBytes(), ",,,,".getBytes(), "{".getBytes(), "]".getBytes(),
                "\"\"\"".getBytes(), "1e999999".getBytes(), "-".getBytes(), "=cmd|' /C calc'!A0".getBytes()};
        for (int i = 0; i < cut; i++) {
            int roll = r.nextInt(400);
            if (roll == 0) {
                out.writeBytes(junk[r.nextInt(junk.length)]);
            } else if (roll == 1) {
                continue; // drop a byte
            } else if (roll == 2) {
                out.write(r.nextInt(256));
                continue;
            }
            out.write(seed[i]);
        }
        return out.toByteArray();
    }

    static byte[] zip(Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bos.toByteArray();
    }

    record Call(String method, String path, String type, byte[] body, boolean auth) {
    }

    static Call input(int i) throws Exception {
        Random r = new Random(i);
        int kind = i % 10;
        if (kind < 4) {
            return new Call("POST", "/api/validate", "text/csv", mutate(csvSeeds.get(r.nextInt(csvSeeds.size())), r), false);
        }
        if (kind < 7) {
            return new Call("POST", "/api/validate", "application/json",
                    mutate(descriptorSeeds.get(r.nextInt(descriptorSeeds.size())), r), false);
        }
        if (kind < 9) {
            byte[] descriptor = mutate(descriptorSeeds.get(r.nextInt(descriptorSeeds.size())), r);
            byte[] csv = mutate(csvSeeds.get(r.nextInt(csvSeeds.size())), r);
            String[] names = {"data.csv", "budget.csv", "../escape.csv", "/abs.csv", "data/x.csv", "dataset.csv"};
            byte[] z = zip(Map.of("datapackage.json", descriptor, names[r.nextInt(names.length)], csv));
            if (r.nextInt(5) == 0) {
                z = mutate(z, r);
            }
            String path = r.nextBoolean() ? "/api/validate" : "/api/datasets/fuzz/b" + (i % 7);
            return new Call(path.startsWith("/api/validate") ? "POST" : "PUT", path, "application/zip", z, true);
        }
        return new Call("POST", "/api/uploads?name=x.csv", "text/csv", mutate(csvSeeds.get(r.nextInt(csvSeeds.size())), r), true);
    }

    @Test
    void tenThousandMalformedInputsGetReportsOrProblemsNever5xx() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicLong maxHeap = new AtomicLong();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                fs.add(pool.submit(() -> {
                    for (int i = offset; i < INPUTS; i += 4) {
                        Call c = input(i);
                        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + c.path()))
                                .timeout(Duration.ofSeconds(60)).header("Content-Type", c.type())
                                .method(c.method(), HttpRequest.BodyPublishers.ofByteArray(c.body()));
                        if (c.auth()) {
                            b.header("Authorization", "Bearer " + token);
                        }
                        HttpResponse<byte[]> res = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                        statuses.computeIfAbsent(res.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                        String ct = res.headers().firstValue("content-type").orElse("");
                        boolean ok = res.statusCode() < 500 && ct.contains("json");
                        if (ok) {
                            JsonNode n = Json.parse(res.body(), "response");
                            ok = res.statusCode() >= 400 ? n.hasNonNull("code") && n.hasNonNull("detail")
                                    : n.has("valid") || n.has("id") || n.has("columns");
                        }
                        if (!ok && failures.size() < 20) {
                            String text = new String(res.body(), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
                            failures.add("input " + i + " " + c.method() + " " + c.path() + " -> " + res.statusCode() + " "
                                    + text.substring(0, Math.min(300, text.length())));
                        }
                        Runtime rt = Runtime.getRuntime();
                        maxHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("battery statuses: " + statuses + ", max heap used " + (maxHeap.get() >> 20) + " MiB");
        assertThat(failures).isEmpty();
        assertThat(statuses.keySet()).allMatch(s -> s < 500);
        assertThat(statuses.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(INPUTS);
        // Bounded: the whole battery stays far under the test JVM's 1 GiB heap.
        assertThat(maxHeap.get()).isLessThan(900L << 20);
    }

    @Test
    void bodiesArrivingTooSlowlyAreCutOff() throws Exception {
        long started = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = null;
            // A slow-loris client: a few bytes now and then, far below the minimum data rate.
            for (int i = 0; i < 60 && answer == null; i++) {
                try {
                    out.write("a,b\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (java.io.IOException closed) {
                    answer = "closed";
                    break;
                }
                Thread.sleep(500);
                if (in.available() > 0) {
                    answer = new String(in.readNBytes(in.available()), StandardCharsets.UTF_8);
                }
            }
            assertThat(answer).as("the server never cut the slow body off").isNotNull();
            if (!answer.equals("closed")) {
                assertThat(answer).startsWith("HTTP/1.1 408");
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void oversizedUploadsAre413BeforeTheBodyIsRead() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /api/validate HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
                    + "Content-Length: 999999999\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            byte[] head = s.getInputStream().readNBytes(12);
            assertThat(new String(head, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 413");
        }
    }
}
