package io.coffer.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

@Command(name = "config", description = "Print the effective configuration of 'coffer serve' (flags, COFFER_* "
        + "variables, coffer.yaml, defaults), with where each value comes from. Secrets are masked.")
final class ConfigCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        CommandLine serve = root.getSubcommands().get("serve");
        ConfigDefaults defaults = CofferCli.defaults();
        // Parse an empty serve command line so every option resolves through the same providers as 'serve'.
        serve.parseArgs();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("# configuration file: %s%n", defaults.source() == null ? "(none)" : defaults.source());
        print(out, defaults, root.getCommandSpec().findOption("--store"), root.getCommandSpec());
        for (OptionSpec o : serve.getCommandSpec().options()) {
            if (!o.usageHelp() && !o.versionHelp() && !o.longestName().equals("--store-url")) {
                print(out, defaults, o, serve.getCommandSpec());
            }
        }
        return 0;
    }

    private static void print(PrintWriter out, ConfigDefaults d, OptionSpec o, CommandLine.Model.CommandSpec owner) {
        if (o == null) {
            return;
        }
        String key = ConfigDefaults.key(o);
        Object v = o.getValue();
        out.printf("%-20s = %-40s # %s%n", key, ConfigDefaults.mask(key, v == null ? "" : String.valueOf(v)),
                d.origin(o, false));
    }
}
