package io.coffer.server.cli;

import io.coffer.meta.MetaDb;
import io.coffer.meta.auth.OidcLogin;
import io.coffer.model.CofferException;
import io.coffer.model.ErrorCode;
import java.net.URI;

/** OpenID Connect settings from the environment; login with OIDC is on when an issuer is named. */
final class Oidc {
    private Oidc() {
    }

    static OidcLogin fromEnvironment(MetaDb db) {
        String issuer = System.getenv("COFFER_OIDC_ISSUER");
        if (issuer == null || issuer.isBlank()) {
            return null;
        }
        String clientId = System.getenv("COFFER_OIDC_CLIENT_ID");
        String secret = System.getenv("COFFER_OIDC_CLIENT_SECRET");
        String publicUrl = System.getenv("COFFER_PUBLIC_URL");
        if (clientId == null || secret == null || publicUrl == null) {
            throw new CofferException(ErrorCode.CONFIGURATION, "COFFER_OIDC_ISSUER needs COFFER_OIDC_CLIENT_ID, "
                    + "COFFER_OIDC_CLIENT_SECRET and COFFER_PUBLIC_URL (this server's address, for the redirect)");
        }
        return new OidcLogin(new OidcLogin.Config(URI.create(issuer), clientId, secret,
                URI.create(publicUrl.replaceAll("/+$", "") + "/api/auth/oidc/callback")), db);
    }
}
