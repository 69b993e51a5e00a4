package io.coffer.server.cli;

import io.coffer.meta.MetaDb;
import io.coffer.store.Stores;
import picocli.CommandLine.Option;

/** {@code --database}: the metadata database (accounts, tokens), next to the store unless named. */
final class MetaOption {
    @Option(names = {"--database", "--database-url"}, paramLabel = "JDBC_URL", defaultValue = "${env:COFFER_DATABASE_URL}",
            description = "Metadata database: jdbc:postgresql://host/db for several nodes; default an embedded H2 "
                    + "file under the store's directory. Env: COFFER_DATABASE_URL (credentials: "
                    + "COFFER_DATABASE_USER, COFFER_DATABASE_PASSWORD).")
    String url;

    MetaDb open(picocli.CommandLine.Model.CommandSpec spec) {
        String store = StoreOption.of(spec).location;
        return MetaDb.open(MetaDb.urlFor(Stores.toUri(store), url), System.getenv("COFFER_DATABASE_USER"),
                System.getenv("COFFER_DATABASE_PASSWORD"));
    }
}
