package io.coffer.meta;

import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Users, organizations and memberships. No authorization here: callers go through {@code Authorizer}. */
public final class Accounts {
    private final Jdbi jdbi;

    public Accounts(MetaDb db) {
        this.jdbi = db.jdbi();
    }

    public record User(String name, boolean admin, String passwordHash, String oidcIssuer, String oidcSubject) {
    }

    public record Membership(String org, String user, Role role) {
    }

    public enum OwnerKind { USER, ORG }

    public Optional<OwnerKind> ownerKind(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT kind FROM owners WHERE name = :n").bind("n", name)
                .mapTo(String.class).findOne().map(k -> k.equals("user") ? OwnerKind.USER : OwnerKind.ORG));
    }

    public void createUser(String name, String passwordHash, boolean admin, String oidcIssuer, String oidcSubject) {
        createUser(name, passwordHash, admin, oidcIssuer, oidcSubject, NOTHING);
    }

    /** {@code also} runs in the same transaction (the change-log event of this change). */
    public void createUser(String name, String passwordHash, boolean admin, String oidcIssuer, String oidcSubject,
                           java.util.function.Consumer<Handle> also) {
        inTransaction(h -> {
            h.createUpdate("INSERT INTO owners (name, kind, created_at) VALUES (:n, 'user', :t)")
                    .bind("n", name).bind("t", System.currentTimeMillis()).execute();
            h.createUpdate("INSERT INTO users (name, password_hash, admin, oidc_issuer, oidc_subject) "
                            + "VALUES (:n, :p, :a, :i, :s)")
                    .bind("n", name).bind("p", passwordHash).bind("a", admin).bind("i", oidcIssuer).bind("s", oidcSubject)
                    .execute();
            also.accept(h);
            return null;
        }, "the name '" + name + "' is already taken by a user or an organization");
    }

    public void createOrg(String name, String firstOwner) {
        createOrg(name, firstOwner, NOTHING);
    }

    /** {@code also} runs in the same transaction. */
    public void createOrg(String name, String firstOwner, java.util.function.Consumer<Handle> also) {
        inTransaction(h -> {
            h.createUpdate("INSERT INTO owners (name, kind, created_at) VALUES (:n, 'org', :t)")
                    .bind("n", name).bind("t", System.currentTimeMillis()).execute();
            h.createUpdate("INSERT INTO orgs (name) VALUES (:n)").bind("n", name).execute();
            if (firstOwner != null) {
                h.createUpdate("INSERT INTO memberships (org_name, user_name, role) VALUES (:o, :u, 'owner')")
                        .bind("o", name).bind("u", firstOwner).execute();
            }
            also.accept(h);
            return null;
        }, "the name '" + name + "' is already taken by a user or an organization");
    }

    public Optional<User> user(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, admin, password_hash, oidc_issuer, oidc_subject FROM users "
                        + "WHERE name = :n").bind("n", name)
                .map((rs, ctx) -> new User(rs.getString(1), rs.getBoolean(2), rs.getString(3), rs.getString(4),
                        rs.getString(5)))
                .findOne());
    }

    public Optional<User> userByOidc(String issuer, String subject) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM users WHERE oidc_issuer = :i AND oidc_subject = :s")
                .bind("i", issuer).bind("s", subject).mapTo(String.class).findOne()).flatMap(this::user);
    }

    public List<String> userNames() {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM users ORDER BY name").mapTo(String.class).list());
    }

    public void setPasswordHash(String user, String hash) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET password_hash = :p WHERE name = :n")
                .bind("p", hash).bind("n", user).execute());
    }

    public boolean orgExists(String name) {
        return ownerKind(name).orElse(null) == OwnerKind.ORG;
    }

    /** The role of {@code user} in {@code org}, if a member. */
    public Optional<Role> role(String org, String user) {
        return jdbi.withHandle(h -> h.createQuery("SELECT role FROM memberships WHERE org_name = :o AND user_name = :u")
                .bind("o", org).bind("u", user).mapTo(String.class).findOne().map(Role::parse));
    }

    public List<Membership> members(String org) {
        return jdbi.withHandle(h -> h.createQuery("SELECT org_name, user_name, role FROM memberships WHERE org_name = :o "
                        + "ORDER BY user_name").bind("o", org)
                .map((rs, ctx) -> new Membership(rs.getString(1), rs.getString(2), Role.parse(rs.getString(3)))).list());
    }

    public List<Membership> memberships(String user) {
        return jdbi.withHandle(h -> h.createQuery("SELECT org_name, user_name, role FROM memberships WHERE user_name = :u "
                        + "ORDER BY org_name").bind("u", user)
                .map((rs, ctx) -> new Membership(rs.getString(1), rs.getString(2), Role.parse(rs.getString(3)))).list());
    }

    /** Adds a member or changes their role; refuses to leave the organization without an owner. */
    public void setRole(String org, String user, Role role) {
        setRole(org, user, role, NOTHING);
    }

    /** {@code also} runs in the same transaction. */
    public void setRole(String org, String user, Role role, java.util.function.Consumer<Handle> also) {
        jdbi.useTransaction(h -> {
            Optional<String> current = h.createQuery("SELECT role FROM memberships WHERE org_name = :o AND user_name = :u "
                    + "FOR UPDATE").bind("o", org).bind("u", user).mapTo(String.class).findOne();
            if (current.isPresent()) {
                if (current.get().equals("owner") && role != Role.OWNER) {
                    requireAnotherOwner(h, org, user);
                }
                h.createUpdate("UPDATE memberships SET role = :r WHERE org_name = :o AND user_name = :u")
                        .bind("r", role.code()).bind("o", org).bind("u", user).execute();
            } else {
                h.createUpdate("INSERT INTO memberships (org_name, user_name, role) VALUES (:o, :u, :r)")
                        .bind("o", org).bind("u", user).bind("r", role.code()).execute();
            }
            also.accept(h);
        });
    }

    /** Removes a member; false when they were not one. */
    public boolean removeMember(String org, String user) {
        return removeMember(org, user, NOTHING);
    }

    /** {@code also} runs in the same transaction, when there was a member to remove. */
    public boolean removeMember(String org, String user, java.util.function.Consumer<Handle> also) {
        return jdbi.inTransaction(h -> {
            Optional<String> current = h.createQuery("SELECT role FROM memberships WHERE org_name = :o AND user_name = :u "
                    + "FOR UPDATE").bind("o", org).bind("u", user).mapTo(String.class).findOne();
            if (current.isEmpty()) {
                return false;
            }
            if (current.get().equals("owner")) {
                requireAnotherOwner(h, org, user);
            }
            h.createUpdate("DELETE FROM memberships WHERE org_name = :o AND user_name = :u")
                    .bind("o", org).bind("u", user).execute();
            also.accept(h);
            return true;
        });
    }

    private static void requireAnotherOwner(Handle h, String org, String user) {
        int others = h.createQuery("SELECT COUNT(*) FROM memberships WHERE org_name = :o AND role = 'owner' "
                + "AND user_name <> :u").bind("o", org).bind("u", user).mapTo(Integer.class).one();
        // The core organization is run by admins, so it may have no owner.
        if (others == 0 && !org.equals("core")) {
            throw new CofferException(ErrorCode.CONFLICT, "'" + user + "' is the last owner of '" + org
                    + "'; make someone else owner first");
        }
    }

    private static final java.util.function.Consumer<Handle> NOTHING = h -> {
    };

    private <T> T inTransaction(org.jdbi.v3.core.HandleCallback<T, RuntimeException> work, String conflictMessage) {
        try {
            return jdbi.inTransaction(work);
        } catch (UnableToExecuteStatementException e) {
            if (isUniqueViolation(e)) {
                throw new CofferException(ErrorCode.CONFLICT, conflictMessage);
            }
            throw e;
        }
    }

    static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
