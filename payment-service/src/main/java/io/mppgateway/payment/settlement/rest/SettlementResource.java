package io.mppgateway.payment.settlement.rest;

import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.mppgateway.payment.settlement.service.SettlementService;
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

    public SettlementResource(SettlementService settlements) {
        this.settlements = settlements;
    }

    @POST
    public SettlementResponse settle(SettlementRequest request) {
        return settlements.settle(request);
    }
}
