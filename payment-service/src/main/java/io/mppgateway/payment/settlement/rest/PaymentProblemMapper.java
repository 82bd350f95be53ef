package io.mppgateway.payment.settlement.rest;

import io.mppgateway.contracts.payment.ProblemDetails;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Rejections become RFC 9457 problem+json with the fresh challenge providers relay to the buyer as is. */
public class PaymentProblemMapper {

    @ServerExceptionMapper
    public Response toProblem(PaymentRejectedException e) {
        String challengeId = e.challengeId();
        Response.ResponseBuilder response = Response.status(e.problem().status)
                .type(ProblemDetails.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
        if (e.freshChallenge() != null) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, e.freshChallenge());
        }
        if (e.problem().status == 503 || e.problem() == io.mppgateway.payment.mpp.PaymentProblem.PAYMENT_IN_PROGRESS) {
            response.header(HttpHeaders.RETRY_AFTER, "2");
        }
        return response.entity(new ProblemDetails(e.problem().type(), e.problem().title, e.problem().status,
                e.getMessage(), challengeId, null)).build();
    }

    @ServerExceptionMapper
    public Response toBadRequest(IllegalArgumentException e) {
        return Response.status(400).type(ProblemDetails.MEDIA_TYPE)
                .entity(new ProblemDetails(ProblemDetails.TYPE_BASE + "bad-request", "Bad Request", 400,
                        e.getMessage(), null, null))
                .build();
    }
}
