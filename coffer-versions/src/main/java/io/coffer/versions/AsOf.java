package io.coffer.versions;

import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.store.DataStore;
import io.coffer.store.RevisionInfo;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * {@code asOf=}: the latest revision published at or before a time. Accepts an instant
 * ({@code 2026-11-23T10:50:35Z}), a date-time with an offset, a local date-time (UTC) or a date (the end of that
 * day, UTC: "as of 23 November" includes what was published that day).
 */
public final class AsOf {
    private AsOf() {
    }

    public static Instant parse(String text) {
        String t = text.trim();
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return LocalDate.parse(t).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusNanos(1);
        } catch (DateTimeParseException e) {
            throw new CofferException(ErrorCode.INVALID_REVISION, "asOf must be an ISO date or timestamp, e.g. "
                    + "2026-11-23 or 2026-11-23T10:50:35Z");
        }
    }

    /** The revision to read: {@code revision} as given, else the one {@code asOf} names, else null (the latest). */
    public static Long resolve(DataStore store, DatasetId id, Long revision, String asOf) {
        if (asOf == null || asOf.isBlank()) {
            return revision;
        }
        if (revision != null) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "give revision or asOf, not both");
        }
        Instant at = parse(asOf);
        RevisionInfo found = null;
        for (RevisionInfo r : store.revisions(id)) {
            if (!r.publishedAt().isAfter(at)) {
                found = r;
            }
        }
        if (found == null) {
            throw CofferException.notFound("no revision of " + id + " was published at or before " + at);
        }
        return found.revision();
    }
}
