package io.coffer.server.http;

import io.coffer.meta.auth.OidcLogin;
import io.coffer.meta.auth.Security;
import io.coffer.model.DatasetId;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.coffer.meta.auth.DatasetService;
import io.coffer.service.PublishService;
import io.coffer.store.DataStore;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Accounts and write access for the HTTP server: the services (which decide), the upload limit, and
 * optional OpenID Connect. A server built without it is read-only and public, as before.
 *
 * @param maxUploadBytes     largest package upload, checked against Content-Length before reading and
 *                           counted while streaming (compressed and unpacked)
 * @param uploadDir          where uploads are unpacked before they are published
 * @param forceSecureCookies mark cookies Secure even on plain HTTP (behind a TLS-terminating proxy)
 * @param oidc               OpenID Connect login, or null
 * @param events             the running events runtime (webhooks), or null; the change log readers are always on
 */
public record ServerSecurity(Security security, long maxUploadBytes, Path uploadDir, boolean forceSecureCookies,
                             OidcLogin oidc, io.coffer.events.Events events, ClientAddress clientAddress) {
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 512L * 1024 * 1024;

    public ServerSecurity(Security security, long maxUploadBytes, Path uploadDir, boolean forceSecureCookies,
                          OidcLogin oidc) {
        this(security, maxUploadBytes, uploadDir, forceSecureCookies, oidc, null, ClientAddress.DIRECT);
    }

    public ServerSecurity withEvents(io.coffer.events.Events e) {
        return new ServerSecurity(security, maxUploadBytes, uploadDir, forceSecureCookies, oidc, e, clientAddress);
    }

    /** Per-address limits key on the client behind these proxies ({@code X-Forwarded-For} from them only). */
    public ServerSecurity withTrustedProxies(java.util.List<String> proxies) {
        return new ServerSecurity(security, maxUploadBytes, uploadDir, forceSecureCookies, oidc, events,
                new ClientAddress(proxies));
    }

    /** {@code beforeStop}: what must be closed before the server stops (open change streams). */
    void register(RoutesConfig routes, java.util.function.Consumer<AutoCloseable> beforeStop,
                  io.coffer.versions.Versions versions) {
        Authn authn = new Authn(security.accounts(), forceSecureCookies, clientAddress);
        routes.before(authn::before);
        new AuthRoutes(security.accounts(), authn, oidc).register(routes);
        PublishService publisher = publisher(security.datasets(), maxUploadBytes, uploadDir, versions);
        new PublishRoutes(security.datasets(), publisher, maxUploadBytes, uploadDir).register(routes);
        new WizardRoutes(security.datasets(), publisher, maxUploadBytes, uploadDir).register(routes);
        ChangeRoutes changeRoutes = new ChangeRoutes(security.changes(), security.datasets(), security.authorizer());
        changeRoutes.register(routes);
        beforeStop.accept(changeRoutes);
        if (events != null) {
            new WebhookRoutes(events.webhooks()).register(routes);
        }
    }

    /** The one publish path, writing through the guarded dataset service (authorization, visibility, change log). */
    public static PublishService publisher(DatasetService datasets, long maxPackageBytes, Path workDir,
                                           io.coffer.versions.Versions versions) {
        return new PublishService(datasets.store(), datasets::publish, versions, maxPackageBytes, workDir);
    }

    ReadAccess readAccess() {
        return new ReadAccess() {
            @Override
            public void require(Context ctx, DatasetId id) {
                security.datasets().requireReadable(Authn.principal(ctx), id);
                if (security.datasets().access().visibility(id) == io.coffer.meta.Visibility.PRIVATE) {
                    CachePolicy.markPrivate(ctx);
                }
            }

            @Override
            public Predicate<DatasetId> filter(Context ctx) {
                return security.datasets().readable(Authn.principal(ctx));
            }

            @Override
            public boolean everythingVisible(Context ctx) {
                return !security.datasets().anyPrivate();
            }
        };
    }
}
