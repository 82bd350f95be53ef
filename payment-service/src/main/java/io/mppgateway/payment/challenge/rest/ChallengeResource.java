package io.mppgateway.payment.challenge.rest;

import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.payment.ChallengeResponse;
import io.mppgateway.payment.caller.service.AuthenticatedCaller;
import io.mppgateway.payment.challenge.service.ChallengeService;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Internal: providers ask for a challenge for a priced request. Not exposed through the Ingress. */
@Path("/internal/challenges")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ChallengeResource {
    private final ChallengeService challenges;
    private final AuthenticatedCaller caller;

    public ChallengeResource(ChallengeService challenges, AuthenticatedCaller caller) {
        this.challenges = challenges;
        this.caller = caller;
    }

    /** On the event loop: an HMAC and a few encodings, no I/O (and the body is read without a worker). */
    @POST
    @NonBlocking
    public ChallengeResponse issue(ChallengeRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("a challenge request body is required");
        }
        caller.get().requireProvider(request.provider(), request.realm());
        return challenges.issue(request);
    }
}
