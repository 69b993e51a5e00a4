package io.coffer.store;

/** One file of a revision as the manifest records it. */
public record FileEntry(String path, long bytes, String sha256, String mediatype) {
}
