package io.coffer.server.http;

import io.coffer.model.DatasetId;
import io.javalin.http.Context;
import java.util.function.Predicate;

/**
 * Which datasets a request may read. The read routes ask this before they answer; the decision itself is
 * made by the service layer ({@code DatasetService}/{@code Authorizer}), never by a route.
 */
public interface ReadAccess {
    /** Throws not-found when the dataset is hidden from this request. */
    void require(Context ctx, DatasetId id);

    /** The datasets this request may see, for listings and the registry. */
    Predicate<DatasetId> filter(Context ctx);

    /** True when nothing is hidden at all, so listings need no filtering. */
    boolean everythingVisible(Context ctx);

    /** A server without accounts: everything is public. */
    ReadAccess PUBLIC = new ReadAccess() {
        @Override
        public void require(Context ctx, DatasetId id) {
        }

        @Override
        public Predicate<DatasetId> filter(Context ctx) {
            return id -> true;
        }

        @Override
        public boolean everythingVisible(Context ctx) {
            return true;
        }
    };
}
