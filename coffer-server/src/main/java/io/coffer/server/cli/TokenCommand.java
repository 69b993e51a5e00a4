package io.coffer.server.cli;

import io.coffer.meta.MetaDb;
import io.coffer.meta.Scope;
import io.coffer.meta.Tokens;
import io.coffer.meta.auth.AccountService;
import io.coffer.meta.auth.Principal;
import io.coffer.server.http.TokenLifetime;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coffer token ...}: API tokens, as the local operator. */
@Command(name = "token", description = "Create, list and revoke API tokens.",
        subcommands = {TokenCommand.Create.class, TokenCommand.Revoke.class, TokenCommand.Ls.class})
final class TokenCommand {
    @Command(name = "create", description = "Create a token and print its secret (shown this once only).")
    static final class Create implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        MetaOption meta;

        @Option(names = "--user", required = true, description = "The user the token acts for.")
        String user;

        @Option(names = "--scope", required = true, description = "read or publish (publish includes read).")
        String scope;

        @Option(names = "--owner", required = true, description = "The owner (user or organization) it is limited to.")
        String owner;

        @Option(names = "--dataset", description = "Limit it further to one dataset of the owner.")
        String dataset;

        @Option(names = "--expires", defaultValue = TokenLifetime.DEFAULT,
                description = "Lifetime, e.g. 30d, 12h, 90m (default ${DEFAULT-VALUE}, at most 366d).")
        String expires;

        @Option(names = "--description", description = "A note for yourself (what uses it).")
        String description;

        @Override
        public Integer call() {
            Scope s = Scope.parse(scope);
            Instant at = Instant.now().plus(TokenLifetime.parse(expires));
            AccountService.IssuedToken t;
            try (MetaDb db = meta.open(spec)) {
                t = UserCommand.security(db).accounts().createToken(Principal.SYSTEM, user, s, owner, dataset, at,
                        description);
            }
            // The secret goes to stdout alone on its line, so `coffer token create ... > file` stores just it.
            spec.commandLine().getOut().println(t.secret());
            spec.commandLine().getErr().printf("token %s for %s: %s on %s%s, expires %s. The secret above is shown "
                            + "once; keep it in a file or secret store.%n", t.token().id(), user, s.code(), owner,
                    dataset == null ? "" : "/" + dataset, at);
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a token by its id.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        MetaOption meta;

        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            try (MetaDb db = meta.open(spec)) {
                UserCommand.security(db).accounts().revokeToken(Principal.SYSTEM, id);
            }
            spec.commandLine().getOut().printf("revoked %s%n", id);
            return 0;
        }
    }

    @Command(name = "ls", description = "List a user's tokens (never their secrets).")
    static final class Ls implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        MetaOption meta;

        @Option(names = "--user", required = true)
        String user;

        @Override
        public Integer call() {
            long now = System.currentTimeMillis();
            try (MetaDb db = meta.open(spec)) {
                for (Tokens.Token t : UserCommand.security(db).accounts().tokens(Principal.SYSTEM, user)) {
                    spec.commandLine().getOut().printf("%-18s %-8s %-40s %s%n", t.id(), t.scope().code(),
                            t.owner() + (t.dataset() == null ? "" : "/" + t.dataset()),
                            t.revokedAt() != null ? "revoked" : !t.usableAt(now) ? "expired"
                                    : t.expiresAt() == null ? "active" : "active until " + Instant.ofEpochMilli(t.expiresAt()));
                }
            }
            return 0;
        }
    }
}
