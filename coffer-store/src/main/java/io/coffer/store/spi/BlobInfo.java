package io.coffer.store.spi;

/** A key, its size in bytes, and an opaque version (content hash, ETag, ...). */
public record BlobInfo(String key, long size, String version) {
}
