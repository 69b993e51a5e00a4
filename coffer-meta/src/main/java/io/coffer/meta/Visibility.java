package io.coffer.meta;

import io.coffer.model.CofferException;
import java.util.Locale;

/** Who may read a dataset: everyone, or only members of its owner (and admins). */
public enum Visibility {
    PUBLIC,
    PRIVATE;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Visibility parse(String s) {
        for (Visibility v : values()) {
            if (v.code().equals(s)) {
                return v;
            }
        }
        throw CofferException.badRequest("visibility must be public or private");
    }
}
