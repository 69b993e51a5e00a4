package io.coffer.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.model.PackagePath;
import io.coffer.model.Resource;
import io.coffer.store.PackageSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** {@code coffer publish --remote}: zips the package's files and PUTs them to a running server. */
final class RemotePublish {
    private RemotePublish() {
    }

    /** {@code upsert}: the server's merge counts, for {@code --mode upsert}; else null. */
    record Result(long revision, int files, long bytes, JsonNode upsert) {
    }

    static Result publish(PackageSource src, URI remote, DatasetId id, String token, boolean makePrivate)
            throws IOException, InterruptedException {
        return publish(src, remote, id, token, makePrivate, false, null);
    }

    /**
     * {@code breaking}: allow a breaking schema change (the server refuses one otherwise). {@code expectedLatest}:
     * publish only over that revision (0: only create), as {@code If-Match}/{@code If-None-Match}; null: any.
     */
    static Result publish(PackageSource src, URI remote, DatasetId id, String token, boolean makePrivate,
                          boolean breaking, Long expectedLatest)
            throws IOException, InterruptedException {
        return publish(src, remote, id, token, makePrivate, breaking, expectedLatest, false, null, false);
    }

    /**
     * {@code upsert}: the package's keyed data file holds changed and new rows only, and {@code deletes} (may be
     * null) the keys to remove; the server merges them into the latest revision ({@code ?mode=upsert}).
     * {@code allowInvalid}: the server publishes rows that do not match the schema ({@code ?allowInvalid=true}).
     */
    static Result publish(PackageSource src, URI remote, DatasetId id, String token, boolean makePrivate,
                          boolean breaking, Long expectedLatest, boolean upsert, Path deletes, boolean allowInvalid)
            throws IOException, InterruptedException {
        Path zip = Files.createTempFile("coffer-publish-", ".zip");
        try {
            writeZip(src, zip, deletes);
            String base = remote.toString().replaceAll("/+$", "");
            List<String> query = new ArrayList<>();
            if (makePrivate) {
                query.add("visibility=private");
            }
            if (breaking) {
                query.add("breaking=true");
            }
            if (upsert) {
                query.add("mode=upsert");
            }
            if (allowInvalid) {
                query.add("allowInvalid=true");
            }
            URI uri = URI.create(base + "/api/datasets/" + id.owner() + "/" + id.name()
                    + (query.isEmpty() ? "" : "?" + String.join("&", query)));
            HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/zip")
                    .timeout(Duration.ofMinutes(30));
            if (expectedLatest != null) {
                b.header(expectedLatest == 0 ? "If-None-Match" : "If-Match",
                        expectedLatest == 0 ? "*" : "\"r" + expectedLatest + "\"");
            }
            HttpRequest req = b.PUT(HttpRequest.BodyPublishers.ofFile(zip)).build();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body;
            try {
                body = Json.parse(r.body(), "the server's answer");
            } catch (CofferException e) {
                throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "the server answered " + r.statusCode()
                        + " without a Coffer response; is " + base + " a Coffer server?");
            }
            if (r.statusCode() / 100 != 2) {
                java.util.List<String> details = new java.util.ArrayList<>();
                body.path("details").forEach(d -> details.add(d.asText()));
                throw new CofferException(ErrorCode.ofHttp(body.path("code").asText(), r.statusCode()),
                        body.path("detail").asText("the server refused the publish (" + r.statusCode() + ")"), details);
            }
            return new Result(body.path("revision").asLong(), body.path("files").asInt(), body.path("bytes").asLong(),
                    body.has("upsert") ? body.path("upsert") : null);
        } finally {
            Files.deleteIfExists(zip);
        }
    }

    /**
     * The descriptor and the local files its resources name (nothing else from the folder), plus {@code deletes}
     * (if any) under the name the server reserves for an upsert's keys to remove.
     */
    static void writeZip(PackageSource src, Path zip, Path deletes) throws IOException {
        byte[] descriptor = src.descriptor();
        DataPackage pkg = DataPackage.read(descriptor);
        Set<PackagePath> files = new LinkedHashSet<>();
        for (Resource r : pkg.resources()) {
            files.addAll(r.localPaths());
            if (r.localPaths().isEmpty()) {
                for (String url : r.remoteUrls()) {
                    String name = url.replaceAll("[?#].*$", "");
                    name = name.substring(name.lastIndexOf('/') + 1);
                    if (PackagePath.isValid(name) && !name.equals("datapackage.json") && src.size(PackagePath.of(name)) >= 0) {
                        files.add(PackagePath.of(name));
                    }
                }
            }
        }
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(os)) {
            out.putNextEntry(new ZipEntry("datapackage.json"));
            out.write(descriptor);
            out.closeEntry();
            for (PackagePath p : files) {
                if (p.value().equals("datapackage.json")) {
                    continue;
                }
                try (InputStream in = src.open(p).orElse(null)) {
                    if (in == null) {
                        continue; // the server's check names the missing file
                    }
                    out.putNextEntry(new ZipEntry(p.value()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
            if (deletes != null) {
                out.putNextEntry(new ZipEntry(io.coffer.server.http.CofferServer.UPSERT_DELETES_FILE));
                Files.copy(deletes, out);
                out.closeEntry();
            }
        }
    }

    /** The token: --token-file, else COFFER_TOKEN, else --token (visible in `ps`; discouraged). */
    static String token(Path tokenFile, String tokenArg) throws IOException {
        if (tokenFile != null) {
            String t = Files.readString(tokenFile).strip();
            if (t.isEmpty()) {
                throw new CofferException(ErrorCode.BAD_REQUEST, "the token file " + tokenFile + " is empty");
            }
            return t;
        }
        String env = System.getenv("COFFER_TOKEN");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        if (tokenArg != null && !tokenArg.isBlank()) {
            return tokenArg.strip();
        }
        throw new CofferException(ErrorCode.UNAUTHENTICATED,
                "publishing to a server needs an API token: --token-file FILE or the COFFER_TOKEN variable");
    }
}
