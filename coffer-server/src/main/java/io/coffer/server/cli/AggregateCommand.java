package io.coffer.server.cli;

import io.coffer.engine.CofferEngine;
import io.coffer.engine.babbage.AggregateRequest;
import io.coffer.model.Json;
import io.coffer.server.http.BabbageRoutes;
import io.coffer.store.DataStore;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coffer aggregate O/N --drilldown ... --cut ...}: the babbage aggregate query from the command line. */
@Command(name = "aggregate", description = "Aggregate a dataset (babbage query syntax); prints JSON or CSV.")
final class AggregateCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "OWNER/NAME[@REV]")
    String ref;

    @Option(names = "--drilldown", paramLabel = "REFS", description = "Refs to group by, '|'-separated, e.g. cofog1|time.year.")
    String drilldown;

    @Option(names = "--cut", paramLabel = "CUTS", description = "Filters, e.g. 'cofog1:\"4\";\"10\"|!region:\"x\"|time.year:2010..2012'.")
    List<String> cut = new ArrayList<>();

    @Option(names = "--order", paramLabel = "ORDER", description = "e.g. amount.sum:desc,cofog1.label.")
    String order;

    @Option(names = "--aggregates", paramLabel = "REFS", description = "Aggregates, '|'-separated (default: _count and every sum).")
    String aggregates;

    @Option(names = "--page", defaultValue = "1")
    int page;

    @Option(names = "--pagesize", paramLabel = "N", description = "Cells per page (JSON default 100; CSV default: all, up to the row limit).")
    Integer pageSize;

    @Option(names = "--format", defaultValue = "json", description = "json (default) or csv.")
    String format;

    @Override
    public Integer call() {
        DatasetRef r = DatasetRef.parse(ref);
        Map<String, List<String>> q = new LinkedHashMap<>();
        put(q, "drilldown", drilldown);
        cut.forEach(c -> put(q, "cut", c));
        put(q, "order", order);
        put(q, "aggregates", aggregates);
        put(q, "page", String.valueOf(page));
        put(q, "pagesize", pageSize == null ? null : String.valueOf(pageSize));
        put(q, "format", format);
        AggregateRequest req = AggregateRequest.fromQuery(q);
        try (DataStore ds = StoreOption.of(spec).open();
             CofferEngine engine = new CofferEngine(ds, io.coffer.engine.EngineConfig.fromEnvironment(System.getenv()))) {
            if (req.csv()) {
                OutputStream out = new LineOutputStream(spec.commandLine().getOut());
                var result = engine.babbage().aggregateCsv(r.id(), r.revision(), req, out);
                out.flush();
                if (result.truncated()) {
                    spec.commandLine().getErr().printf("coffer: output stopped at %d rows (COFFER_ENGINE_CSV_MAX_ROWS)%n",
                            result.rows());
                }
            } else {
                spec.commandLine().getOut().println(new String(Json.write(
                        engine.babbage().aggregate(r.id(), r.revision(), req)), StandardCharsets.UTF_8));
                spec.commandLine().getOut().flush();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return 0;
    }

    /** Bytes to the command's writer, decoded a line at a time (CSV lines end in CRLF, so never mid-character). */
    static final class LineOutputStream extends OutputStream {
        private final java.io.PrintWriter out;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        LineOutputStream(java.io.PrintWriter out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            out.write(line.toString(StandardCharsets.UTF_8));
            line.reset();
            out.flush();
        }
    }

    private static void put(Map<String, List<String>> q, String k, String v) {
        if (v != null) {
            q.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
    }
}
