package io.mppgateway.payment.terms.rest;

import io.mppgateway.contracts.mpp.ChargeTerms;
import io.mppgateway.payment.caller.service.AuthenticatedCaller;
import io.mppgateway.payment.terms.service.RouteTermsService;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Internal: the charge terms provider services mint their challenges with (fetched at start and refreshed). Nothing
 * secret (every challenge states them), but only provider services need them. Not exposed through the Ingress.
 */
@Path("/internal/charge-terms")
@Produces(MediaType.APPLICATION_JSON)
public class ChargeTermsResource {
    private final RouteTermsService routeTerms;
    private final AuthenticatedCaller caller;

    public ChargeTermsResource(RouteTermsService routeTerms, AuthenticatedCaller caller) {
        this.routeTerms = routeTerms;
        this.caller = caller;
    }

    /** On the event loop: configuration read at start, no I/O. */
    @GET
    @NonBlocking
    public ChargeTerms terms() {
        caller.get().requireProviderService();
        return routeTerms.chargeTerms();
    }
}
