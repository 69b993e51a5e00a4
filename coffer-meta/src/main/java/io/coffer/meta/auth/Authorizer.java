package io.coffer.meta.auth;

import io.coffer.meta.Accounts;
import io.coffer.meta.DatasetAccess;
import io.coffer.meta.Role;
import io.coffer.meta.Scope;
import io.coffer.meta.Tokens;
import io.coffer.meta.Visibility;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Every authorization decision of Coffer is made here, and only here. Services call it before they act;
 * HTTP handlers and CLI commands never look at roles themselves.
 *
 * <ul>
 *   <li>An owner namespace is a user's own name (the user is its {@link Role#OWNER}) or an organization's
 *   name (its members hold owner, editor or viewer).</li>
 *   <li>Publishing, deleting and changing a dataset need editor or owner on its owner; admins may do
 *   everything. Private datasets are visible only to members of their owner and to admins.</li>
 *   <li>An API token never adds rights: it narrows its user's rights to a scope (read, or publish which
 *   includes read) within one owner or one dataset, and it cannot manage accounts.</li>
 * </ul>
 * Refusals: 401 when nobody is authenticated, 403 when the principal lacks the right, and 404 when the
 * target is a private dataset the principal may not even see.
 */
public final class Authorizer {
    private final Accounts accounts;
    private final DatasetAccess access;
    /** Whether the store holds datasets (or tombstones) under an owner name; such names are reserved. */
    private final Predicate<String> ownerHasData;

    /** Whether a dataset exists in the store (null: unknown, treated as existing). */
    private final Predicate<DatasetId> exists;

    public Authorizer(Accounts accounts, DatasetAccess access) {
        this(accounts, access, owner -> false, id -> true);
    }

    public Authorizer(Accounts accounts, DatasetAccess access, Predicate<String> ownerHasData, Predicate<DatasetId> exists) {
        this.accounts = accounts;
        this.access = access;
        this.ownerHasData = ownerHasData;
        this.exists = exists;
    }

    /**
     * Claiming an owner namespace (creating an organization): any logged-in person, unless the store already
     * holds datasets under that name without an account or organization (published by the local CLI or an
     * import before the name was claimed). Such a name is reserved: only an admin or the local operator may
     * claim it, else anyone could create the organization and so take over its datasets.
     */
    public void requireOwnerClaim(Principal p, String name) {
        requireAccountSession(p);
        if (p.admin() || p.system()) {
            return;
        }
        if (accounts.ownerKind(name).isEmpty() && ownerHasData.test(name)) {
            throw new CofferException(ErrorCode.OWNER_RESERVED, "the name '" + name + "' holds published datasets "
                    + "and is reserved; ask an admin to create the organization and add you to it");
        }
    }

    /** Whether a name is free to be given to a new account automatically (e.g. at a first OpenID login). */
    public boolean ownerNameReserved(String name) {
        return ownerHasData.test(name);
    }

    /** The role a user holds on an owner namespace, if any. */
    public Optional<Role> roleOn(String user, String owner) {
        if (user == null) {
            return Optional.empty();
        }
        if (user.equals(owner)) {
            return Optional.of(Role.OWNER);
        }
        return accounts.role(owner, user);
    }

    // ------------------------------------------------------------------ datasets

    public boolean canRead(Principal p, DatasetId id) {
        return canRead(p, id, access.visibility(id));
    }

    private boolean canRead(Principal p, DatasetId id, Visibility v) {
        if (v == Visibility.PUBLIC || p.system()) {
            return true;
        }
        if (!p.authenticated() || (p.viaToken() && !p.token().covers(id))) {
            return false;
        }
        return p.admin() || roleOn(p.user(), id.owner()).isPresent();
    }

    /** Whether {@code p} could read the dataset were it private (for events recorded while it was). */
    public boolean canReadPrivate(Principal p, DatasetId id) {
        return canRead(p, id, Visibility.PRIVATE);
    }

    /** Managing webhooks of an owner: a person (not a token) with editor or owner role there, or an admin. */
    public void requireOwnerEditor(Principal p, String owner) {
        requireAccountSession(p);
        if (p.admin()) {
            return;
        }
        if (accounts.ownerKind(owner).isEmpty()) {
            throw CofferException.notFound("there is no user or organization '" + owner + "'");
        }
        if (roleOn(p.user(), owner).filter(r -> r.atLeast(Role.EDITOR)).isEmpty()) {
            throw forbidden("managing webhooks of '" + owner + "' needs the editor or owner role there");
        }
    }

    /** Hidden datasets are reported as missing, so their existence is not disclosed. */
    public void requireRead(Principal p, DatasetId id) {
        if (!canRead(p, id)) {
            throw CofferException.notFound("dataset " + id + " does not exist");
        }
    }

    /** A filter for listings: loads the private datasets and the principal's memberships once. */
    public Predicate<DatasetId> readFilter(Principal p) {
        Set<DatasetId> hidden = access.privateDatasets();
        if (hidden.isEmpty() || p.system()) {
            return id -> true;
        }
        Map<String, Boolean> ownerCache = new HashMap<>();
        return id -> !hidden.contains(id) || (p.authenticated() && (!p.viaToken() || p.token().covers(id))
                && (p.admin() || ownerCache.computeIfAbsent(id.owner(), o -> roleOn(p.user(), o).isPresent())));
    }

    /** Publishing a revision, deleting, changing visibility: editor or owner of the dataset's owner, or admin. */
    public void requireWrite(Principal p, DatasetId id) {
        requireAuthenticated(p);
        if (p.viaToken()) {
            if (p.token().scope() != Scope.PUBLISH) {
                throw forbidden("this token's scope is read; publishing needs a token with scope publish");
            }
            if (!p.token().covers(id)) {
                throw forbidden("this token is limited to " + p.token().owner()
                        + (p.token().dataset() == null ? "" : "/" + p.token().dataset()));
            }
        }
        Visibility v = access.visibility(id);
        if (!canRead(p, id, v)) {
            throw CofferException.notFound("dataset " + id + " does not exist");
        }
        if (p.admin()) {
            return;
        }
        // Someone with no role on the owner learns nothing from a write: a private dataset and a missing one
        // both answer 404, the same way. Only a public dataset (whose existence anyone can see) answers 403.
        if (roleOn(p.user(), id.owner()).isEmpty() && !(v == Visibility.PUBLIC && exists.test(id))) {
            throw CofferException.notFound("dataset " + id + " does not exist");
        }
        if (accounts.ownerKind(id.owner()).isEmpty()) {
            throw forbidden("there is no user or organization '" + id.owner() + "'; an admin must create it first");
        }
        if (roleOn(p.user(), id.owner()).filter(r -> r.atLeast(Role.EDITOR)).isEmpty()) {
            throw forbidden("changing datasets of '" + id.owner() + "' needs the editor or owner role there");
        }
    }

    // ------------------------------------------------------------------ accounts

    /** Account management needs a person (a web session) or the local operator, never an API token. */
    public void requireAccountSession(Principal p) {
        requireAuthenticated(p);
        if (p.viaToken()) {
            throw forbidden("API tokens can read and publish datasets only; log in to manage accounts");
        }
    }

    public void requireAdmin(Principal p) {
        requireAccountSession(p);
        if (!p.admin()) {
            throw forbidden("only an admin may do this");
        }
    }

    public void requireOrgOwner(Principal p, String org) {
        requireAccountSession(p);
        if (!accounts.orgExists(org)) {
            throw CofferException.notFound("organization '" + org + "' does not exist");
        }
        if (!p.admin() && roleOn(p.user(), org).filter(r -> r == Role.OWNER).isEmpty()) {
            throw forbidden("managing the members of '" + org + "' needs its owner role");
        }
    }

    /** A user may give themselves tokens within their own rights; admins may give any user one. */
    public void requireTokenIssue(Principal p, String forUser, Scope scope, String owner) {
        requireAccountSession(p);
        if (!p.admin() && !forUser.equals(p.user())) {
            throw forbidden("you may create tokens for yourself only");
        }
        Accounts.User u = accounts.user(forUser).orElseThrow(
                () -> CofferException.notFound("user '" + forUser + "' does not exist"));
        if (accounts.ownerKind(owner).isEmpty()) {
            throw CofferException.notFound("there is no user or organization '" + owner + "'");
        }
        if (u.admin()) {
            return;
        }
        Role needed = scope == Scope.PUBLISH ? Role.EDITOR : Role.VIEWER;
        if (roleOn(forUser, owner).filter(r -> r.atLeast(needed)).isEmpty()) {
            throw forbidden("'" + forUser + "' has no " + needed.code() + " role in '" + owner
                    + "', so a " + scope.code() + " token for it would be useless");
        }
    }

    public void requireTokenRevoke(Principal p, Tokens.Token t) {
        requireAccountSession(p);
        if (!p.admin() && !t.user().equals(p.user())) {
            throw forbidden("you may revoke your own tokens only");
        }
    }

    private static void requireAuthenticated(Principal p) {
        if (!p.authenticated()) {
            throw new CofferException(ErrorCode.UNAUTHENTICATED,
                    "authentication required: log in, or send an API token as 'Authorization: Bearer'");
        }
    }

    private static CofferException forbidden(String message) {
        return new CofferException(ErrorCode.FORBIDDEN, message);
    }
}
