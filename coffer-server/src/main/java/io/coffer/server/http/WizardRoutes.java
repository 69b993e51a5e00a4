package io.coffer.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.loader.ColumnProfile;
import io.coffer.loader.CsvFormat;
import io.coffer.loader.FiscalSuggester;
import io.coffer.loader.InferenceResult;
import io.coffer.loader.InitResult;
import io.coffer.loader.Loader;
import io.coffer.loader.Mapping;
import io.coffer.loader.ProgressListener;
import io.coffer.loader.Sniffer;
import io.coffer.loader.ValidationOptions;
import io.coffer.loader.sheets.Spreadsheets;
import io.coffer.meta.auth.DatasetService;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.Visibility;
import io.coffer.model.CofferException;
import io.coffer.model.DataPackage;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Field;
import io.coffer.model.Json;
import io.coffer.service.PublishService;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The upload wizard's API ("1-2-3": add file, map columns, metadata + publish), over the same loader as
 * {@code coffer init}. An upload is streamed to a private staging folder with its size limit checked
 * before the body is read; only the user who uploaded it can use it; publishing goes through
 * {@link DatasetService}, which authorizes before anything is stored.
 */
final class WizardRoutes {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration STALE = Duration.ofHours(24);
    private static final Set<String> LICENSES = Set.of("CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "ODC-BY-1.0",
            "ODbL-1.0", "PDDL-1.0", "OGL-UK-3.0", "other");

    private final DatasetService datasets;
    private final PublishService publisher;
    private final long maxUploadBytes;
    private final Path root;
    /** Staged uploads kept at once per user, and their bytes together (staging is disk the user holds for a day). */
    private final int maxUploadsPerUser = Integer.getInteger("coffer.wizard.maxUploadsPerUser", 5);
    private final long maxBytesPerUser;
    /** One upload at a time per user, so the quota check and the upload it admits cannot race. */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.Semaphore> uploading =
            new java.util.concurrent.ConcurrentHashMap<>();

    WizardRoutes(DatasetService datasets, PublishService publisher, long maxUploadBytes, Path uploadDir) {
        this.datasets = datasets;
        this.publisher = publisher;
        this.maxUploadBytes = maxUploadBytes;
        this.root = uploadDir.resolve("wizard");
        this.maxBytesPerUser = Long.getLong("coffer.wizard.maxBytesPerUser", 2 * maxUploadBytes);
    }

    void register(RoutesConfig routes) {
        routes.post("/api/uploads", this::upload);
        routes.post("/api/uploads/{id}/publish", this::publish);
        routes.delete("/api/uploads/{id}", this::discard);
    }

    private static Principal signedIn(Context ctx) {
        Principal p = Authn.principal(ctx);
        if (!p.authenticated()) {
            throw new CofferException(ErrorCode.UNAUTHENTICATED, "sign in to upload data");
        }
        return p;
    }

    /** Step 1: the CSV itself, streamed into staging; answers what was detected and suggested. */
    private void upload(Context ctx) throws IOException {
        Principal p = signedIn(ctx);
        // Staging is the first step of a publish: a read-only token has no business holding server disk.
        if (p.viaToken() && p.token().scope() != io.coffer.meta.Scope.PUBLISH) {
            throw new CofferException(ErrorCode.FORBIDDEN, "staging an upload needs publish rights; this token's scope is read");
        }
        Uploads.checkDeclaredLength(ctx.req().getContentLengthLong(), maxUploadBytes);
        java.util.concurrent.Semaphore one = uploading.computeIfAbsent(p.user(), u -> new java.util.concurrent.Semaphore(1));
        if (!one.tryAcquire()) {
            ctx.header("Retry-After", "5");
            throw new CofferException(ErrorCode.TOO_MANY_REQUESTS, "another upload of yours is still arriving; one at a time");
        }
        try {
            upload(ctx, p);
        } finally {
            one.release();
        }
    }

    /** The user's staged uploads now: how many, and their bytes together. */
    private long[] staged(String user) throws IOException {
        long count = 0;
        long bytes = 0;
        if (!Files.isDirectory(root)) {
            return new long[] {0, 0};
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.toList()) {
                Path owner = d.resolve("owner");
                if (Files.isRegularFile(owner) && Files.readString(owner).equals(user)) {
                    count++;
                    try (Stream<Path> files = Files.walk(d)) {
                        for (Path f : files.filter(Files::isRegularFile).toList()) {
                            bytes += Files.size(f);
                        }
                    }
                }
            }
        }
        return new long[] {count, bytes};
    }

    private void upload(Context ctx, Principal p) throws IOException {
        cleanStale();
        long[] used = staged(p.user());
        if (used[0] >= maxUploadsPerUser) {
            throw new CofferException(ErrorCode.TOO_MANY_REQUESTS, "you have " + used[0] + " staged uploads (at most "
                    + maxUploadsPerUser + "); publish or discard one (DELETE /api/uploads/{id}) first");
        }
        long room = Math.min(maxUploadBytes, maxBytesPerUser - used[1]);
        if (room <= 0 || ctx.req().getContentLengthLong() > room) {
            throw new CofferException(ErrorCode.PAYLOAD_TOO_LARGE, "your staged uploads hold " + used[1] + " bytes; this "
                    + "one would pass your quota of " + maxBytesPerUser + " bytes; publish or discard some first");
        }
        String fileName = Optional.ofNullable(ctx.queryParam("name")).orElse("data.csv")
                .replaceAll("[^\\p{L}\\p{N}._ -]", "_");
        String id = HexFormat.of().formatHex(bytes(16));
        Path dir = Files.createDirectories(root.resolve(id));
        Path csv = dir.resolve("source.csv");
        // The owner file first, so a half-arrived upload counts against its user's quota too.
        Files.writeString(dir.resolve("owner"), p.user());
        try (InputStream in = new Uploads.LimitedInputStream(ctx.req().getInputStream(), room);
             OutputStream out = Files.newOutputStream(csv)) {
            in.transferTo(out);
        } catch (RuntimeException | IOException e) {
            Uploads.deleteTree(dir);
            throw e;
        }
        Files.writeString(dir.resolve("name"), fileName);
        List<String> sheets = List.of();
        String sheet = ctx.queryParam("sheet");
        try {
            sheets = tabular(csv, sheet);
        } catch (RuntimeException | IOException e) {
            Uploads.deleteTree(dir);
            throw e;
        }
        CsvFormat format = Sniffer.sniff(csv);
        InferenceResult inferred = io.coffer.loader.Inference.run(csv, format, List.of(""), ProgressListener.NONE);
        FiscalSuggester.Suggestion suggestion = FiscalSuggester.suggest(inferred.schema(), inferred.columns());

        ObjectNode o = Json.object();
        o.put("id", id);
        o.put("fileName", fileName);
        o.put("bytes", Files.size(csv));
        if (!sheets.isEmpty()) {
            // A workbook: the sheet read (the first unless ?sheet= named one) and the others to choose from.
            o.put("sheet", sheet != null ? sheet : sheets.get(0));
            ArrayNode sh = o.putArray("sheets");
            sheets.forEach(sh::add);
        }
        o.put("rows", inferred.rows());
        ObjectNode f = o.putObject("format");
        f.put("encoding", inferred.format().charset().name());
        f.put("delimiter", String.valueOf(inferred.format().delimiter()));
        f.put("bom", inferred.format().bom());
        ArrayNode cols = o.putArray("columns");
        List<Field> fields = inferred.schema().fields();
        for (int i = 0; i < fields.size(); i++) {
            Field fl = fields.get(i);
            ColumnProfile cp = i < inferred.columns().size() ? inferred.columns().get(i) : null;
            ObjectNode c = cols.addObject();
            c.put("name", fl.name());
            c.put("type", fl.type());
            if (fl.format() != null) {
                c.put("format", fl.format());
            }
            c.put("columnType", suggestion.columnTypes().getOrDefault(fl.name(), ""));
            if (cp != null) {
                c.put("distinct", cp.distinct());
                c.put("empty", cp.empty());
            }
        }
        // A re-upload: a dataset this user can publish to whose saved mapping fits these columns.
        reusableMapping(p, fields.stream().map(Field::name).toList()).ifPresent(r -> o.set("previous", r));
        o.put("defaultOwner", p.user());
        DatasetRoutes.json(ctx, o);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** The newest dataset visible to {@code p} whose revision carries a mapping naming exactly these columns. */
    private Optional<ObjectNode> reusableMapping(Principal p, List<String> columns) {
        DataStore store = datasets.store();
        for (DatasetId id : datasets.list(p)) {
            try {
                Revision rev = store.revision(id, null);
                if (rev.file(DataStore.MAPPING_FILE).isEmpty()) {
                    continue;
                }
                JsonNode m;
                try (InputStream in = store.open(rev, DataStore.MAPPING_FILE)) {
                    m = Json.parse(in, "mapping.json");
                }
                java.util.Set<String> named = new java.util.HashSet<>();
                m.path("fields").fieldNames().forEachRemaining(named::add);
                if (!named.isEmpty() && named.equals(new java.util.HashSet<>(columns))) {
                    ObjectNode r = Json.object();
                    r.put("dataset", id.toString());
                    r.put("owner", id.owner());
                    r.put("name", id.name());
                    r.set("mapping", m);
                    DataPackage pkg = store.descriptor(rev);
                    if (pkg.title() != null) {
                        r.put("title", pkg.title());
                    }
                    return Optional.of(r);
                }
            } catch (CofferException | IOException e) {
                // an unreadable or deleted dataset is not a candidate
            }
        }
        return Optional.empty();
    }

    private Path ownedUpload(Context ctx, Principal p) throws IOException {
        String id = ctx.pathParam("id");
        if (!id.matches("[0-9a-f]{32}")) {
            throw CofferException.notFound("no such upload");
        }
        Path dir = root.resolve(id);
        Path owner = dir.resolve("owner");
        if (!Files.isRegularFile(owner) || !Files.readString(owner).equals(p.user())) {
            throw CofferException.notFound("no such upload");
        }
        return dir;
    }

    /**
     * Refuses an upload that is not a table at once, saying what is expected; a workbook's sheet becomes the
     * upload's CSV. Returns the workbook's sheets (empty for a CSV/TSV).
     */
    private static List<String> tabular(Path upload, String sheet) throws IOException {
        Spreadsheets.Kind kind = Spreadsheets.kind(upload);
        switch (kind) {
            case EMPTY -> throw new CofferException(ErrorCode.INVALID_DATA, "the file is empty: expected a CSV or TSV "
                    + "file, or an .xlsx or .ods workbook, with a header row and rows of spending");
            case OTHER -> throw new CofferException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "this file is not a table: "
                    + "expected a CSV or TSV file, or an .xlsx or .ods workbook (save other formats as one of these)");
            case TEXT -> {
                if (sheet != null) {
                    throw CofferException.badRequest("sheet is for workbooks (.xlsx, .ods); this file is text");
                }
                return List.of();
            }
            default -> {
                Path book = upload.resolveSibling(kind == Spreadsheets.Kind.XLSX ? "source.xlsx" : "source.ods");
                Files.move(upload, book);
                return Spreadsheets.convert(book, sheet, upload).sheets();
            }
        }
    }

    /** Steps 2 and 3: the user's mapping and metadata; the package is built, validated, then published. */
    private void publish(Context ctx) throws IOException {
        Principal p = signedIn(ctx);
        Path dir = ownedUpload(ctx, p);
        JsonNode body = Bodies.json(ctx);
        DatasetId id = DatasetId.of(Bodies.required(body, "owner"), Bodies.required(body, "name"));
        String title = body.path("title").asText("").trim();
        String currency = body.path("currency").asText("").trim().toUpperCase(java.util.Locale.ROOT);
        if (!currency.isEmpty() && !currency.matches("[A-Z]{3}")) {
            throw CofferException.badRequest("currency must be a three-letter ISO 4217 code such as EUR");
        }
        ObjectNode mappingJson = body.path("mapping").isObject() ? (ObjectNode) body.path("mapping").deepCopy() : Json.object();
        mappingJson.put("name", id.name());
        if (!title.isEmpty()) {
            mappingJson.put("title", title);
        }
        if (!currency.isEmpty()) {
            mappingJson.put("currency", currency);
        }
        Mapping mapping = Mapping.fromJson(mappingJson);
        String license = body.path("license").asText("");
        if (!license.isEmpty() && !LICENSES.contains(license)) {
            throw CofferException.badRequest("unknown license '" + license + "'");
        }
        JsonNode period = body.path("fiscalPeriod");
        Path pkgDir = dir.resolve("package");
        Visibility visibility = "private".equals(body.path("visibility").asText()) ? Visibility.PRIVATE : null;
        InitResult[] built = new InitResult[1];
        boolean breaking = body.path("breaking").asBoolean(false);
        // The service authorizes first; only then is the package built (here), then checked like every publish.
        Long expected = null;
        if (body.hasNonNull("expectedRevision")) {
            // As If-Match on a PUT: publish only over the revision the person saw when they started.
            if (!body.get("expectedRevision").canConvertToLong() || body.get("expectedRevision").asLong() < 0) {
                throw CofferException.badRequest("expectedRevision must be 0 (create only) or a revision number");
            }
            expected = body.get("expectedRevision").asLong();
        }
        PublishService.Request request = new PublishService.Request(id, visibility, expected, breaking,
                PublishService.Mode.REPLACE, false);
        Revision rev = publisher.publish(p, request, () -> {
            Uploads.deleteTree(pkgDir);
            InitResult r = Loader.init(dir.resolve("source.csv"), pkgDir, Optional.of(mapping), ValidationOptions.DEFAULT,
                    ProgressListener.NONE);
            if (!r.ok()) {
                throw new CofferException(ErrorCode.INVALID_DATA,
                        "the file does not fit the choices made; nothing was published", r.report().toText());
            }
            built[0] = r;
            DataPackage pkg = r.descriptor();
            if (!license.isEmpty()) {
                pkg = pkg.withExtra("licenses", Json.array().add(Json.object().put("name", license)));
            }
            if (period.path("start").asText("").matches("\\d{4}-\\d{2}-\\d{2}")) {
                ObjectNode fp = Json.object().put("start", period.path("start").asText());
                if (period.path("end").asText("").matches("\\d{4}-\\d{2}-\\d{2}")) {
                    fp.put("end", period.path("end").asText());
                }
                pkg = pkg.withExtra("fiscalPeriod", fp);
            }
            Files.write(pkgDir.resolve("datapackage.json"), pkg.toBytes());
            // the whole upload folder goes once the publish is done
            return PublishService.Staged.of(pkgDir);
        }).revision();
        InitResult r = built[0];
        Uploads.deleteTree(dir);
        ObjectNode o = Json.object();
        o.put("id", id.toString());
        o.put("revision", rev.revision());
        o.put("rows", r.rows());
        o.put("page", "/d/" + id.owner() + "/" + id.name());
        ArrayNode warnings = o.putArray("warnings");
        r.warnings().stream().limit(50).forEach(warnings::add);
        ctx.status(201);
        DatasetRoutes.json(ctx, o);
    }

    private void discard(Context ctx) throws IOException {
        Uploads.deleteTree(ownedUpload(ctx, signedIn(ctx)));
        ctx.status(204);
    }

    /** Uploads nobody finished within a day are removed. */
    private void cleanStale() {
        if (!Files.isDirectory(root)) {
            return;
        }
        Instant cutoff = Instant.now().minus(STALE);
        try (Stream<Path> s = Files.list(root)) {
            s.filter(d -> {
                try {
                    return Files.getLastModifiedTime(d).toInstant().isBefore(cutoff);
                } catch (IOException e) {
                    return false;
                }
            }).forEach(Uploads::deleteTree);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
