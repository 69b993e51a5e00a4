package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.DatasetId;
import io.coffer.server.TestServer;
import io.coffer.store.DataStore;
import io.coffer.store.FileEntry;
import io.coffer.store.PackageSource;
import io.coffer.store.Revision;
import io.coffer.store.fs.FileSystemBlobStore;
import io.coffer.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every stored file downloaded as a browser does (Accept-Encoding: gzip) and as a plain client does, whole and
 * byte-identical (SHA-256), with HEAD, Range and If-None-Match still right. Guards the bug where a compressed
 * response kept the file's Content-Length and was cut short (or failed with 500).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileDownloadIT {
    /** Small, medium and multi-megabyte CSVs (past any compression buffer), and their descriptors. */
    static final List<String> DATASETS = List.of("ukgov-cra-sample", "demo-openspending-macedonia",
            "demo-madrid-municipal-gastos");

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Path tmp;
    DataStore store;
    TestServer server;
    final List<Revision> revisions = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("coffer-download");
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        for (String name : DATASETS) {
            revisions.add(store.publish(DatasetId.of("test", name), PackageSource.directory(Corpus.get(name))));
        }
        server = TestServer.start(store);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    Stream<Arguments> files() {
        assertThat(revisions).hasSize(DATASETS.size());
        List<Arguments> out = new ArrayList<>();
        for (Revision r : revisions) {
            assertThat(r.files()).as("files of " + r.dataset()).isNotEmpty();
            for (FileEntry f : r.files()) {
                out.add(Arguments.of(r.dataset().toString(), f.path()));
            }
        }
        out.add(Arguments.of("registry", "datapackage.json"));
        out.add(Arguments.of("registry", "data/catalog.csv"));
        return out.stream();
    }

    String path(String dataset, String file) {
        return dataset.equals("registry") ? "/registry/" + file : "/datasets/" + dataset + "/" + file;
    }

    /** What the server must send: the stored file (for the registry, what it sends without gzip). */
    byte[] expected(String dataset, String file) throws Exception {
        if (dataset.equals("registry")) {
            HttpResponse<byte[]> plain = get(path(dataset, file), "identity");
            assertThat(plain.statusCode()).isEqualTo(200);
            return plain.body();
        }
        DatasetId id = DatasetId.of(dataset.split("/")[0], dataset.split("/")[1]);
        Revision r = store.revision(id, null);
        try (InputStream in = store.open(r, file)) {
            byte[] bytes = in.readAllBytes();
            assertThat(sha256(bytes)).as("stored " + file).isEqualTo(r.file(file).orElseThrow().sha256());
            return bytes;
        }
    }

    HttpResponse<byte[]> get(String path, String encoding, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).header("Accept-Encoding", encoding);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The body as the client sees it after undoing Content-Encoding, checked against Content-Length. */
    static byte[] decoded(HttpResponse<byte[]> r) throws Exception {
        r.headers().firstValueAsLong("Content-Length").ifPresent(len ->
                assertThat((long) r.body().length).as("body length vs Content-Length").isEqualTo(len));
        String enc = r.headers().firstValue("Content-Encoding").orElse("identity");
        if (enc.equals("gzip")) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
                return in.readAllBytes();
            }
        }
        assertThat(enc).isEqualTo("identity");
        return r.body();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("files")
    void downloadsWholeWithAndWithoutGzip(String dataset, String file) throws Exception {
        byte[] want = expected(dataset, file);
        for (String encoding : List.of("gzip", "gzip, deflate, br", "identity")) {
            HttpResponse<byte[]> r = get(path(dataset, file), encoding);
            assertThat(r.statusCode()).as(encoding).isEqualTo(200);
            assertThat(sha256(decoded(r))).as(file + " with Accept-Encoding: " + encoding).isEqualTo(sha256(want));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("files")
    void headRangeAndConditionalWithGzip(String dataset, String file) throws Exception {
        byte[] want = expected(dataset, file);
        HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(server.uri(path(dataset, file)))
                .header("Accept-Encoding", "gzip").method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue((long) want.length);
        assertThat(head.body()).isEmpty();
        String etag = head.headers().firstValue("ETag").orElseThrow();

        assertThat(get(path(dataset, file), "gzip", "If-None-Match", etag).statusCode()).isEqualTo(304);

        if (!dataset.equals("registry")) {
            assertThat(etag).isEqualTo("\"" + sha256(want) + "\"");
            int from = want.length / 3;
            int to = Math.min(want.length - 1, from + 70_000);
            HttpResponse<byte[]> part = get(path(dataset, file), "gzip", "Range", "bytes=" + from + "-" + to);
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.headers().firstValue("Content-Range"))
                    .hasValue("bytes " + from + "-" + to + "/" + want.length);
            assertThat(decoded(part)).isEqualTo(java.util.Arrays.copyOfRange(want, from, to + 1));
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
