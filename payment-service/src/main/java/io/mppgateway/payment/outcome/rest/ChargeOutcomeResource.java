package io.mppgateway.payment.outcome.rest;

import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.payment.caller.service.AuthenticatedCaller;
import io.mppgateway.payment.outcome.service.ChargeOutcomeService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

/** Internal: a provider reports, before answering the buyer, what became of a settled charge. */
@Path("/internal/charges/{challengeId}/outcome")
public class ChargeOutcomeResource {
    private final ChargeOutcomeService outcomes;
    private final AuthenticatedCaller caller;

    public ChargeOutcomeResource(ChargeOutcomeService outcomes, AuthenticatedCaller caller) {
        this.outcomes = outcomes;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Void> report(@PathParam("challengeId") String challengeId, ChargeOutcomeReport report) {
        if (report == null) {
            throw new IllegalArgumentException("body {\"outcome\": ...} is required");
        }
        return outcomes.report(challengeId, report, caller.get()).replaceWithVoid();
    }
}
