package io.coffer.client;

import io.coffer.server.TestServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.meta.MetaDb;
import io.coffer.meta.Scope;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.store.DataStore;
import io.coffer.store.memory.InMemoryBlobStore;
import io.coffer.testing.Corpus;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against the real server on port 0: publish, read, download, aggregate, validate, errors,
 * publishes that expect a revision, and uploads over the server's limit. (A package larger than the client's
 * heap: {@link CofferClientLargeUploadIT}.)
 */
class CofferClientIT {
    @Test
    void roundTripThroughTheRealServer() throws Exception {
        MetaDb db = MetaDb.inMemory("client-" + System.nanoTime());
        DataStore store = new DataStore(new InMemoryBlobStore("client-" + System.nanoTime()));
        Security sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "pub", "publisher-password-1".toCharArray(), false);
        sec.accounts().createOrg(Principal.session("pub", false), "ukgov");
        String token = sec.accounts().createToken(Principal.SYSTEM, "pub", Scope.PUBLISH, "ukgov", null,
                Instant.now().plus(Duration.ofDays(1)), "client test").secret();
        try (TestServer server = TestServer.builder().store(store).db(db).maxUploadBytes(64L << 20).uploadDir(Files.createTempDirectory("client")).start()) {
            URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
            CofferClient publisher = CofferClient.withToken(base, token);
            CofferClient reader = CofferClient.of(base);
            DatasetId id = DatasetId.of("ukgov", "cra");

            assertThat(publisher.validate(Corpus.get("ukgov-cra-sample")).path("valid").asBoolean()).isTrue();
            CofferClient.Published p = publisher.publish(id, Corpus.get("ukgov-cra-sample"));
            assertThat(p.revision()).isEqualTo(1);

            assertThat(reader.datasets()).extracting(CofferClient.DatasetSummary::id).containsExactly(id);
            CofferClient.Dataset d = reader.dataset(id, null);
            assertThat(d.files()).extracting(CofferClient.FileInfo::path).contains("dataset.csv");
            assertThat(reader.revisions(id)).hasSize(1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            reader.download(id, 1L, "dataset.csv", out);
            assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(Corpus.get("ukgov-cra-sample").resolve("dataset.csv")));

            CofferClient.Aggregate a = reader.aggregate(id, null, "cofog1.name", null, "amount.sum:desc");
            assertThat(a.summary().get("amount.sum")).isEqualByComparingTo(new BigDecimal("12008553000.04"));
            assertThat(a.cells()).anySatisfy(c -> {
                assertThat(c.members().get("cofog1.name")).isEqualTo("01");
                assertThat(c.values().get("amount.sum")).isEqualByComparingTo("4332373000.04");
            });

            assertThatThrownBy(() -> reader.dataset(DatasetId.of("nobody", "none"), null))
                    .isInstanceOf(CofferException.class).extracting(e -> ((CofferException) e).code())
                    .isEqualTo(ErrorCode.NOT_FOUND);
            assertThatThrownBy(() -> reader.publish(DatasetId.of("ukgov", "x"), Corpus.get("ukgov-cra-sample")))
                    .isInstanceOf(CofferException.class).extracting(e -> ((CofferException) e).code())
                    .isEqualTo(ErrorCode.UNAUTHENTICATED);
            assertThat(publisher.toString()).doesNotContain(token);
        } finally {
            store.close();
            db.close();
        }
    }

    @Test
    void publishWithAnExpectedRevisionOnlyWinsOverThatRevision() throws Exception {
        MetaDb db = MetaDb.inMemory("client-expect-" + System.nanoTime());
        DataStore store = new DataStore(new InMemoryBlobStore("client-expect-" + System.nanoTime()));
        Security sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "pub", "publisher-password-1".toCharArray(), false);
        sec.accounts().createOrg(Principal.session("pub", false), "ukgov");
        String token = sec.accounts().createToken(Principal.SYSTEM, "pub", Scope.PUBLISH, "ukgov", null,
                Instant.now().plus(Duration.ofDays(1)), "client test").secret();
        try (TestServer server = TestServer.builder().store(store).db(db).maxUploadBytes(64L << 20).uploadDir(Files.createTempDirectory("client")).start()) {
            CofferClient publisher = CofferClient.withToken(URI.create("http://127.0.0.1:" + server.port()), token);
            DatasetId id = DatasetId.of("ukgov", "cra");
            Path pkg = Corpus.get("ukgov-cra-sample");

            // 0: create only.
            assertThat(publisher.publish(id, pkg, 0).revision()).isEqualTo(1);
            assertThatThrownBy(() -> publisher.publish(id, pkg, 0)).isInstanceOf(CofferException.class)
                    .hasMessageContaining("is at revision 1, not 0")
                    .extracting(e -> ((CofferException) e).code()).isEqualTo(ErrorCode.CONFLICT);

            CofferClient.Dataset read = publisher.dataset(id, null);
            assertThat(read.latestRevision()).isEqualTo(1);
            assertThat(read.etag()).isEqualTo("\"r1\"");
            // Two writers that both read revision 1: the first wins, the second must not overwrite it unseen.
            assertThat(publisher.publish(id, pkg, read.latestRevision()).revision()).isEqualTo(2);
            assertThatThrownBy(() -> publisher.publish(id, pkg, read.latestRevision()))
                    .isInstanceOf(CofferException.class).hasMessageContaining("is at revision 2, not 1")
                    .extracting(e -> ((CofferException) e).code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(publisher.dataset(id, 1L).etag()).as("the ETag is the latest revision's").isEqualTo("\"r2\"");

            // At the same moment: exactly one of the writers expecting revision 2 publishes.
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Long>> tries = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    tries.add(pool.submit(() -> publisher.publish(id, pkg, 2).revision()));
                }
                int won = 0;
                for (Future<Long> f : tries) {
                    try {
                        assertThat(f.get()).isEqualTo(3);
                        won++;
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(CofferException.class);
                        assertThat(((CofferException) e.getCause()).code()).isEqualTo(ErrorCode.CONFLICT);
                    }
                }
                assertThat(won).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
            assertThat(publisher.revisions(id)).hasSize(3);
            assertThatThrownBy(() -> publisher.publish(id, pkg, -1)).isInstanceOf(IllegalArgumentException.class);
        } finally {
            store.close();
            db.close();
        }
    }

    @Test
    void uploadsOverTheServersLimitArePayloadTooLarge(@TempDir Path tmp) throws Exception {
        MetaDb db = MetaDb.inMemory("client-limit-" + System.nanoTime());
        DataStore store = new DataStore(new InMemoryBlobStore("client-limit-" + System.nanoTime()));
        Security sec = new Security(db, store);
        sec.accounts().createUser(Principal.SYSTEM, "pub", "publisher-password-1".toCharArray(), false);
        sec.accounts().createOrg(Principal.session("pub", false), "ukgov");
        String token = sec.accounts().createToken(Principal.SYSTEM, "pub", Scope.PUBLISH, "ukgov", null,
                Instant.now().plus(Duration.ofDays(1)), "client test").secret();
        long limit = 16L << 20;
        Random random = new Random(42);
        // Random bytes do not compress: the zip's Content-Length is over the limit, refused before the body is read.
        Path incompressible = pkg(tmp.resolve("incompressible"), out -> {
            byte[] buf = new byte[1 << 20];
            for (int i = 0; i < 20; i++) {
                random.nextBytes(buf);
                out.write(buf);
            }
        });
        // Hex digits halve: a 15 MB zip (under the limit) of 24 MB (over it), refused while the body is being sent.
        Path unpacksTooLarge = pkg(tmp.resolve("unpacks"), out -> {
            byte[] line = new byte[41];
            line[40] = '\n';
            for (int i = 0; i < 600_000; i++) {
                for (int j = 0; j < 40; j++) {
                    line[j] = (byte) "0123456789abcdef".charAt(random.nextInt(16));
                }
                out.write(line);
            }
        });
        Path small = pkg(tmp.resolve("small"), out -> out.write("1\n2\n".getBytes(StandardCharsets.US_ASCII)));
        try (TestServer server = TestServer.builder().store(store).db(db).maxUploadBytes(limit).uploadDir(tmp.resolve("uploads")).start()) {
            CofferClient publisher = CofferClient.withToken(URI.create("http://127.0.0.1:" + server.port()), token);
            DatasetId id = DatasetId.of("ukgov", "limits");

            assertThatThrownBy(() -> publisher.publish(id, incompressible)).isInstanceOf(CofferException.class)
                    .hasMessageContaining("limited to " + limit)
                    .extracting(e -> ((CofferException) e).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
            assertThatThrownBy(() -> publisher.publish(id, unpacksTooLarge)).isInstanceOf(CofferException.class)
                    .hasMessageContaining(Long.toString(limit))
                    .extracting(e -> ((CofferException) e).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
            assertThatThrownBy(() -> publisher.validate(incompressible.resolve("data.csv")))
                    .isInstanceOf(CofferException.class)
                    .extracting(e -> ((CofferException) e).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
            assertThatThrownBy(() -> publisher.validate(unpacksTooLarge)).isInstanceOf(CofferException.class)
                    .extracting(e -> ((CofferException) e).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);

            // The refusals leave nothing behind that breaks the next request on the same client.
            assertThat(publisher.publish(id, small).revision()).isEqualTo(1);
            assertThat(publisher.dataset(id, null).files()).extracting(CofferClient.FileInfo::path).contains("data.csv");
        } finally {
            store.close();
            db.close();
        }
    }

    @Test
    void aProxysBare413IsPayloadTooLarge() {
        CofferException e = CofferClient.problem(413, "<html><h1>413 Request Entity Too Large</h1></html>".getBytes(
                StandardCharsets.UTF_8));
        assertThat(e.code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(e.getMessage()).contains("413");
    }

    @Test
    void theZipHoldsRegularFilesAndLinksThatStayInsideThePackage(@TempDir Path tmp) throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "not for publishing");
        Path pkg = Files.createDirectories(tmp.resolve("pkg"));
        Files.writeString(pkg.resolve("datapackage.json"), "{}");
        Files.writeString(pkg.resolve("data.csv"), "a\n1\n");
        Files.writeString(Files.createDirectories(pkg.resolve("docs")).resolve("notes.txt"), "notes");
        try {
            Files.createSymbolicLink(pkg.resolve("alias.csv"), Path.of("data.csv"));
            Files.createSymbolicLink(pkg.resolve("secret.txt"), outside.resolve("secret.txt"));
            Files.createSymbolicLink(pkg.resolve("outdir"), outside);
            Files.createSymbolicLink(pkg.resolve("dangling"), Path.of("nowhere"));
        } catch (UnsupportedOperationException | IOException e) {
            Assumptions.abort("no symbolic links here: " + e);
        }
        Path zip = tmp.resolve("p.zip");
        long unpacked = CofferClient.writeZip(pkg, zip);

        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
                if (e.getName().equals("alias.csv")) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("a\n1\n");
                }
            }
        }
        assertThat(names).containsExactly("alias.csv", "data.csv", "datapackage.json", "docs/notes.txt");
        assertThat(unpacked).isEqualTo(4 + 4 + 2 + 5);
    }

    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** A one-resource package whose data.csv (header "a") continues with what {@code body} writes. */
    private static Path pkg(Path dir, Writer body) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("datapackage.json"), """
                {"name": "t", "resources": [{"name": "r", "path": "data.csv", "schema": {"fields": [{"name": "a"}]}}]}
                """);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("data.csv")))) {
            out.write("a\n".getBytes(StandardCharsets.US_ASCII));
            body.write(out);
        }
        return dir;
    }
}
