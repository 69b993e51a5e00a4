package io.coffer.server.http;

import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import io.coffer.versions.AsOf;
import io.javalin.http.Context;

/**
 * The one resolver of "which revision" for every read route: {@code ?revision=N}, or {@code ?asOf=} an ISO date
 * or timestamp (the latest revision published at or before it), else null (the latest). Both at once is a 400.
 */
public final class RevisionParam {
    private RevisionParam() {
    }

    public static Long of(Context ctx, DataStore store, DatasetId id) {
        return AsOf.resolve(store, id, DatasetRoutes.revisionParam(ctx), ctx.queryParam("asOf"));
    }
}
