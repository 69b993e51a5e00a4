package io.coffer.store;

import java.util.Locale;
import java.util.Map;

/** Content types for the files Coffer serves, by extension. Unknown types are served as bytes. */
public final class MediaTypes {
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("csv", "text/csv"), Map.entry("json", "application/json"),
            Map.entry("geojson", "application/geo+json"), Map.entry("txt", "text/plain"),
            Map.entry("md", "text/markdown"), Map.entry("tsv", "text/tab-separated-values"),
            Map.entry("parquet", "application/vnd.apache.parquet"), Map.entry("zip", "application/zip"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("xls", "application/vnd.ms-excel"), Map.entry("pdf", "application/pdf"),
            Map.entry("xml", "application/xml"), Map.entry("png", "image/png"), Map.entry("svg", "image/svg+xml"));

    private MediaTypes() {
    }

    public static String of(String path) {
        int dot = path.lastIndexOf('.');
        String ext = dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
        return BY_EXTENSION.getOrDefault(ext, "application/octet-stream");
    }
}
