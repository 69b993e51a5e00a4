package io.coffer.server.cli;

import io.coffer.importer.Mirrors;
import io.coffer.importer.SafeFetcher;
import io.coffer.model.DatasetId;
import io.coffer.store.DataStore;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "mirror", description = "Mirror external Data Packages: fetched on a schedule by 'coffer serve', "
        + "published only when they change.",
        subcommands = {MirrorCommand.Add.class, MirrorCommand.ListMirrors.class, MirrorCommand.Refresh.class,
                MirrorCommand.Remove.class})
final class MirrorCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Duration parseEvery(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        long n = Long.parseLong(t.replaceAll("[a-z]+$", ""));
        return switch (t.replaceAll("^[0-9]+", "")) {
            case "m", "min" -> Duration.ofMinutes(n);
            case "h", "" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("use e.g. 30m, 6h or 1d");
        };
    }

    @Command(name = "add", description = "Register URL (a datapackage.json or a zip) as the source of OWNER/NAME.")
    static final class Add implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "URL")
        URI url;
        @Parameters(index = "1", paramLabel = "OWNER/NAME")
        String dataset;
        @Option(names = "--every", defaultValue = "6h", description = "How often to check (30m, 6h, 1d; default 6h).")
        String every;
        @Option(names = "--allow-private-urls", description = "Allow loopback/private targets (admins only).")
        boolean allowPrivate;

        @Override
        public Integer call() {
            SafeFetcher f = new SafeFetcher(SafeFetcher.Policy.DEFAULT.withAllowPrivate(allowPrivate));
            try (DataStore ds = StoreOption.of(spec).open(); Mirrors m = new Mirrors(ds, f)) {
                m.add(DatasetId.parse(dataset), url, parseEvery(every), f);
                spec.commandLine().getOut().printf("mirroring %s into %s every %s%n", SafeFetcher.redact(url), dataset, every);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List mirrors and their last check.")
    static final class ListMirrors implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (DataStore ds = StoreOption.of(spec).open();
                 Mirrors m = new Mirrors(ds, new SafeFetcher(SafeFetcher.Policy.DEFAULT))) {
                for (Mirrors.Mirror x : m.list()) {
                    spec.commandLine().getOut().printf("%-40s %s every %s  last: %s %s%n", x.dataset(),
                            SafeFetcher.redact(x.url()), x.every(), x.lastStatus(), x.lastCheck() == null ? "" : x.lastCheck());
                }
            }
            return 0;
        }
    }

    @Command(name = "refresh", description = "Check a mirror now.")
    static final class Refresh implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "OWNER/NAME")
        String dataset;
        @Option(names = "--allow-private-urls")
        boolean allowPrivate;

        @Override
        public Integer call() throws Exception {
            try (DataStore ds = StoreOption.of(spec).open();
                 Mirrors m = new Mirrors(ds, new SafeFetcher(SafeFetcher.Policy.DEFAULT.withAllowPrivate(allowPrivate)))) {
                Mirrors.Result r = m.refresh(DatasetId.parse(dataset));
                spec.commandLine().getOut().printf("%s: %s%s (%s)%n", dataset, r.status(),
                        r.revision() == null ? "" : " revision " + r.revision(), r.message());
                return r.status() == Mirrors.Status.FAILED ? CofferCli.FAILED : 0;
            }
        }
    }

    @Command(name = "rm", description = "Stop mirroring (the dataset stays).")
    static final class Remove implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "OWNER/NAME")
        String dataset;

        @Override
        public Integer call() throws Exception {
            try (DataStore ds = StoreOption.of(spec).open();
                 Mirrors m = new Mirrors(ds, new SafeFetcher(SafeFetcher.Policy.DEFAULT))) {
                boolean removed = m.remove(DatasetId.parse(dataset));
                spec.commandLine().getOut().println(removed ? "removed " + dataset : "no mirror for " + dataset);
                return removed ? 0 : CofferCli.FAILED;
            }
        }
    }
}
