package io.coffer.events;

/** Runs one job. Must be idempotent: a job whose node died mid-way runs again from the start elsewhere. */
@FunctionalInterface
public interface JobHandler {
    void run(Jobs.Job job) throws Exception;

    /** The revision a (dataset, revision) job is about, or empty when the dataset was deleted since. */
    static java.util.Optional<io.coffer.store.Revision> revisionOf(io.coffer.store.DataStore store, Jobs.Job job) {
        io.coffer.model.DatasetId id = io.coffer.model.DatasetId.parse(job.subject());
        try {
            return java.util.Optional.of(store.revision(id, job.revision()));
        } catch (io.coffer.model.CofferException e) {
            if (e.code() == io.coffer.model.ErrorCode.NOT_FOUND) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }

    /** Data a retry cannot fix fails the job at once; anything else is retried with backoff. */
    static RuntimeException classify(io.coffer.model.CofferException e) {
        return switch (e.code()) {
            case INVALID_DATA, INVALID_DESCRIPTOR, CORRUPT -> new Permanent(e.getMessage());
            default -> e;
        };
    }

    /** Thrown by a handler for a failure that retrying cannot fix. */
    final class Permanent extends RuntimeException {
        public Permanent(String message) {
            super(message);
        }
    }
}
