package io.coffer.server.cli;

import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import io.coffer.model.Json;
import io.coffer.server.http.VersionRoutes;
import io.coffer.store.DataStore;
import io.coffer.store.Revision;
import io.coffer.versions.Diff;
import io.coffer.versions.Versions;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "diff", description = "Compare two revisions of a keyed dataset: schema diff, rows added, removed "
        + "and changed (old and new cells), with counts.")
final class DiffCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "OWNER/NAME@FROM..TO", description = "e.g. city/grants@1..2 (TO omitted: the latest).")
    String ref;

    @Option(names = "--format", defaultValue = "json", paramLabel = "json|csv",
            description = "json (default): schema diff, counts and the first --limit rows; csv: every row.")
    String format;

    @Option(names = "--limit", defaultValue = "100", description = "Rows in the JSON output (at most 1000).")
    int limit;

    @Option(names = "--resource", description = "The resource (default: the first one with a primary key).")
    String resource;

    @Override
    public Integer call() throws Exception {
        int at = ref.indexOf('@');
        if (at < 0) {
            throw new CofferException(ErrorCode.INVALID_REVISION, "'" + ref + "': expected OWNER/NAME@FROM..TO");
        }
        DatasetId id = DatasetId.parse(ref.substring(0, at));
        String[] range = ref.substring(at + 1).split("\\.\\.", -1);
        long from = revision(range[0]);
        Long to = range.length > 1 && !range[1].isBlank() ? revision(range[1]) : null;
        if (!format.equals("json") && !format.equals("csv")) {
            throw new CofferException(ErrorCode.BAD_REQUEST, "--format must be json or csv");
        }
        try (DataStore ds = StoreOption.of(spec).open(); io.coffer.server.http.Analytics an = io.coffer.server.http.Analytics.fromEnvironment(ds)) {
            Versions v = an.versions();
            Revision a = ds.revision(id, from);
            Revision b = ds.revision(id, to);
            if (format.equals("csv")) {
                Diff.csv(v, a, b, resource, spec.commandLine().getOut());
            } else {
                spec.commandLine().getOut().println(new String(Json.write(Diff.json(v, a, b, resource, limit, 0)),
                        StandardCharsets.UTF_8));
            }
        }
        return 0;
    }

    private static long revision(String s) {
        try {
            long n = Long.parseLong(s.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new CofferException(ErrorCode.INVALID_REVISION, "'" + s + "': revision must be a positive number");
    }
}
