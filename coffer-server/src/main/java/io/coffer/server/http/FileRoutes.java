package io.coffer.server.http;

import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.PackagePath;
import io.coffer.store.DataStore;
import io.coffer.store.FileEntry;
import io.coffer.store.Registry;
import io.coffer.store.Revision;
import io.coffer.store.spi.BlobInfo;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Flat-file downloads in the OSEP-06 layout: {@code /datasets/{owner}/{name}/{path}} serves the latest
 * revision, {@code /datasets/{owner}/{name}/@{rev}/{path}} a fixed one; plus {@code /registry/...}.
 * Strong ETags are the files' SHA-256; single byte ranges are honoured.
 */
public final class FileRoutes {
    private final DataStore store;
    private final ReadAccess access;
    private final VerifiedFiles verified;

    public FileRoutes(DataStore store) {
        this(store, ReadAccess.PUBLIC);
    }

    public FileRoutes(DataStore store, ReadAccess access) {
        this.store = store;
        this.access = access;
        this.verified = new VerifiedFiles(store);
    }

    public void register(RoutesConfig routes) {
        routes.get("/datasets/{owner}/{name}/<path>", ctx -> file(ctx, true));
        routes.head("/datasets/{owner}/{name}/<path>", ctx -> file(ctx, false));
        routes.get("/registry/datapackage.json", ctx -> registry(ctx, Registry.DESCRIPTOR, true));
        routes.get("/registry/data/catalog.csv", ctx -> registry(ctx, Registry.CATALOG, true));
        routes.head("/registry/datapackage.json", ctx -> registry(ctx, Registry.DESCRIPTOR, false));
        routes.head("/registry/data/catalog.csv", ctx -> registry(ctx, Registry.CATALOG, false));
    }

    private void file(Context ctx, boolean body) throws IOException {
        DatasetId id = DatasetRoutes.id(ctx);
        access.require(ctx, id);
        String raw = ctx.pathParam("path");
        Long rev = null;
        String path = raw;
        if (raw.startsWith("@")) {
            int slash = raw.indexOf('/');
            if (slash < 0) {
                throw new CofferException(ErrorCode.INVALID_PATH, "expected /datasets/{owner}/{name}/@{revision}/{path}");
            }
            rev = DatasetRoutes.parseRevision(raw.substring(0, slash));
            path = raw.substring(slash + 1);
        }
        PackagePath p = PackagePath.of(path);
        Revision revision = store.revision(id, rev != null ? rev : RevisionParam.of(ctx, store, id));
        FileEntry f = revision.file(p.value()).orElseThrow(() -> CofferException.notFound(
                "revision " + revision.revision() + " of " + id + " has no file '" + p + "'"));
        String etag = "\"" + f.sha256() + "\"";
        if (body && !etag.equals(ctx.header("If-None-Match"))) {
            // Before any header: a damaged file is a clean error, never a 200 with the good file's ETag.
            verified.require(revision, p.value());
        }
        ctx.header("ETag", etag);
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("X-Coffer-Revision", Long.toString(revision.revision()));
        // A fixed revision never changes; the latest must be revalidated (cheaply, by ETag).
        CachePolicy.set(ctx, rev != null ? "public, max-age=31536000, immutable" : "no-cache");
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(contentType(f.mediatype()));
        // Stored files go out as stored: Content-Length, ranges and the ETag (the file's SHA-256) all describe
        // these bytes, which a compressing stream would change (and cut short under the declared length).
        ctx.disableCompression();
        String ifRange = ctx.header("If-Range");
        Ranges range = ifRange == null || ifRange.equals(etag) ? Ranges.parse(ctx.header("Range"), f.bytes()) : null;
        if (range == null) {
            ctx.res().setContentLengthLong(f.bytes());
            if (body) {
                try (InputStream in = store.open(revision, p.value()); OutputStream out = ctx.outputStream()) {
                    VerifiedFiles.copy(in, out, f.bytes());
                }
            }
            return;
        }
        ctx.status(206);
        ctx.header("Content-Range", "bytes " + range.start() + "-" + (range.start() + range.length() - 1) + "/" + f.bytes());
        ctx.res().setContentLengthLong(range.length());
        if (body) {
            try (InputStream in = store.open(revision, p.value(), range.start(), range.length());
                 OutputStream out = ctx.outputStream()) {
                in.transferTo(out);
            }
        }
    }

    static String contentType(String mediatype) {
        return switch (mediatype) {
            case "text/csv", "text/plain", "text/markdown", "text/tab-separated-values" -> mediatype + "; charset=utf-8";
            default -> mediatype;
        };
    }

    private void registry(Context ctx, String key, boolean body) throws IOException {
        BlobInfo info = store.blobs().stat(key).orElse(null);
        if (info == null) {
            // A store nobody has published to yet still has a (empty) registry.
            store.registry().rebuild();
            info = store.blobs().stat(key).orElseThrow(() -> CofferException.notFound("registry is missing"));
        }
        ctx.contentType(key.endsWith(".csv") ? "text/csv; charset=utf-8" : "application/json");
        CachePolicy.set(ctx, "no-cache");
        CachePolicy.perCaller(ctx, key.equals(Registry.CATALOG) && !access.everythingVisible(ctx));
        byte[] bytes;
        try (InputStream in = store.blobs().open(key).orElseThrow(() -> CofferException.notFound("registry is missing"))) {
            bytes = in.readNBytes(64 * 1024 * 1024);
        }
        if (key.equals(Registry.CATALOG) && !access.everythingVisible(ctx)) {
            bytes = visibleCatalog(ctx);
        }
        String etag = "\"" + sha256(bytes) + "\"";
        ctx.header("ETag", etag);
        if (etag.equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        // As for files: the declared length and the ETag are those of the uncompressed bytes.
        ctx.disableCompression();
        ctx.res().setContentLengthLong(bytes.length);
        if (body) {
            ctx.result(bytes);
        }
    }

    /** The catalog without the rows of private datasets this request may not see. */
    private byte[] visibleCatalog(Context ctx) {
        java.util.function.Predicate<DatasetId> visible = access.filter(ctx);
        StringBuilder b = new StringBuilder("url,name,owner\r\n");
        store.registry().entries().forEach((id, url) -> {
            if (visible.test(id)) {
                b.append(url).append(',').append(id.name()).append(',').append(id.owner()).append("\r\n");
            }
        });
        return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
