package io.coffer.events;

/** Runs one job. Must be idempotent: a job whose node died mid-way runs again from the start elsewhere. */
@FunctionalInterface
public interface JobHandler {
    void run(Jobs.Job job) throws Exception;

    /** Thrown by a handler for a failure that retrying cannot fix. */
    final class Permanent extends RuntimeException {
        public Permanent(String message) {
            super(message);
        }
    }
}
