package io.coffer.model;

import java.util.List;
import java.util.Objects;

/**
 * The one error type of Coffer. It carries a stable {@link ErrorCode}; the HTTP edge maps it to a single
 * problem+json shape and the CLI to a message and exit code. {@code details} name what was wrong (a field,
 * a row, a path) in words a person can act on.
 */
public class CofferException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final List<String> details;

    public CofferException(ErrorCode code, String message) {
        this(code, message, List.of(), null);
    }

    public CofferException(ErrorCode code, String message, Throwable cause) {
        this(code, message, List.of(), cause);
    }

    public CofferException(ErrorCode code, String message, List<String> details) {
        this(code, message, details, null);
    }

    public CofferException(ErrorCode code, String message, List<String> details, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code);
        this.details = List.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    public List<String> details() {
        return details;
    }

    public static CofferException notFound(String message) {
        return new CofferException(ErrorCode.NOT_FOUND, message);
    }

    public static CofferException badRequest(String message) {
        return new CofferException(ErrorCode.BAD_REQUEST, message);
    }
}
