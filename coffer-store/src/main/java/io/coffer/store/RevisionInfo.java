package io.coffer.store;

import java.time.Instant;

/** A revision as listed in the dataset's ref: enough to find and check its manifest. */
public record RevisionInfo(long revision, String dir, String manifestSha256, Instant publishedAt, long bytes) {
}
