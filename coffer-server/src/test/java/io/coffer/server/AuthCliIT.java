package io.coffer.server;

import io.coffer.testing.Corpus;
import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.meta.MetaDb;
import io.coffer.meta.auth.Security;
import io.coffer.server.cli.CofferCli;
import io.coffer.server.http.ServerSecurity;
import io.coffer.store.DataStore;
import io.coffer.store.Stores;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The account commands on the default embedded database, and `coffer publish --remote` to a real server. */
class AuthCliIT {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    Result run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CofferCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
        try {
            return new Result(cl.execute(args), out.toString(), err.toString());
        } finally {
            System.setIn(saved);
        }
    }

    String store() {
        return tmp.resolve("store").toString();
    }

    @Test
    void accountsTokensAndRemotePublishFromTheCommandLine() throws Exception {
        String pw = "a long admin password";
        assertThat(run(pw + "\n", "user", "add", "ada", "--admin", "--password-stdin", "--store", store()).out())
                .contains("created user ada (admin)");
        assertThat(run("editor password 1\n", "user", "add", "eddie", "--password-stdin", "--store", store()).code()).isZero();
        // Never a password argument, and no terminal here: refused as a usage error.
        Result noStdin = run(null, "user", "add", "nopw", "--store", store());
        assertThat(noStdin.code()).isEqualTo(CofferCli.USAGE);
        assertThat(noStdin.err()).contains("--password-stdin");
        assertThat(run("short\n", "user", "add", "weak", "--password-stdin", "--store", store()).err()).contains("at least 10");
        assertThat(run(null, "org", "add", "ukgov", "--owner", "ada", "--store", store()).out())
                .contains("created organization ukgov owned by ada");
        assertThat(run(null, "org", "member", "add", "ukgov", "eddie", "--role", "editor", "--store", store()).out())
                .contains("eddie is editor of ukgov");
        assertThat(run(null, "org", "member", "ls", "ukgov", "--store", store()).out()).contains("ada").contains("editor");
        assertThat(run(null, "user", "ls", "--store", store()).out()).contains("ada  (admin)").contains("eddie");

        Result created = run(null, "token", "create", "--user", "eddie", "--scope", "publish", "--owner", "ukgov",
                "--expires", "1d", "--store", store());
        assertThat(created.code()).as(created.err()).isZero();
        String secret = created.out().strip();
        assertThat(secret).startsWith("coffer_").hasSize(50);
        Matcher m = Pattern.compile("token (t[0-9a-f]{16}) for eddie").matcher(created.err());
        assertThat(m.find()).isTrue();
        String tokenId = m.group(1);
        Path tokenFile = tmp.resolve("token");
        Files.writeString(tokenFile, secret + "\n");
        Result readOnly = run(null, "token", "create", "--user", "eddie", "--scope", "read", "--owner", "ukgov",
                "--store", store());
        Path readTokenFile = tmp.resolve("read-token");
        Files.writeString(readTokenFile, readOnly.out());
        assertThat(run(null, "token", "create", "--user", "eddie", "--scope", "publish", "--owner", "ada",
                "--store", store()).err()).contains("has no editor role in 'ada'");

        try (DataStore ds = Stores.open(store(), Map.of());
             MetaDb db = MetaDb.open(MetaDb.urlFor(Stores.toUri(store()), null), null, null);
             TestServer server = TestServer.builder().store(ds).db(db).maxUploadBytes(ServerSecurity.DEFAULT_MAX_UPLOAD_BYTES).uploadDir(tmp.resolve("uploads")).start()) {
            String url = "http://127.0.0.1:" + server.port();
            Path src = Corpus.get("ukgov-cra-sample");
            Result pub = run(null, "publish", src.toString(), "--owner", "ukgov", "--remote", url, "--token-file",
                    tokenFile.toString());
            assertThat(pub.code()).as(pub.err()).isZero();
            assertThat(pub.out()).contains("published ukgov/ukgov-finances-cra revision 1 (2 files");
            assertThat(pub.out() + pub.err()).doesNotContain(secret);
            HttpResponse<byte[]> csv = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url
                    + "/datasets/ukgov/ukgov-finances-cra/dataset.csv")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(csv.body()).isEqualTo(Files.readAllBytes(src.resolve("dataset.csv")));
            assertThat(run(null, "publish", src.toString(), "--owner", "ukgov", "--remote", url, "--token-file",
                    tokenFile.toString(), "--private").out()).contains("revision 2");
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url
                    + "/api/datasets/ukgov/ukgov-finances-cra")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(404);

            Result wrongScope = run(null, "publish", src.toString(), "--owner", "ukgov", "--remote", url, "--token-file",
                    readTokenFile.toString());
            assertThat(wrongScope.code()).isEqualTo(CofferCli.FAILED);
            assertThat(wrongScope.err()).contains("scope is read");
            Result otherOwner = run(null, "publish", src.toString(), "--owner", "core", "--remote", url, "--token-file",
                    tokenFile.toString());
            assertThat(otherOwner.err()).contains("limited to ukgov");
            Result noToken = run(null, "publish", src.toString(), "--owner", "ukgov", "--remote", url);
            if (System.getenv("COFFER_TOKEN") == null) {
                assertThat(noToken.err()).contains("needs an API token");
            }

            assertThat(run(null, "token", "ls", "--user", "eddie", "--store", store()).out()).contains(tokenId)
                    .doesNotContain(secret);
            assertThat(run(null, "token", "revoke", tokenId, "--store", store()).out()).contains("revoked " + tokenId);
            Result revoked = run(null, "publish", src.toString(), "--owner", "ukgov", "--remote", url, "--token-file",
                    tokenFile.toString());
            assertThat(revoked.code()).isEqualTo(CofferCli.FAILED);
            assertThat(revoked.err()).contains("revoked").doesNotContain(secret);
            assertThat(ds.revisions(io.coffer.model.DatasetId.of("ukgov", "ukgov-finances-cra"))).hasSize(2);
        }
    }
}
