package io.mppgateway.ledger.dashboard.rest;

import java.net.URI;
import java.time.Instant;
import java.util.Set;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;

import io.mppgateway.ledger.common.security.FinanceRoles;
import io.mppgateway.ledger.dashboard.config.DashboardConfig;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * What the dashboard page needs besides the finance API: its settings, and the local token sign-in / sign-out. The
 * figures themselves come from the finance API (/ledger/**), read by the page with the same role.
 */
@Path("/dashboard-api")
@Tag(name = "dashboard", description = "Settings and token sign-in of the finance dashboard (/dashboard/)")
public class DashboardResource {
    static final URI DASHBOARD = URI.create("/dashboard/");
    static final URI SIGN_IN_PAGE = URI.create("/dashboard/sign-in.html");

    private final DashboardConfig config;
    private final JWTParser parser;

    public DashboardResource(DashboardConfig config, JWTParser parser) {
        this.config = config;
        this.parser = parser;
    }

    /** The page's settings; {@code user} is who signed in. */
    public record Settings(String user, String txUrlPattern, boolean tokenSignIn) {
    }

    @GET
    @Path("/settings")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(FinanceRoles.FINANCE)
    @Operation(summary = "The dashboard's settings (tx link pattern) and the signed-in user")
    public Settings settings(@Context SecurityContext security) {
        return new Settings(security.getUserPrincipal().getName(), config.txUrlPattern().orElse(null),
                config.tokenSignIn());
    }

    /**
     * Token sign-in (local development): the token must verify like any finance API token (key, issuer, expiry) and
     * carry the finance role; it then becomes an HttpOnly, SameSite=Strict cookie that lives as long as the token.
     */
    @POST
    @Path("/sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_PLAIN)
    @PermitAll
    @Operation(summary = "Sign in to the dashboard with a finance JWT (local development; off in production)")
    public Response signIn(@RestForm String token, @Context UriInfo uri, @Context HttpHeaders headers) {
        requireTokenSignIn();
        String jwt = token == null ? "" : token.strip();
        if (jwt.regionMatches(true, 0, "Bearer ", 0, 7)) {
            jwt = jwt.substring(7).strip();
        }
        Set<String> groups;
        long expiresAt;
        try {
            var parsed = parser.parse(jwt);
            groups = parsed.getGroups();
            expiresAt = parsed.getExpirationTime();
        } catch (ParseException e) {
            return Response.status(Response.Status.UNAUTHORIZED)
                    .entity("This token is not valid here (signature, issuer or expiry). Mint one with "
                            + "deploy/local/mint-finance-token.sh.\n")
                    .build();
        }
        if (groups == null || !groups.contains(FinanceRoles.FINANCE)) {
            return Response.status(Response.Status.FORBIDDEN)
                    .entity("This token does not carry the finance role.\n").build();
        }
        int maxAge = (int) Math.max(0, expiresAt - Instant.now().getEpochSecond());
        return Response.seeOther(DASHBOARD).cookie(cookie(jwt, maxAge, secure(uri, headers))).build();
    }

    @POST
    @Path("/sign-out")
    @PermitAll
    @Operation(summary = "Sign out of the dashboard (drops the token cookie)")
    public Response signOut(@Context UriInfo uri, @Context HttpHeaders headers) {
        return Response.seeOther(SIGN_IN_PAGE).cookie(cookie("", 0, secure(uri, headers))).build();
    }

    private void requireTokenSignIn() {
        if (!config.tokenSignIn()) {
            throw new NotFoundException();
        }
    }

    private NewCookie cookie(String value, int maxAge, boolean secure) {
        return new NewCookie.Builder(config.cookieName()).value(value).path("/").maxAge(maxAge).httpOnly(true)
                .secure(secure).sameSite(NewCookie.SameSite.STRICT).build();
    }

    /** Secure cookies whenever the browser talks https, also behind a TLS-terminating proxy. */
    private static boolean secure(UriInfo uri, HttpHeaders headers) {
        return "https".equalsIgnoreCase(uri.getRequestUri().getScheme())
                || "https".equalsIgnoreCase(headers.getHeaderString("X-Forwarded-Proto"));
    }
}
