package io.coffer.meta;

import io.coffer.model.CofferException;
import java.util.Locale;

/** A member's role in an organization; a user is {@link #OWNER} of their own namespace. */
public enum Role {
    /** Manages members, and everything an editor does. */
    OWNER,
    /** Publishes, deletes and changes the datasets. */
    EDITOR,
    /** Reads private datasets. */
    VIEWER;

    public boolean atLeast(Role other) {
        return ordinal() <= other.ordinal();
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String s) {
        for (Role r : values()) {
            if (r.code().equals(s)) {
                return r;
            }
        }
        throw CofferException.badRequest("role must be owner, editor or viewer");
    }
}
