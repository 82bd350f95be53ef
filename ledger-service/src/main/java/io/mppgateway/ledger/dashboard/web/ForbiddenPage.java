package io.mppgateway.ledger.dashboard.web;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.mppgateway.ledger.common.security.FinanceRoles;
import io.quarkus.oidc.IdTokenCredential;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A browser that is signed in but lacks the finance role gets a page that says so (who is signed in, which role is
 * missing, whom to ask, a sign-out) instead of an empty 403. Only for GET requests of dashboard pages that accept
 * HTML: scripts, /dashboard-api and the finance API keep their plain 403.
 */
@Singleton
public class ForbiddenPage {
    private static final String PREFIX = "/dashboard/";

    private final Template page;

    public ForbiddenPage(@Location("dashboard/forbidden.html") Template page) {
        this.page = page;
    }

    void install(@Observes Router router) {
        // before Quarkus' own failure handler (the route registered last), which ends a 403 with no body
        router.route("/dashboard/*").order(Integer.MIN_VALUE).failureHandler(this::render);
    }

    private void render(RoutingContext rc) {
        SecurityIdentity identity = rc.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        if (!(rc.failure() instanceof ForbiddenException) || identity == null || identity.isAnonymous()
                || !browserPage(rc) || rc.response().headWritten()) {
            rc.next();
            return;
        }
        String html = page.data("user", identity.getPrincipal().getName())
                .data("role", FinanceRoles.FINANCE)
                // how this browser signed in decides how it signs out
                .data("oidc", identity.getCredential(IdTokenCredential.class) != null)
                .render();
        rc.response().setStatusCode(403)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .end(html);
    }

    private static boolean browserPage(RoutingContext rc) {
        String path = rc.normalizedPath();
        String accept = rc.request().getHeader(HttpHeaders.ACCEPT);
        return rc.request().method() == HttpMethod.GET && path.startsWith(PREFIX)
                && (path.equals(PREFIX) || path.endsWith(".html"))
                && accept != null && accept.contains("text/html");
    }
}
