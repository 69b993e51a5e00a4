package io.coffer.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coffer.loader.ProgressListener;
import io.coffer.loader.Report;
import io.coffer.loader.ValidationOptions;
import io.coffer.loader.Validator;
import io.coffer.model.DescriptorValidator;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code POST /api/validate}: checks a CSV ({@code text/csv}), a package zip ({@code application/zip}) or a
 * descriptor ({@code application/json}) without publishing anything, and answers the Frictionless-shaped
 * report. Bodies are bounded before they are read and streamed to a private temporary file.
 */
final class ValidateRoutes {
    private final long maxBytes;
    private final Path tmpRoot;

    ValidateRoutes(long maxBytes, Path tmpRoot) {
        this.maxBytes = maxBytes;
        this.tmpRoot = tmpRoot;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/validate", this::validate);
    }

    private void validate(Context ctx) throws IOException {
        Uploads.checkDeclaredLength(ctx.req().getContentLengthLong(), maxBytes);
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        ValidationOptions options = ValidationOptions.DEFAULT.withMaxErrorsPerType(50);
        if (type.startsWith("application/json")) {
            byte[] body;
            try (InputStream in = new Uploads.LimitedInputStream(ctx.req().getInputStream(), Json.MAX_DOCUMENT_BYTES)) {
                body = in.readAllBytes();
            }
            DescriptorValidator.Report r = DescriptorValidator.check(Json.parse(body, "datapackage.json"));
            ObjectNode o = Json.object();
            o.put("valid", r.valid());
            var errors = o.putArray("errors");
            r.errors().forEach(e -> errors.addObject().put("type", "descriptor-error").put("message", e));
            var warnings = o.putArray("warnings");
            r.warnings().forEach(warnings::add);
            DatasetRoutes.json(ctx, o);
            return;
        }
        if (type.startsWith("application/zip") || type.startsWith("application/x-zip-compressed")) {
            Uploads.Unzipped u = Uploads.unzip(ctx.req().getInputStream(), maxBytes, tmpRoot);
            try {
                report(ctx, Validator.validatePackage(u.root().resolve("datapackage.json"), options, ProgressListener.NONE),
                        u.root());
            } finally {
                Uploads.deleteTree(u.dir());
            }
            return;
        }
        if (type.startsWith("text/csv") || type.startsWith("text/plain") || type.startsWith("application/octet-stream")) {
            Files.createDirectories(tmpRoot);
            Path csv = Files.createTempFile(tmpRoot, "validate-", ".csv");
            try {
                try (InputStream in = new Uploads.LimitedInputStream(ctx.req().getInputStream(), maxBytes);
                     OutputStream out = Files.newOutputStream(csv)) {
                    in.transferTo(out);
                }
                report(ctx, Validator.validateCsv(csv, options, ProgressListener.NONE), csv);
            } finally {
                Files.deleteIfExists(csv);
            }
            return;
        }
        throw new io.coffer.model.CofferException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "send a CSV (text/csv), a package zip (application/zip) or a descriptor (application/json)");
    }

    /**
     * The report, without the server's temporary paths: a CSV is named {@code upload.csv}, package files by their
     * path in the package.
     */
    private static void report(Context ctx, Report r, Path staged) {
        String json = new String(Json.write(r.toJson()), java.nio.charset.StandardCharsets.UTF_8);
        String abs = staged.toAbsolutePath().toString();
        if (Files.isDirectory(staged)) {
            json = json.replace(abs + "/", "").replace(abs, ".");
        } else {
            String stem = staged.getFileName().toString().replaceFirst("\\.csv$", "");
            json = json.replace(abs, "upload.csv").replace(stem, "upload");
        }
        ctx.contentType("application/json");
        ctx.result(json);
    }
}
