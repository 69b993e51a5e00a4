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
                TokenCommand.class, DiffCommand.class, HistoryCommand.class, CommandLine.HelpCommand.class})
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

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CofferCli());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CofferException ce) {
                err.println("coffer: " + ce.getMessage());
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

    public static void main(String[] args) {
        int code = commandLine().execute(args);
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
