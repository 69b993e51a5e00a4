package io.coffer.server.cli;

import io.coffer.meta.MetaDb;
import io.coffer.meta.auth.Principal;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import java.io.PrintWriter;

/**
 * Before a local publish or import: the owner namespace must be claimed by an account or an organization.
 * The local CLI acts as the machine's operator (docs/auth.md), so when the owner is unknown it creates the
 * organization (with no members; an admin adds them), and says so. When the embedded database is held by a
 * running server, the publish goes on: the name is then reserved by its data, and only an admin can claim it
 * over HTTP (docs/security.md).
 */
final class OwnerClaim {
    private OwnerClaim() {
    }

    static void ensure(picocli.CommandLine.Model.CommandSpec spec, MetaOption meta, String owner) {
        DatasetId.checkName("owner", owner);
        PrintWriter err = spec.commandLine().getErr();
        MetaDb db;
        try {
            db = meta.open(spec);
        } catch (CofferException e) {
            if (e.code() != ErrorCode.STORE_UNAVAILABLE) {
                throw e;
            }
            err.println("coffer: note: the metadata database is not available (" + e.getMessage() + "); '" + owner
                    + "' is not claimed now, and stays reserved to admins while it holds datasets");
            return;
        }
        try (db) {
            var security = UserCommand.security(db);
            if (security.accounts().accounts().ownerKind(owner).isEmpty()) {
                security.accounts().createOrg(Principal.SYSTEM, owner);
                err.println("coffer: created organization '" + owner + "' (as the local operator; add members with "
                        + "'coffer org member add " + owner + " USER --role owner')");
            }
        }
    }
}
