package io.coffer.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.meta.MetaDb;
import io.coffer.meta.auth.OidcLogin;
import io.coffer.meta.auth.Security;
import io.coffer.model.Json;
import io.coffer.server.http.CofferServer;
import io.coffer.server.http.ServerSecurity;
import io.coffer.store.DataStore;
import io.coffer.store.memory.InMemoryBlobStore;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** OpenID Connect login (authorization code + PKCE) against an in-process mock provider. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OidcLoginIT {
    static final String CLIENT = "coffer-client";
    MockOAuth2Server provider;
    MetaDb db;
    DataStore store;
    CofferServer server;
    Path uploads;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    void start() throws Exception {
        provider = new MockOAuth2Server();
        provider.start();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        db = TestDatabases.h2();
        store = new DataStore(new InMemoryBlobStore("oidc-test"));
        uploads = Files.createTempDirectory("coffer-oidc");
        OidcLogin oidc = new OidcLogin(new OidcLogin.Config(provider.issuerUrl("default").uri(), CLIENT, "client-secret",
                URI.create("http://127.0.0.1:" + port + "/api/auth/oidc/callback")), db);
        server = new CofferServer(store, new ServerSecurity(new Security(db, store), 1 << 20, uploads, false, oidc),
                "127.0.0.1", port).start();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        provider.shutdown();
        db.close();
        Files.deleteIfExists(uploads);
    }

    HttpResponse<String> get(String url, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.startsWith("/") ? "http://127.0.0.1:" + server.port()
                + url : url));
        if (cookie != null) {
            b.header("Cookie", "coffer_session=" + cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> query(String uri) {
        Map<String, String> q = new HashMap<>();
        for (String kv : URI.create(uri).getRawQuery().split("&")) {
            String[] p = kv.split("=", 2);
            q.put(p[0], URLDecoder.decode(p.length > 1 ? p[1] : "", StandardCharsets.UTF_8));
        }
        return q;
    }

    /** Browser steps: our login -> provider's authorize (auto-approves) -> our callback. Returns the callback URL. */
    String throughTheProvider(String subject, String username) throws Exception {
        provider.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, "JWT", List.of(CLIENT),
                Map.of("preferred_username", username), 3600));
        HttpResponse<String> start = get("/api/auth/oidc/login", null);
        assertThat(start.statusCode()).isEqualTo(302);
        String authorize = start.headers().firstValue("location").orElseThrow();
        Map<String, String> q = query(authorize);
        assertThat(q).containsEntry("code_challenge_method", "S256").containsEntry("client_id", CLIENT)
                .containsKeys("state", "nonce", "code_challenge");
        HttpResponse<String> approved = get(authorize, null);
        assertThat(approved.statusCode()).isEqualTo(302);
        String callback = approved.headers().firstValue("location").orElseThrow();
        assertThat(callback).startsWith("http://127.0.0.1:" + server.port() + "/api/auth/oidc/callback?");
        return callback;
    }

    @Test
    void firstLoginCreatesAUserLaterLoginsFindItAndStatesAreSingleUse() throws Exception {
        String callback = throughTheProvider("sub-42", "Alice Example");
        HttpResponse<String> done = get(callback, null);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        assertThat(done.headers().firstValue("location")).hasValue("/api/auth/session");
        String cookie = AuthServerContract.sessionCookie(done);
        assertThat(done.headers().allValues("set-cookie").toString()).contains("HttpOnly");
        JsonNode session = Json.parse(get("/api/auth/session", cookie).body().getBytes(StandardCharsets.UTF_8), "session");
        assertThat(session.path("user").asText()).isEqualTo("alice-example");
        assertThat(session.path("csrfToken").asText()).isNotEmpty();

        // A replayed callback (same state and code) is refused.
        assertThat(get(callback, null).statusCode()).isEqualTo(401);

        // The same identity logs in again as the same user, with a new session id.
        HttpResponse<String> again = get(throughTheProvider("sub-42", "renamed"), cookie);
        String second = AuthServerContract.sessionCookie(again);
        assertThat(second).isNotEqualTo(cookie);
        assertThat(get("/api/auth/session", second).body()).contains("alice-example");
        assertThat(get("/api/auth/session", cookie).body()).contains("\"authenticated\" : false");

        // Another identity with a clashing name gets a distinct user.
        HttpResponse<String> other = get(throughTheProvider("sub-43", "Alice Example"), null);
        String user = Json.parse(get("/api/auth/session", AuthServerContract.sessionCookie(other)).body()
                .getBytes(StandardCharsets.UTF_8), "s").path("user").asText();
        assertThat(user).startsWith("alice-example-").isNotEqualTo("alice-example");
    }

    @Test
    void forgedStatesAndProviderErrorsAreRefused() throws Exception {
        assertThat(get("/api/auth/oidc/callback?code=x&state=forged", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/auth/oidc/callback?error=access_denied&state=x", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/auth/oidc/callback", null).statusCode()).isEqualTo(401);
    }
}
