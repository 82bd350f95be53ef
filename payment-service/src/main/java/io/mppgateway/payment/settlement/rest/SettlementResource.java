package io.mppgateway.payment.settlement.rest;

import java.math.BigDecimal;

import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.payment.caller.service.AuthenticatedCaller;
import io.mppgateway.payment.settlement.service.SettlementService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.RestResponse.ResponseBuilder;

/** Internal: providers submit a buyer's credential for the request they are about to serve. */
@Path("/internal/settlements")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class SettlementResource {
    private final SettlementService settlements;
    private final AuthenticatedCaller caller;

    public SettlementResource(SettlementService settlements, AuthenticatedCaller caller) {
        this.settlements = settlements;
        this.caller = caller;
    }

    /**
     * On the event loop: the chain calls and the database wait without holding a thread. {@code Server-Timing} says
     * where the time went ({@code payment}: all of it here, {@code chain}: the node's share, {@code claim}: the database's); the provider passes it
     * on to the buyer with its own steps.
     */
    @POST
    public Uni<RestResponse<SettlementResponse>> settle(SettlementRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("a settlement request body is required");
        }
        caller.get().requireProvider(request.provider(), request.realm());
        return settlements.settle(request).map(settled -> ResponseBuilder.ok(settled.response())
                .header("Server-Timing", "payment;dur=" + millis(settled.tookNanos()) + ", chain;dur="
                        + millis(settled.chainNanos()) + ", claim;dur=" + millis(settled.claimNanos()))
                .build());
    }

    /** Milliseconds with one decimal, as Server-Timing durations are written. */
    private static String millis(long nanos) {
        return BigDecimal.valueOf(nanos / 100_000, 1).toPlainString();
    }
}
