package io.coffer.server.http;

import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import java.nio.ByteBuffer;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty refuses some requests before Coffer sees them (ambiguous URIs such as {@code %2e%2e}, bad headers,
 * oversized headers). This keeps even those answers in the problem+json shape.
 */
public final class ProblemErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Object s = request.getAttribute(ERROR_STATUS);
        int status = s instanceof Integer i ? i : response.getStatus();
        if (status < 400) {
            status = 500;
        }
        ErrorCode c = status == 404 ? ErrorCode.NOT_FOUND : status == 413 || status == 431
                ? ErrorCode.PAYLOAD_TOO_LARGE : status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
        String detail = status >= 500 ? "the server could not complete the request"
                : "the request was refused: " + reason(request);
        byte[] body = Json.write(Problems.body(status, c.code(), Problems.title(c), detail, List.of(), null));
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    private static String reason(Request request) {
        Object m = request.getAttribute(ERROR_MESSAGE);
        String msg = m == null ? "malformed request" : m.toString();
        // Never echo raw input back: keep a short, printable reason.
        msg = msg.replaceAll("[^\\p{Print}]", "?");
        return msg.length() > 120 ? msg.substring(0, 120) : msg;
    }
}
