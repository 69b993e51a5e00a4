package io.coffer.meta.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.coffer.meta.Accounts;
import io.coffer.meta.MetaDb;
import io.coffer.meta.OidcLogins;
import io.coffer.meta.Secrets;
import io.coffer.model.CofferException;
import io.coffer.model.DatasetId;
import io.coffer.model.ErrorCode;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Optional OpenID Connect login with any provider named by its issuer URL: the authorization-code flow
 * with PKCE (S256), a nonce, and a one-time state kept in the database (any node may get the callback).
 * A provider identity (issuer, subject) is linked to one Coffer user, created at the first login.
 */
public final class OidcLogin {
    private static final Logger LOG = LoggerFactory.getLogger(OidcLogin.class);
    private static final Duration PENDING_TTL = Duration.ofMinutes(10);
    private static final int HTTP_TIMEOUT_MS = 10_000;

    public record Config(URI issuer, String clientId, String clientSecret, URI redirectUri) {
        @Override
        public String toString() {
            return "OidcLogin.Config[" + issuer + ", " + clientId + "]";
        }
    }

    private final Config config;
    private final Accounts accounts;
    private final OidcLogins pending;
    private volatile OIDCProviderMetadata metadata;
    /** Owner names holding datasets without an account: never given to a new user (they would own the data). */
    private volatile java.util.function.Predicate<String> reserved = n -> false;

    public OidcLogin(Config config, MetaDb db) {
        this.config = config;
        this.accounts = new Accounts(db);
        this.pending = new OidcLogins(db);
    }

    /** Names new users must not get (see {@link Authorizer#ownerNameReserved}). */
    public OidcLogin reserving(java.util.function.Predicate<String> reservedNames) {
        this.reserved = reservedNames;
        return this;
    }

    /** Discovered once, lazily, so the server starts even while the provider is down. */
    private OIDCProviderMetadata metadata() {
        OIDCProviderMetadata m = metadata;
        if (m == null) {
            try {
                m = OIDCProviderMetadata.resolve(new Issuer(config.issuer()), HTTP_TIMEOUT_MS, HTTP_TIMEOUT_MS);
            } catch (Exception e) {
                throw new CofferException(ErrorCode.STORE_UNAVAILABLE, "the OpenID provider " + config.issuer()
                        + " cannot be reached: " + e.getMessage(), e);
            }
            metadata = m;
        }
        return m;
    }

    /** Where to send the browser: the provider's authorization endpoint with state, nonce and PKCE challenge. */
    public URI start() {
        OIDCProviderMetadata m = metadata();
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        long now = System.currentTimeMillis();
        pending.deleteOlderThan(now - PENDING_TTL.toMillis());
        pending.insert(state.getValue(), new OidcLogins.Pending(verifier.getValue(), nonce.getValue(), now));
        return new AuthenticationRequest.Builder(new ResponseType(ResponseType.Value.CODE),
                new com.nimbusds.oauth2.sdk.Scope("openid", "profile", "email"), new ClientID(config.clientId()),
                config.redirectUri())
                .endpointURI(m.getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build()
                .toURI();
    }

    /** Completes a login from the provider's callback; returns the Coffer user name. */
    public String finish(String code, String state) {
        if (code == null || state == null) {
            throw new CofferException(ErrorCode.UNAUTHENTICATED, "the OpenID callback lacks code or state");
        }
        OidcLogins.Pending p = pending.take(state)
                .filter(x -> x.createdAt() > System.currentTimeMillis() - PENDING_TTL.toMillis())
                .orElseThrow(() -> new CofferException(ErrorCode.UNAUTHENTICATED,
                        "unknown or expired login attempt; start the login again"));
        OIDCProviderMetadata m = metadata();
        IDTokenClaimsSet claims;
        try {
            TokenRequest request = new TokenRequest(m.getTokenEndpointURI(),
                    new ClientSecretBasic(new ClientID(config.clientId()), new Secret(config.clientSecret())),
                    new AuthorizationCodeGrant(new AuthorizationCode(code), config.redirectUri(),
                            new CodeVerifier(p.codeVerifier())));
            HTTPRequest http = request.toHTTPRequest();
            http.setConnectTimeout(HTTP_TIMEOUT_MS);
            http.setReadTimeout(HTTP_TIMEOUT_MS);
            TokenResponse response = OIDCTokenResponseParser.parse(http.send());
            if (!response.indicatesSuccess()) {
                String error = response.toErrorResponse().getErrorObject().getCode();
                throw new CofferException(ErrorCode.UNAUTHENTICATED, "the OpenID provider refused the login (" + error + ")");
            }
            JWT idToken = ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens().getIDToken();
            IDTokenValidator validator = new IDTokenValidator(m.getIssuer(), new ClientID(config.clientId()),
                    JWSAlgorithm.RS256, m.getJWKSetURI().toURL());
            claims = validator.validate(idToken, new Nonce(p.nonce()));
        } catch (CofferException e) {
            throw e;
        } catch (Exception e) {
            LOG.info("OpenID login failed: {}", e.getClass().getSimpleName());
            throw new CofferException(ErrorCode.UNAUTHENTICATED, "the OpenID login could not be verified", e);
        }
        String issuer = claims.getIssuer().getValue();
        String subject = claims.getSubject().getValue();
        Optional<Accounts.User> linked = accounts.userByOidc(issuer, subject);
        if (linked.isPresent()) {
            return linked.get().name();
        }
        String base = DatasetId.slugify(Optional.ofNullable(claims.getStringClaim("preferred_username"))
                .or(() -> Optional.ofNullable(claims.getStringClaim("email")).map(e -> e.replaceAll("@.*", "")))
                .orElse(subject));
        for (int attempt = 0; attempt < 5; attempt++) {
            String name = attempt == 0 ? base : (base.length() > 55 ? base.substring(0, 55) : base) + "-"
                    + Secrets.randomHex(3);
            if (reserved.test(name)) {
                continue;
            }
            try {
                accounts.createUser(name, null, false, issuer, subject);
                LOG.info("user {} created at first OpenID login", name);
                return name;
            } catch (CofferException e) {
                if (e.code() != ErrorCode.CONFLICT) {
                    throw e;
                }
                Optional<Accounts.User> raced = accounts.userByOidc(issuer, subject);
                if (raced.isPresent()) {
                    return raced.get().name();
                }
            }
        }
        throw new CofferException(ErrorCode.CONFLICT, "could not find a free user name for this OpenID identity");
    }
}
