package io.coffer.loader;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Collects one table's errors: counts all, keeps the first {@code capPerType} of each type. Not thread-safe. */
final class ErrorCollector {
    private static final int MAX_WARNINGS = 100;

    private final int capPerType;
    private final EnumMap<ErrorType, Long> counts = new EnumMap<>(ErrorType.class);
    private final EnumMap<ErrorType, Integer> keptByType = new EnumMap<>(ErrorType.class);
    private final List<ReportError> kept = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private long droppedWarnings;

    ErrorCollector(int capPerType) {
        this.capPerType = capPerType;
    }

    /** Counts an error; builds it (only) when it is among the first of its type. */
    void add(ErrorType type, Supplier<ReportError> error) {
        counts.merge(type, 1L, Long::sum);
        int k = keptByType.getOrDefault(type, 0);
        if (k < capPerType) {
            keptByType.put(type, k + 1);
            kept.add(error.get());
        }
    }

    /** Counts errors found but not kept (e.g. duplicates beyond the ones already added). */
    void countOnly(ErrorType type, long n) {
        if (n > 0) {
            counts.merge(type, n, Long::sum);
        }
    }

    void add(ReportError e) {
        add(e.type(), () -> e);
    }

    void warn(String w) {
        if (warnings.size() < MAX_WARNINGS) {
            warnings.add(w);
        } else {
            droppedWarnings++;
        }
    }

    long count(ErrorType type) {
        return counts.getOrDefault(type, 0L);
    }

    long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    ReportTask task(String name, String place, List<String> labels, long rows, long bytes, int fields,
                    double seconds) {
        List<ReportError> sorted = new ArrayList<>(kept);
        sorted.sort(Comparator.comparing((ReportError e) -> e.rowNumber() == null ? 0L : e.rowNumber())
                .thenComparing(e -> e.fieldNumber() == null ? 0 : e.fieldNumber()));
        Map<String, Long> byCode = new LinkedHashMap<>();
        counts.forEach((t, c) -> byCode.put(t.code(), c));
        List<String> ws = new ArrayList<>(warnings);
        if (droppedWarnings > 0) {
            ws.add(droppedWarnings + " more warning(s) not listed");
        }
        return new ReportTask(name, place, labels, rows, bytes, fields, seconds, sorted, byCode, ws);
    }
}
