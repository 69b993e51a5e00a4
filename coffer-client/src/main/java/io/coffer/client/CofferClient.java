package io.coffer.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Typed access to a Coffer server: datasets, revisions, files, the babbage aggregate API, validation and
 * publishing. Errors come back as {@link CofferException} with the server's stable code. Amounts are
 * {@link BigDecimal}, never double. Tokens travel only in the Authorization header.
 */
public final class CofferClient {
    private final URI base;
    private final String token;
    private final HttpClient http;

    private CofferClient(URI base, String token) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** An anonymous client (public datasets only). */
    public static CofferClient of(URI base) {
        return new CofferClient(base, null);
    }

    /** A client that sends {@code Authorization: Bearer TOKEN}. */
    public static CofferClient withToken(URI base, String token) {
        return new CofferClient(base, token);
    }

    // ------------------------------------------------------------------ types

    public record DatasetSummary(DatasetId id, String title, long revision, Instant publishedAt, long bytes) {
        static DatasetSummary of(JsonNode n) {
            return new DatasetSummary(DatasetId.parse(n.path("id").asText()), n.path("title").asText(),
                    n.path("revision").asLong(), Instant.parse(n.path("publishedAt").asText()), n.path("bytes").asLong());
        }
    }

    public record FileInfo(String path, long bytes, String sha256, String mediatype) {
    }

    /**
     * {@code latestRevision} is what {@link #publish(DatasetId, Path, long)} expects to publish over;
     * {@code etag} is the server's ETag for it (such as {@code "r7"}, quotes included), for callers that speak
     * HTTP themselves.
     */
    public record Dataset(DatasetSummary summary, long latestRevision, List<FileInfo> files, JsonNode descriptor,
                          String etag) {
    }

    public record RevisionInfo(long revision, Instant publishedAt, long bytes, String manifestSha256) {
    }

    /** One aggregate cell: the drilldown values by ref, and every aggregate as an exact decimal. */
    public record Cell(Map<String, String> members, Map<String, BigDecimal> values) {
    }

    public record Aggregate(long totalCellCount, List<Cell> cells, Map<String, BigDecimal> summary) {
    }

    public record Published(DatasetId id, long revision, int files, long bytes) {
    }

    // ------------------------------------------------------------------ reads

    public List<DatasetSummary> datasets() {
        List<DatasetSummary> out = new ArrayList<>();
        getJson("api/datasets").path("datasets").forEach(n -> out.add(DatasetSummary.of(n)));
        return out;
    }

    /** A dataset at its latest revision ({@code revision} null) or the given one. */
    public Dataset dataset(DatasetId id, Long revision) {
        HttpResponse<byte[]> r = send(request("api/datasets/" + id.owner() + "/" + id.name()
                + (revision == null ? "" : "?revision=" + revision)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode n = json(r);
        List<FileInfo> files = new ArrayList<>();
        n.path("files").forEach(f -> files.add(new FileInfo(f.path("path").asText(), f.path("bytes").asLong(),
                f.path("sha256").asText(), f.path("mediatype").asText())));
        return new Dataset(DatasetSummary.of(n), n.path("latestRevision").asLong(), files, n.path("descriptor"),
                r.headers().firstValue("ETag").orElse(null));
    }

    public List<RevisionInfo> revisions(DatasetId id) {
        List<RevisionInfo> out = new ArrayList<>();
        getJson("api/datasets/" + id.owner() + "/" + id.name() + "/revisions").path("revisions").forEach(r -> out.add(
                new RevisionInfo(r.path("revision").asLong(), Instant.parse(r.path("publishedAt").asText()),
                        r.path("bytes").asLong(), r.path("manifestSha256").asText())));
        return out;
    }

    /** Streams a file of a revision (latest when null) into {@code out}; returns the bytes copied. */
    public long download(DatasetId id, Long revision, String path, OutputStream out) {
        String p = "datasets/" + id.owner() + "/" + id.name() + "/" + (revision == null ? "" : "@" + revision + "/")
                + encodePath(path);
        HttpResponse<InputStream> r = send(request(p).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw problem(r.statusCode(), in.readNBytes(1 << 20));
            }
            return in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * babbage's aggregate: {@code drilldown} refs joined by '|', {@code cut} in babbage syntax (may be null),
     * {@code order} like {@code amount.sum:desc} (may be null).
     */
    public Aggregate aggregate(DatasetId id, Long revision, String drilldown, String cut, String order) {
        Map<String, String> q = new LinkedHashMap<>();
        if (drilldown != null) {
            q.put("drilldown", drilldown);
        }
        if (cut != null) {
            q.put("cut", cut);
        }
        if (order != null) {
            q.put("order", order);
        }
        if (revision != null) {
            q.put("revision", revision.toString());
        }
        JsonNode n = getJson("api/3/cubes/" + id.owner() + ":" + id.name() + "/aggregate" + query(q));
        List<Cell> cells = new ArrayList<>();
        for (JsonNode c : n.path("cells")) {
            Map<String, String> members = new LinkedHashMap<>();
            Map<String, BigDecimal> values = new LinkedHashMap<>();
            c.properties().forEach(e -> {
                if (e.getValue().isNumber()) {
                    values.put(e.getKey(), e.getValue().decimalValue());
                } else {
                    members.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
                }
            });
            cells.add(new Cell(members, values));
        }
        Map<String, BigDecimal> summary = new LinkedHashMap<>();
        n.path("summary").properties().forEach(e -> summary.put(e.getKey(), e.getValue().decimalValue()));
        return new Aggregate(n.path("total_cell_count").asLong(), cells, summary);
    }

    /**
     * Validates a local package directory or CSV on the server; returns the report (nothing is stored). The
     * body is streamed from disk (a directory through a temporary zip), whatever its size.
     */
    public JsonNode validate(Path dirOrCsv) {
        if (Files.isDirectory(dirOrCsv)) {
            return withZip(dirOrCsv, zip -> json(upload(request("api/validate"), "POST", "application/zip", zip.file(),
                    zip.unpacked())));
        }
        return json(upload(request("api/validate"), "POST", "text/csv", dirOrCsv, 0));
    }

    /**
     * Publishes a local package directory as a new revision (needs a token with publish scope). Its files are
     * zipped into a temporary file (in {@code java.io.tmpdir}, removed afterwards) and streamed from there: memory
     * stays small whatever the size; the server's upload limit applies to the zip and to what it unpacks to.
     */
    public Published publish(DatasetId id, Path packageDir) {
        return publish(id, packageDir, null);
    }

    /**
     * Publishes only if the dataset's latest revision is still {@code expectedRevision} (as read from
     * {@link Dataset#latestRevision()}); 0 means the dataset must not exist yet. Otherwise nothing is published
     * and a {@link CofferException} with {@link ErrorCode#CONFLICT} is thrown: read again, then decide.
     */
    public Published publish(DatasetId id, Path packageDir, long expectedRevision) {
        if (expectedRevision < 0) {
            throw new IllegalArgumentException("expectedRevision must be 0 (create only) or a revision number");
        }
        return publish(id, packageDir, Long.valueOf(expectedRevision));
    }

    private Published publish(DatasetId id, Path packageDir, Long expectedRevision) {
        HttpRequest.Builder b = request("api/datasets/" + id.owner() + "/" + id.name());
        if (expectedRevision != null) {
            b.header(expectedRevision == 0 ? "If-None-Match" : "If-Match",
                    expectedRevision == 0 ? "*" : "\"r" + expectedRevision + "\"");
        }
        JsonNode n = withZip(packageDir, zip -> json(upload(b, "PUT", "application/zip", zip.file(), zip.unpacked())));
        return new Published(id, n.path("revision").asLong(), n.path("files").asInt(), n.path("bytes").asLong());
    }

    // ------------------------------------------------------------------ plumbing

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5))
                .header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private JsonNode getJson(String path) {
        return json(send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(req, handler);
        } catch (IOException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot reach " + base + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CofferException(ErrorCode.INTERNAL, "interrupted", e);
        }
    }

    private static JsonNode json(HttpResponse<byte[]> r) {
        if (r.statusCode() >= 400) {
            throw problem(r.statusCode(), r.body());
        }
        return Json.parse(r.body(), "response");
    }

    /** Turns a problem+json answer back into the one error type, with the server's code. */
    static CofferException problem(int status, byte[] body) {
        String code = null;
        String detail = "HTTP " + status;
        List<String> details = new ArrayList<>();
        try {
            JsonNode p = Json.parse(body, "problem");
            code = p.path("code").asText(null);
            detail = p.path("detail").asText(detail);
            p.path("details").forEach(d -> details.add(d.asText()));
        } catch (CofferException notJson) {
            // keep the status line
        }
        ErrorCode ec = ErrorCode.ofHttp(code, status);
        if (code == null && status == 413) {
            detail = "HTTP 413: the server refuses a body this large";
        }
        return new CofferException(ec, detail, details);
    }

    private static String query(Map<String, String> q) {
        if (q.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("?");
        q.forEach((k, v) -> b.append(b.length() > 1 ? "&" : "").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20")));
        return b.toString();
    }

    private static String encodePath(String path) {
        StringBuilder b = new StringBuilder();
        for (String s : path.split("/")) {
            b.append(b.length() > 0 ? "/" : "").append(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return b.toString();
    }

    /**
     * Sends a file as the request body, streamed from disk with its Content-Length. {@code unpacked}: what the
     * body unpacks to on the server (its own size for a CSV), which the server bounds by the same limit.
     */
    private HttpResponse<byte[]> upload(HttpRequest.Builder b, String method, String contentType, Path body,
                                        long unpacked) {
        long size;
        HttpRequest req;
        try {
            size = Files.size(body);
            b.header("Content-Type", contentType).timeout(uploadTimeout(size));
            // Expect: 100-continue: a refusal on the headers alone (413 over the upload limit, 401, 409 ...) comes
            // back before a byte of the body is sent.
            req = b.copy().expectContinue(true).method(method, HttpRequest.BodyPublishers.ofFile(body)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "cannot reach " + base + ": " + e.getMessage(), e);
        } catch (HttpTimeoutException e) {
            // The whole body may have arrived: a publish (PUT) may still complete on the server.
            throw new CofferException("PUT".equals(method) ? ErrorCode.COMMIT_UNKNOWN : ErrorCode.STORE_UNAVAILABLE,
                    "no answer from " + base + " within " + req.timeout().orElseThrow().toMinutes() + " minutes for "
                    + size + " bytes" + ("PUT".equals(method) ? "; the publish may have happened: check the "
                    + "revisions before publishing again" : ""), e);
        } catch (IOException e) {
            // A server that refuses a body while it is still being sent (a package that unpacks past the limit)
            // answers and closes the connection; the JDK client then reports only the closed connection. Ask again
            // with headers alone, declaring the larger size, to learn whether the upload was too large.
            CofferException tooLarge = refusedAsTooLarge(b, Math.max(1, Math.max(size, unpacked)), method);
            if (tooLarge != null) {
                throw new CofferException(ErrorCode.PAYLOAD_TOO_LARGE, tooLarge.getMessage() + " (this upload is "
                        + size + " bytes" + (unpacked > size ? ", " + unpacked + " unpacked" : "") + ")", e);
            }
            throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "sending " + size + " bytes to " + base
                    + " failed: " + e.getMessage() + " (the connection closed before the server answered)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CofferException(ErrorCode.INTERNAL, "interrupted", e);
        }
    }

    /**
     * The server's 413 for an upload of {@code bytes}, or null: only the headers are sent. Should the server ask
     * for the body instead (100 Continue), the request is abandoned, and an unfinished upload publishes nothing.
     */
    private CofferException refusedAsTooLarge(HttpRequest.Builder b, long bytes, String method) {
        Flow.Publisher<ByteBuffer> noBody = s -> {
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            s.onError(new IOException("headers only"));
        };
        HttpRequest probe = b.copy().expectContinue(true).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.fromPublisher(noBody, bytes)).build();
        try {
            HttpResponse<byte[]> r = http.send(probe, HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 413 ? problem(413, r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The deadline for an upload's answer: it covers sending the whole body, so it grows with the size (as if
     * at 256 KiB/s, a slow link) instead of cutting off a large upload that is still making progress.
     */
    static Duration uploadTimeout(long bytes) {
        return UPLOAD_BASE_TIMEOUT.plusSeconds(bytes / (256 * 1024));
    }

    private static final Duration UPLOAD_BASE_TIMEOUT = Duration.ofMinutes(5);

    /** A package zipped into a temporary file, and the total size of the files in it. */
    record Zip(Path file, long unpacked) {
    }

    /** Zips {@code dir} into a temporary file (owner-only, removed afterwards whatever happens) for {@code use}. */
    private static <T> T withZip(Path dir, Function<Zip, T> use) {
        Path file;
        try {
            file = Files.createTempFile("coffer-client-", ".zip");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return use.apply(new Zip(file, writeZip(dir, file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // best effort: it is in the system's temporary folder
            }
        }
    }

    /**
     * The package's regular files, streamed into {@code zip} (memory stays bounded, whatever the size). Links
     * are followed only to files inside the package: a link out of it (or to a folder) is not sent. Returns the
     * total size of the files.
     */
    static long writeZip(Path dir, Path zip) throws IOException {
        Path root = dir.toRealPath();
        try (OutputStream os = Files.newOutputStream(zip);
             ZipOutputStream z = new ZipOutputStream(new BufferedOutputStream(os, 64 * 1024))) {
            Path self = zip.toRealPath(); // a zip written inside the package must not zip itself
            List<Path> files;
            try (Stream<Path> walk = Files.walk(root)) { // does not follow links to folders
                files = walk.filter(f -> !f.equals(self) && sendable(root, f)).sorted().toList();
            }
            // Gigabytes of CSV: the fastest level shrinks them almost as well as the default, in a sixth of the time.
            z.setLevel(Deflater.BEST_SPEED);
            long total = 0;
            for (Path f : files) {
                z.putNextEntry(new ZipEntry(root.relativize(f).toString().replace('\\', '/')));
                total += Files.copy(f, z);
                z.closeEntry();
            }
            return total;
        }
    }

    private static boolean sendable(Path root, Path f) {
        if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (!Files.isSymbolicLink(f)) {
            return false;
        }
        try {
            Path target = f.toRealPath();
            return target.startsWith(root) && Files.isRegularFile(target);
        } catch (IOException dangling) {
            return false;
        }
    }

    public Optional<String> token() {
        return Optional.ofNullable(token).map(t -> "****");
    }
}
