package io.coffer.store.spi;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import io.coffer.model.PackagePath;

/** Checks keys handed to a backend, so no backend has to trust its caller about '..' and friends. */
public final class BlobKeys {
    private BlobKeys() {
    }

    public static String check(String key) {
        if (!PackagePath.isValid(key)) {
            throw new CofferException(ErrorCode.INVALID_PATH, "invalid storage key");
        }
        return key;
    }

    /** A listing prefix: empty, or a valid key followed by '/'. */
    public static String checkPrefix(String prefix) {
        if (prefix.isEmpty()) {
            return prefix;
        }
        if (!prefix.endsWith("/")) {
            throw new CofferException(ErrorCode.INVALID_PATH, "a listing prefix must end with '/'");
        }
        check(prefix.substring(0, prefix.length() - 1));
        return prefix;
    }
}
