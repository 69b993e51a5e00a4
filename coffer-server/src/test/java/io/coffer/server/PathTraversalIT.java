package io.coffer.server;

import io.coffer.testing.Corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.store.PackageSource;
import io.coffer.store.fs.FileSystemBlobStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests are sent as raw bytes so no client library normalises the path first. Every attempt must be
 * refused with 400 and must neither reveal nor create anything outside the store.
 */
class PathTraversalIT {
    @TempDir
    static Path tmp;
    static DataStore store;
    static TestServer server;
    static final String SECRET = "TOP-SECRET-OUTSIDE-THE-STORE";

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.createDirectories(tmp.resolve("store/datasets/ukgov"));
        Files.writeString(tmp.resolve("store/datasets/ukgov/secret.txt"), SECRET);
        store = new DataStore(new FileSystemBlobStore(tmp.resolve("store")));
        store.publish(DatasetId.of("ukgov", "cra"), PackageSource.directory(Corpus.get("ukgov-cra-sample")));
        server = TestServer.start(store);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    static String raw(String target) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<Path> filesOutsideStore() throws Exception {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.filter(p -> !p.startsWith(tmp.resolve("store"))).sorted().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/datasets/ukgov/cra/../../../secret.txt",
            "/datasets/ukgov/cra/..%2f..%2f..%2fsecret.txt",
            "/datasets/ukgov/cra/%2e%2e/%2e%2e/secret.txt",
            "/datasets/ukgov/%2e%2e/secret.txt",
            "/datasets/%2e%2e/ukgov/secret.txt",
            "/datasets/ukgov/cra/%2E%2E%2F%2E%2E%2Fsecret.txt",
            "/datasets/ukgov/cra//etc/passwd",
            "/datasets/ukgov/cra/%2fetc%2fpasswd",
            "/datasets/ukgov/cra/data%00.csv",
            "/datasets/ukgov/cra/dataset.csv%00.json",
            "/datasets/ukgov/cra/..%5c..%5csecret.txt",
            "/datasets/ukgov/cra/@1/../../secret.txt",
            "/datasets/ukgov/cra/@1/%2e%2e/secret.txt",
            "/datasets/..;/ukgov/cra/dataset.csv",
            "/datasets/ukgov/cra;/../secret.txt",
            "/api/datasets/ukgov/%2e%2e",
            "/api/datasets/%2e%2e/cra",
            "/api/datasets/ukgov/cra%00",
            "/datasets/ukgov/cra/C:%5csecret.txt",
            "/datasets/ukgov/cra/%2Fetc/passwd",
    })
    void traversalIsRefusedWith400AndTouchesNothing(String target) throws Exception {
        List<Path> before = filesOutsideStore();
        String response = raw(target);
        String statusLine = response.substring(0, response.indexOf("\r\n"));
        assertThat(statusLine).as(target).isEqualTo("HTTP/1.1 400 Bad Request");
        assertThat(response).doesNotContain(SECRET);
        assertThat(response).contains("application/problem+json");
        assertThat(filesOutsideStore()).isEqualTo(before);
    }

    @Test
    void theNormalPathStillWorks() throws Exception {
        String response = raw("/datasets/ukgov/cra/datapackage.json");
        assertThat(response).startsWith("HTTP/1.1 200 OK");
    }
}
