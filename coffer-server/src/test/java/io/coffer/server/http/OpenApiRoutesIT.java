package io.coffer.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.meta.auth.OidcLogin;
import io.coffer.model.Json;
import io.coffer.server.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * docs/openapi.yaml, as served at /api/openapi.json, against the routes the running server registered:
 * every API route is documented and every documented operation is served, so the document cannot drift
 * from the code in either direction.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiRoutesIT {
    /**
     * Pages for people, not API: deliberately left out of the document. Every entry must still be
     * registered, so a removed page does not leave a stale exception behind.
     */
    static final Set<String> HTML_PAGES = Set.of(
            "GET /",                             // front page: the dataset catalogue
            "GET /d/{owner}/{name}",             // a dataset's page
            "GET /embed/{owner}/{name}/{view}",  // a chart or table for iframes
            "GET /publish",                      // the upload wizard's page (its API, /api/uploads, is documented)
            "GET /static/{path}");               // the pages' CSS, scripts and images

    static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    TestServer server;
    Set<String> registered;
    JsonNode doc;

    @BeforeAll
    void start() throws Exception {
        // Started as `coffer serve` starts (TestServer: accounts, events, webhooks), with OpenID Connect on as
        // with COFFER_OIDC_ISSUER set, so every optional route group is registered. The provider is only
        // contacted at a login, never here. An api-only node: no background work is needed to list routes.
        server = TestServer.builder().roles("api")
                .oidc(db -> new OidcLogin(new OidcLogin.Config(URI.create("http://127.0.0.1:9/never-contacted"),
                        "coffer", "secret", URI.create("http://127.0.0.1/api/auth/oidc/callback")), db))
                .start();
        registered = new TreeSet<>();
        server.server().routes().forEach(r -> registered.add(r.getKey() + " " + normalize(r.getValue())));
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                server.uri("/api/openapi.json")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        doc = Json.parse(r.body(), "openapi.json");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Javalin's {@code <param>} (may contain slashes) is OpenAPI's {@code {param}}; {@code {param}} is the same in both. */
    static String normalize(String javalinPath) {
        return javalinPath.replaceAll("<([^>]+)>", "{$1}");
    }

    Set<String> documented() {
        Set<String> ops = new TreeSet<>();
        doc.path("paths").properties().forEach(p -> METHODS.forEach(m -> {
            if (p.getValue().has(m)) {
                ops.add(m.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey());
            }
        }));
        return ops;
    }

    @Test
    void theServerRegistersEveryRouteGroup() {
        // Guards the set-up: without accounts, events or OIDC whole groups would silently go unchecked.
        assertThat(registered).contains("POST /api/uploads", "POST /api/webhooks", "GET /api/auth/oidc/login",
                "GET /admin/usage", "GET /api/3/cubes/{cube}/aggregate", "GET /api/changes/stream",
                "HEAD /datasets/{owner}/{name}/{path}");
    }

    @Test
    void everyRegisteredApiRouteIsDocumented() {
        Set<String> missing = new TreeSet<>(registered);
        missing.removeAll(HTML_PAGES);
        missing.removeAll(documented());
        assertThat(missing).as("routes the server serves that docs/openapi.yaml lacks").isEmpty();
    }

    @Test
    void everyDocumentedOperationIsServed() {
        Set<String> extra = new TreeSet<>(documented());
        extra.removeAll(registered);
        assertThat(extra).as("operations in docs/openapi.yaml the server does not serve").isEmpty();
    }

    @Test
    void theHtmlPagesAreServedAndLeftOutOfTheDocument() {
        assertThat(registered).as("stale entries in HTML_PAGES").containsAll(HTML_PAGES);
        assertThat(documented()).as("HTML pages do not belong in the API document").doesNotContainAnyElementsOf(HTML_PAGES);
    }

    @Test
    void everyPathParameterIsDeclaredAndEveryRefResolves() {
        List<String> problems = new ArrayList<>();
        Pattern param = Pattern.compile("\\{([^}]+)}");
        doc.path("paths").properties().forEach(p -> {
            Set<String> atPath = pathParams(p.getValue().path("parameters"));
            METHODS.stream().filter(m -> p.getValue().has(m)).forEach(m -> {
                Set<String> declared = new TreeSet<>(atPath);
                declared.addAll(pathParams(p.getValue().path(m).path("parameters")));
                Matcher x = param.matcher(p.getKey());
                while (x.find()) {
                    if (!declared.remove(x.group(1))) {
                        problems.add(m + " " + p.getKey() + ": {" + x.group(1) + "} is not declared in: path");
                    }
                }
                declared.forEach(d -> problems.add(m + " " + p.getKey() + ": path parameter " + d + " is not in the path"));
                if (!p.getValue().path(m).path("responses").isObject()) {
                    problems.add(m + " " + p.getKey() + ": no responses");
                }
            });
        });
        refs(doc, problems);
        assertThat(problems).isEmpty();
    }

    private Set<String> pathParams(JsonNode parameters) {
        Set<String> names = new TreeSet<>();
        for (JsonNode p : parameters) {
            JsonNode resolved = p.has("$ref") ? resolve(p.get("$ref").asText()) : p;
            if (resolved != null && "path".equals(resolved.path("in").asText())) {
                names.add(resolved.path("name").asText());
            }
        }
        return names;
    }

    private JsonNode resolve(String ref) {
        if (!ref.startsWith("#/")) {
            return null;
        }
        JsonNode n = doc.at(ref.substring(1));
        return n.isMissingNode() ? null : n;
    }

    private void refs(JsonNode n, List<String> problems) {
        if (n.isObject()) {
            JsonNode ref = n.get("$ref");
            if (ref != null && ref.isTextual() && resolve(ref.asText()) == null) {
                problems.add("unresolved $ref " + ref.asText());
            }
            n.forEach(c -> refs(c, problems));
        } else if (n.isArray()) {
            n.forEach(c -> refs(c, problems));
        }
    }
}
