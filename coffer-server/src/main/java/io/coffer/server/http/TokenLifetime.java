package io.coffer.server.http;

import io.coffer.model.CofferException;
import java.time.Duration;

/** Token lifetimes as {@code 90d}, {@code 12h} or {@code 30m}; every token expires, within a year. */
public final class TokenLifetime {
    public static final String DEFAULT = "90d";
    public static final Duration MAX = Duration.ofDays(366);

    private TokenLifetime() {
    }

    public static Duration parse(String s) {
        if (s == null || !s.matches("[1-9][0-9]{0,5}[dhm]")) {
            throw CofferException.badRequest("expiry must look like 90d, 12h or 30m");
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        Duration d = switch (s.charAt(s.length() - 1)) {
            case 'd' -> Duration.ofDays(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofMinutes(n);
        };
        if (d.compareTo(MAX) > 0) {
            throw CofferException.badRequest("tokens live at most " + MAX.toDays() + " days");
        }
        return d;
    }
}
