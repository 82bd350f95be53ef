package io.mppgateway.paywall.client;

import io.mppgateway.contracts.mpp.ChargeTerms;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.contracts.payment.DeliveryLeaseRenewal;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.payment.SettlementResponse;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestResponse;

/** payment-service's internal API; every call carries this provider's service token ({@link ServiceToken}). */
@RegisterRestClient(configKey = "payment-service")
@Path("/internal")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface PaymentServiceApi {

    /** What this provider's challenges state besides realm, route and amount (it mints them itself). */
    @GET
    @Path("/charge-terms")
    Uni<ChargeTerms> chargeTerms(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization);

    @POST
    @Path("/settlements")
    Uni<RestResponse<SettlementResponse>> settle(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            SettlementRequest request);

    @POST
    @Path("/charges/{challengeId}/outcome")
    Uni<Void> reportOutcome(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @PathParam("challengeId") String challengeId, ChargeOutcomeReport report);

    /** The heartbeat: a fresh delivery lease for the charges this replica still delivers (at most 10,000 ids). */
    @POST
    @Path("/charges/leases")
    Uni<DeliveryLeaseRenewal.Result> renewLeases(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            DeliveryLeaseRenewal renewal);
}
