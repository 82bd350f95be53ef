package io.mppgateway.payment.caller.rest;

import io.mppgateway.contracts.payment.ProblemDetails;
import io.mppgateway.payment.caller.service.AuthenticatedCaller;
import io.mppgateway.payment.caller.service.CallerAuthenticator;
import io.mppgateway.payment.caller.service.CallerRejectedException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Service authentication of every {@code /internal/*} call, before its resource runs: no valid token, no effect
 * (401 problem+json). What an authenticated caller may do is checked where the request says what it is about (403).
 */
public class InternalAuthFilter {
    private final CallerAuthenticator authenticator;
    private final AuthenticatedCaller current;

    public InternalAuthFilter(CallerAuthenticator authenticator, AuthenticatedCaller current) {
        this.authenticator = authenticator;
        this.current = current;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Response authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!(path.startsWith("/internal/") || path.startsWith("internal/"))) {
            return null;
        }
        try {
            current.set(authenticator.authenticate(request.getHeaderString(HttpHeaders.AUTHORIZATION)));
            return null;
        } catch (CallerRejectedException e) {
            return problem(e);
        }
    }

    @ServerExceptionMapper
    public Response problem(CallerRejectedException e) {
        boolean unauthenticated = e.status() == 401;
        Response.ResponseBuilder response = Response.status(e.status()).type(ProblemDetails.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(new ProblemDetails(ProblemDetails.TYPE_BASE + (unauthenticated ? "unauthenticated" : "forbidden"),
                        unauthenticated ? "Unauthenticated" : "Forbidden", e.status(), e.getMessage(), null, null));
        if (unauthenticated) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"payment-service\"");
        }
        return response.build();
    }
}
