package io.mppgateway.payment.settlement.rest;

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

    /** On the event loop: the chain calls and the database wait without holding a thread. */
    @POST
    public Uni<SettlementResponse> settle(SettlementRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("a settlement request body is required");
        }
        caller.get().requireProvider(request.provider(), request.realm());
        return settlements.settle(request);
    }
}
