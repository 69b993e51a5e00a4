package io.coffer.store.s3;

import java.io.IOException;

/** The bytes read do not match the checksum the object store recorded for them. */
final class ChecksumMismatchException extends IOException {
    ChecksumMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
