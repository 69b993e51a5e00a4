package io.coffer.server.cli;

import io.coffer.model.CofferException;
import io.coffer.model.Json;
import io.coffer.server.http.VersionRoutes;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import io.coffer.versions.History;
import io.coffer.versions.Versions;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "history", description = "Every version of one record (by primary key): its cells, the revision "
        + "and time it appeared in and the last revision it was live in.")
final class HistoryCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OWNER/NAME[@REV]")
    String ref;

    @Parameters(index = "1", paramLabel = "KEY", description = "The primary key value (several key fields: "
            + "values separated by commas).")
    String key;

    @Option(names = "--resource", description = "The resource (default: the first one with a primary key).")
    String resource;

    @Override
    public Integer call() throws Exception {
        DatasetRef r = DatasetRef.parse(ref);
        try (DataStore ds = StoreOption.of(spec).open(); io.coffer.server.http.Analytics a = io.coffer.server.http.Analytics.fromEnvironment(ds)) {
            Versions v = a.versions();
            Revision rev = ds.revision(r.id(), r.revision());
            Versions.Keyed k = v.keyed(rev, resource).requireKey();
            List<String> values = k.key().size() == 1 ? List.of(key) : Arrays.asList(key.split(",", -1));
            List<History.Version> found = History.of(v, rev, k.name(), values);
            if (found.isEmpty()) {
                throw CofferException.notFound("no record with " + k.key() + " = " + values + " in " + r.id());
            }
            spec.commandLine().getOut().println(new String(Json.write(History.toJson(rev, k.name(), k.key(), values,
                    found)), StandardCharsets.UTF_8));
        }
        return 0;
    }
}
