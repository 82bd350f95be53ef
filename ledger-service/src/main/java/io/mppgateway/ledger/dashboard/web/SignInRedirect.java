package io.mppgateway.ledger.dashboard.web;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.mppgateway.ledger.dashboard.config.DashboardConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * With token sign-in, a browser that opens a dashboard page without any credential is sent to the sign-in page
 * instead of a bare 401. Anything else (a bad token, a token without the finance role, scripts and data) is left to
 * the HTTP permissions of application.properties: 401 or 403. Dashboard responses are never cached, so a page read
 * while signed in is not shown again from the browser's cache after signing out.
 */
@Singleton
public class SignInRedirect {
    private static final String PREFIX = "/dashboard/";
    private static final String SIGN_IN = "/dashboard/sign-in.html";

    void install(@Observes Router router, DashboardConfig config) {
        router.route("/dashboard*").order(Integer.MIN_VALUE).handler(rc -> {
            rc.addHeadersEndHandler(v -> rc.response().headers().set(HttpHeaders.CACHE_CONTROL, "no-store"));
            if (rc.normalizedPath().equals("/dashboard") && rc.request().method() == HttpMethod.GET) {
                rc.redirect(PREFIX);
            } else if (config.tokenSignIn()) {
                redirectAnonymousPages(rc, config);
            } else {
                rc.next();
            }
        });
    }

    private static void redirectAnonymousPages(RoutingContext rc, DashboardConfig config) {
        String path = rc.normalizedPath();
        boolean page = rc.request().method() == HttpMethod.GET && (path.equals(PREFIX)
                || (path.startsWith(PREFIX) && path.endsWith(".html") && !path.equals(SIGN_IN)));
        String accept = rc.request().getHeader(HttpHeaders.ACCEPT);
        if (page && accept != null && accept.contains("text/html") && noCookie(rc, config)
                && rc.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
            rc.redirect(SIGN_IN);
            return;
        }
        rc.next();
    }

    private static boolean noCookie(RoutingContext rc, DashboardConfig config) {
        var cookie = rc.request().getCookie(config.cookieName());
        return cookie == null || cookie.getValue().isEmpty();
    }
}
