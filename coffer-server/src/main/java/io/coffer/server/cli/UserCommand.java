package io.coffer.server.cli;

import io.coffer.meta.MetaDb;
import io.coffer.meta.auth.AccountService;
import io.coffer.meta.auth.Principal;
import io.coffer.meta.auth.Security;
import io.coffer.store.DataStore;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code coffer user ...}: local accounts. These commands act as the machine's operator (whoever can run
 * them can read the database files anyway), so they need no login.
 */
@Command(name = "user", description = "Manage local user accounts.",
        subcommands = {UserCommand.Add.class, UserCommand.Passwd.class, UserCommand.Ls.class})
final class UserCommand {
    /** Passwords never come from the command line (visible in `ps` and shell history). */
    static char[] readPassword(boolean fromStdin, picocli.CommandLine.Model.CommandSpec spec) throws IOException {
        if (fromStdin) {
            BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = r.readLine();
            if (line == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "no password on standard input");
            }
            return line.toCharArray();
        }
        Console c = System.console();
        if (c == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "not on a terminal: pass the password on standard input with --password-stdin");
        }
        char[] a = c.readPassword("Password: ");
        char[] b = c.readPassword("Repeat it: ");
        if (a == null || !Arrays.equals(a, b)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "the passwords differ");
        }
        return a;
    }

    static Security security(MetaDb db) {
        // Account commands never touch datasets; the store is not opened.
        return new Security(db, (DataStore) null);
    }

    @Command(name = "add", description = "Create a user (the password is read from the terminal or stdin).")
    static final class Add implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        MetaOption meta;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--admin", description = "An admin may do everything.")
        boolean admin;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean stdin;

        @Option(names = "--no-password", description = "No password: the user logs in with OpenID Connect only.")
        boolean noPassword;

        @Override
        public Integer call() throws Exception {
            char[] pw = noPassword ? null : readPassword(stdin, spec);
            try (MetaDb db = meta.open(spec)) {
                security(db).accounts().createUser(Principal.SYSTEM, name, pw, admin);
            } finally {
                if (pw != null) {
                    Arrays.fill(pw, '\0');
                }
            }
            spec.commandLine().getOut().printf("created user %s%s%n", name, admin ? " (admin)" : "");
            return 0;
        }
    }

    @Command(name = "passwd", description = "Set a user's password.")
    static final class Passwd implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        MetaOption meta;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--password-stdin", description = "Read the password from the first line of standard input.")
        boolean stdin;

        @Override
        public Integer call() throws Exception {
            char[] pw = readPassword(stdin, spec);
            try (MetaDb db = meta.open(spec)) {
                security(db).accounts().setPassword(Principal.SYSTEM, name, pw);
            } finally {
                Arrays.fill(pw, '\0');
            }
            spec.commandLine().getOut().printf("password of %s changed%n", name);
            return 0;
        }
    }

    @Command(name = "ls", description = "List users.")
    static final class Ls implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        MetaOption meta;

        @Override
        public Integer call() {
            try (MetaDb db = meta.open(spec)) {
                AccountService acc = security(db).accounts();
                for (String n : acc.accounts().userNames()) {
                    boolean admin = acc.accounts().user(n).map(u -> u.admin()).orElse(false);
                    spec.commandLine().getOut().printf("%s%s%n", n, admin ? "  (admin)" : "");
                }
            }
            return 0;
        }
    }
}
