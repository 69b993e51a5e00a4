package io.coffer.server.cli;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code coffer}: the command line, and the main class of the runnable jar. */
@Command(name = "coffer", mixinStandardHelpOptions = true, versionProvider = CofferCli.Version.class,
        description = "Coffer: publish, version and serve public-spending Data Packages.",
        subcommands = {InitCommand.class, ValidateCommand.class, PublishCommand.class, ListCommand.class,
                ShowCommand.class, PullCommand.class, DeleteCommand.class, ServeCommand.class, RegistryCommand.class,
                ImportCommand.class, MirrorCommand.class, AggregateCommand.class, UserCommand.class, OrgCommand.class,
                TokenCommand.class, ConfigCommand.class, DiffCommand.class, HistoryCommand.class,
                CommandLine.HelpCommand.class})
public final class CofferCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    StoreOption store;

    /** Exit codes: 0 ok, 1 the operation failed, 2 the command line was wrong, 3 a conflict (retry). */
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int CONFLICT = 3;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @CommandLine.Option(names = "--config", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "Configuration file (default ./coffer.yaml when present). Env: COFFER_CONFIG.")
    String config;

    private static volatile ConfigDefaults defaults = ConfigDefaults.load(null, System.getenv());

    static ConfigDefaults defaults() {
        return defaults;
    }

    /** The command line with configuration from {@code coffer.yaml} and {@code COFFER_*} applied (strictly). */
    public static CommandLine commandLine(String... args) {
        String explicit = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                explicit = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                explicit = args[i].substring("--config=".length());
            }
        }
        defaults = ConfigDefaults.load(explicit, System.getenv());
        CommandLine cl = new CommandLine(new CofferCli());
        defaults.checkKnown(cl.getCommandSpec());
        cl.setDefaultValueProvider(defaults);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CofferException ce) {
                // The code is the same one the HTTP API answers with (problem+json "code").
                err.println("coffer: " + ce.getMessage() + " [" + ce.code().code() + "]");
                ce.details().stream().skip(1).limit(20).forEach(d -> err.println("  - " + d));
                if (ce.details().size() > 21) {
                    err.println("  ... and " + (ce.details().size() - 21) + " more");
                }
                err.flush();
                return ce.code() == ErrorCode.CONFLICT ? CONFLICT : FAILED;
            }
            err.println("coffer: " + e);
            err.flush();
            org.slf4j.LoggerFactory.getLogger(CofferCli.class).debug("command failed", e);
            return FAILED;
        });
        return cl;
    }

    /** The record-history job handler the server registers (exposed for tests). */
    public static io.coffer.events.JobHandler historyJob(io.coffer.store.DataStore store,
                                                         io.coffer.versions.Versions versions) {
        return new HistoryJob(store, versions);
    }

    public static void main(String[] args) {
        CommandLine cl;
        try {
            cl = commandLine(args);
        } catch (CofferException e) {
            System.err.println("coffer: " + e.getMessage());
            System.exit(USAGE);
            return;
        }
        int code = cl.execute(args);
        if (code != 0 || !ServeCommand.serving()) {
            System.exit(code);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CofferCli.class.getPackage().getImplementationVersion();
            return new String[] {"coffer " + (v == null ? "development build" : v)};
        }
    }
}
