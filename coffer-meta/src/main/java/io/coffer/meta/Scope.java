package io.coffer.meta;

import io.coffer.model.CofferException;
import java.util.Locale;

/** What an API token may do, within its owner (or one dataset). {@link #PUBLISH} includes reading. */
public enum Scope {
    READ,
    PUBLISH;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scope parse(String s) {
        for (Scope x : values()) {
            if (x.code().equals(s)) {
                return x;
            }
        }
        throw CofferException.badRequest("scope must be read or publish");
    }
}
