package io.coffer.store.spi;

/** A small mutable value and its opaque version, as read for a compare-and-set. */
public record Ref(byte[] value, String version) {
}
