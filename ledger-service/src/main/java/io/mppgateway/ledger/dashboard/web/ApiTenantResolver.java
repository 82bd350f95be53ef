package io.mppgateway.ledger.dashboard.web;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.oidc.TenantResolver;
import io.vertx.ext.web.RoutingContext;

/**
 * With the OpenID Connect sign-in on, a finance API call without the dashboard's session must still be a 401 for its
 * bearer token, not a redirect to the provider's login page (scripts and other services cannot follow it). Such calls
 * get the disabled OIDC tenant {@value #API_TENANT}, so quarkus-oidc neither authenticates nor challenges them and the
 * bearer-token mechanism answers. A call that carries the session (the dashboard's own) keeps the default tenant.
 */
@ApplicationScoped
public class ApiTenantResolver implements TenantResolver {
    /** quarkus.oidc.ledger-api.tenant-enabled=false (application.properties). */
    static final String API_TENANT = "ledger-api";
    private static final String SESSION_COOKIE = "q_session";

    @Override
    public String resolve(RoutingContext rc) {
        String path = rc.normalizedPath();
        if (!(path.equals("/ledger") || path.startsWith("/ledger/"))) {
            return null;
        }
        boolean session = rc.request().cookies().stream().anyMatch(c -> c.getName().startsWith(SESSION_COOKIE));
        return session ? null : API_TENANT;
    }
}
