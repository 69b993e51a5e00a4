package io.coffer.model;

/**
 * Stable error codes. The string form is part of the public API (problem+json {@code code} member,
 * CLI messages), so entries are only ever added, never renamed.
 */
public enum ErrorCode {
    BAD_REQUEST("bad-request", 400),
    INVALID_NAME("invalid-name", 400),
    INVALID_PATH("invalid-path", 400),
    INVALID_REVISION("invalid-revision", 400),
    INVALID_DESCRIPTOR("invalid-descriptor", 422),
    INVALID_DATA("invalid-data", 422),
    UNAUTHENTICATED("unauthenticated", 401),
    FORBIDDEN("forbidden", 403),
    NOT_FOUND("not-found", 404),
    METHOD_NOT_ALLOWED("method-not-allowed", 405),
    REQUEST_TIMEOUT("request-timeout", 408),
    CONFLICT("conflict", 409),
    /** An owner name that has datasets in the store but no account or organization: only an admin may claim it. */
    OWNER_RESERVED("owner-reserved", 409),
    PAYLOAD_TOO_LARGE("payload-too-large", 413),
    RANGE_NOT_SATISFIABLE("range-not-satisfiable", 416),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415),
    /** Too many attempts (e.g. failed logins); the response says when to try again. */
    TOO_MANY_REQUESTS("too-many-requests", 429),
    /** The outcome of a write is not known (e.g. the connection dropped after the request was sent). */
    COMMIT_UNKNOWN("commit-unknown", 503),
    STORE_UNAVAILABLE("store-unavailable", 503),
    /** A query ran past the engine's time limit and was cancelled; a narrower query (more cuts) may pass. */
    QUERY_TIMEOUT("query-timeout", 503),
    CORRUPT("corrupt", 500),
    CONFIGURATION("configuration", 500),
    INTERNAL("internal", 500);

    private final String code;
    private final int httpStatus;

    ErrorCode(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The code of an HTTP error answer, for every client of the API: its problem+json {@code code}, else (an
     * answer without one, such as a proxy's) what the status alone says: 409 is still a conflict, 413 (nginx's
     * client_max_body_size) still too large.
     */
    public static ErrorCode ofHttp(String code, int status) {
        for (ErrorCode c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        for (ErrorCode c : values()) {
            if (c.httpStatus == status && (status == 401 || status == 403 || status == 404 || status == 409
                    || status == 413 || status == 415 || status == 429)) {
                return c;
            }
        }
        return status >= 500 ? INTERNAL : BAD_REQUEST;
    }
}
