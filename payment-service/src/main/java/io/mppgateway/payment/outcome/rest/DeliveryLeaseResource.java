package io.mppgateway.payment.outcome.rest;

import io.mppgateway.contracts.payment.DeliveryLeaseRenewal;
import io.mppgateway.payment.caller.service.AuthenticatedCaller;
import io.mppgateway.payment.outcome.service.DeliveryLeaseRenewals;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Internal: a provider's heartbeat for the charges it is still delivering (their delivery lease starts again). 200
 * with how many were renewed; 400 problem+json without a list or above the cap, 401 without a service token, 403 for
 * a caller that is not a provider.
 */
@Path("/internal/charges/leases")
public class DeliveryLeaseResource {
    private final DeliveryLeaseRenewals renewals;
    private final AuthenticatedCaller caller;

    public DeliveryLeaseResource(DeliveryLeaseRenewals renewals, AuthenticatedCaller caller) {
        this.renewals = renewals;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<DeliveryLeaseRenewal.Result> renew(DeliveryLeaseRenewal renewal) {
        return renewals.renew(renewal, caller.get()).map(DeliveryLeaseRenewal.Result::new);
    }
}
