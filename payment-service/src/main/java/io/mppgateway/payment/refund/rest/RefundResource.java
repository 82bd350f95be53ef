package io.mppgateway.payment.refund.rest;

import java.util.UUID;

import io.mppgateway.contracts.payment.RefundResponse;
import io.mppgateway.payment.caller.service.AuthenticatedCaller;
import io.mppgateway.payment.refund.service.RefundService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Internal (operators, support tooling): refund an unfulfilled charge now. Idempotent per charge. */
@Path("/internal/refunds/{chargeId}")
public class RefundResource {
    private final RefundService refunds;
    private final AuthenticatedCaller caller;

    public RefundResource(RefundService refunds, AuthenticatedCaller caller) {
        this.refunds = refunds;
        this.caller = caller;
    }

    /** Refund operators only (service authentication): a provider cannot refund its buyers' payments. */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<RefundResponse> refund(@PathParam("chargeId") UUID chargeId) {
        caller.get().requireRefundOperator();
        return refunds.refund(chargeId, "manual");
    }
}
