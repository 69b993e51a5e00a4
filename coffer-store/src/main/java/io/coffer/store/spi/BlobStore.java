package io.coffer.store.spi;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The storage SPI: a flat namespace of keys ({@code a/b/c.csv}, validated by {@link BlobKeys}) holding
 * either immutable blobs (written once by {@link #put}) or small mutable refs (changed only by
 * {@link #compareAndSet}). Everything versioned is built once, above this, in {@code DataStore}; a backend
 * only has to make {@code put} atomic per key (readers see the whole blob or nothing) and
 * {@code compareAndSet} linearizable.
 *
 * <p>Implementations are found by {@link BlobStoreProvider} through {@link java.util.ServiceLoader} and
 * must pass the contract kit in {@code coffer-store-testkit}.
 */
public interface BlobStore extends AutoCloseable {

    /** Opens a blob for reading, or empty when absent. The caller closes the stream. */
    Optional<InputStream> open(String key) throws IOException;

    /** Opens {@code length} bytes from {@code offset} (clamped at the end of the blob). */
    Optional<InputStream> open(String key, long offset, long length) throws IOException;

    /** Size and version of a blob or ref, or empty when absent. */
    Optional<BlobInfo> stat(String key) throws IOException;

    /**
     * Writes a whole blob, replacing any previous one. Readers never see a partial blob; on failure the key
     * holds the old value or nothing. {@code length} is the exact number of bytes, or -1 when unknown.
     */
    void put(String key, InputStream data, long length) throws IOException;

    /** Every key under {@code prefix} (which ends with '/' or is empty), sorted, at most {@code limit}. */
    List<BlobInfo> list(String prefix, int limit) throws IOException;

    /** Names one level below {@code prefix} (a "directory" listing), sorted, without the trailing '/'. */
    List<String> children(String prefix) throws IOException;

    /** Deletes a blob or ref; returns whether it existed. */
    boolean delete(String key) throws IOException;

    /** Reads a ref: its bytes and the version to pass to {@link #compareAndSet}. */
    Optional<Ref> getRef(String key) throws IOException;

    /**
     * Sets a ref to {@code value} if its current version is {@code expectedVersion} ({@code null}: only if
     * the ref does not exist). Never throws for a lost race: that is {@link CasOutcome.Conflict}. When the
     * backend cannot tell whether the write took effect, the outcome is {@link CasOutcome.Unknown}.
     */
    CasOutcome compareAndSet(String key, String expectedVersion, byte[] value);

    /** A human description for logs and {@code coffer config}, never holding credentials. */
    String describe();

    @Override
    default void close() throws IOException {
    }
}
