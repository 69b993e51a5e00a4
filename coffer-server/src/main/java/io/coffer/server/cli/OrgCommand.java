package io.coffer.server.cli;

import io.coffer.meta.Accounts;
import io.coffer.meta.MetaDb;
import io.coffer.meta.Role;
import io.coffer.meta.auth.Principal;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code coffer org ...}: organizations and their members, as the local operator. */
@Command(name = "org", description = "Manage organizations and their members.",
        subcommands = {OrgCommand.Add.class, OrgCommand.Member.class})
final class OrgCommand {
    @Command(name = "add", description = "Create an organization.")
    static final class Add implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        MetaOption meta;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--owner", paramLabel = "USER", description = "Make this user its owner.")
        String owner;

        @Override
        public Integer call() {
            try (MetaDb db = meta.open(spec)) {
                var acc = UserCommand.security(db).accounts();
                acc.createOrg(Principal.SYSTEM, name);
                if (owner != null) {
                    acc.setMember(Principal.SYSTEM, name, owner, Role.OWNER);
                }
            }
            spec.commandLine().getOut().printf("created organization %s%s%n", name, owner == null ? "" : " owned by " + owner);
            return 0;
        }
    }

    @Command(name = "member", description = "Add, change, remove and list members.",
            subcommands = {MemberAdd.class, MemberRemove.class, MemberLs.class})
    static final class Member {
    }

    @Command(name = "add", description = "Add a member, or change their role.")
    static final class MemberAdd implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        MetaOption meta;

        @Parameters(index = "0", paramLabel = "ORG")
        String org;

        @Parameters(index = "1", paramLabel = "USER")
        String user;

        @Option(names = "--role", required = true, description = "owner, editor or viewer.")
        String role;

        @Override
        public Integer call() {
            Role r = Role.parse(role);
            try (MetaDb db = meta.open(spec)) {
                UserCommand.security(db).accounts().setMember(Principal.SYSTEM, org, user, r);
            }
            spec.commandLine().getOut().printf("%s is %s of %s%n", user, r.code(), org);
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove a member.")
    static final class MemberRemove implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        MetaOption meta;

        @Parameters(index = "0", paramLabel = "ORG")
        String org;

        @Parameters(index = "1", paramLabel = "USER")
        String user;

        @Override
        public Integer call() {
            try (MetaDb db = meta.open(spec)) {
                UserCommand.security(db).accounts().removeMember(Principal.SYSTEM, org, user);
            }
            spec.commandLine().getOut().printf("%s removed from %s%n", user, org);
            return 0;
        }
    }

    @Command(name = "ls", description = "List the members of an organization.")
    static final class MemberLs implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        MetaOption meta;

        @Parameters(paramLabel = "ORG")
        String org;

        @Override
        public Integer call() {
            try (MetaDb db = meta.open(spec)) {
                for (Accounts.Membership m : UserCommand.security(db).accounts().members(Principal.SYSTEM, org)) {
                    spec.commandLine().getOut().printf("%-30s %s%n", m.user(), m.role().code());
                }
            }
            return 0;
        }
    }
}
