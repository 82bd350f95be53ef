package io.mppgateway.payment.settlement.rest;

import io.mppgateway.contracts.payment.ProblemDetails;
import io.mppgateway.payment.chain.client.ChainUnavailableException;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
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
        if (e.problem().status == 503 || e.problem() == PaymentProblem.PAYMENT_IN_PROGRESS) {
            response.header(HttpHeaders.RETRY_AFTER, e.retryAfterSeconds() > 0 ? Long.toString(e.retryAfterSeconds())
                    : "2");
        }
        return response.entity(new ProblemDetails(e.problem().type(), e.problem().title, e.problem().status,
                e.getMessage(), challengeId, null)).build();
    }

    /**
     * The chain could not be asked (its circuit breaker is open, it timed out or failed) on a path that did not turn
     * that into a rejection itself: the outcome is unknown, so 503 + Retry-After, never a 500.
     */
    @ServerExceptionMapper({ CircuitBreakerOpenException.class, TimeoutException.class,
            ChainUnavailableException.class })
    public Response toUnavailable(RuntimeException e) {
        PaymentProblem problem = PaymentProblem.VERIFICATION_UNAVAILABLE;
        return Response.status(problem.status).type(ProblemDetails.MEDIA_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header(HttpHeaders.RETRY_AFTER, "2")
                .entity(new ProblemDetails(problem.type(), problem.title, problem.status,
                        "the chain cannot be asked right now; nothing was charged twice, retry shortly", null, null))
                .build();
    }

    @ServerExceptionMapper
    public Response toBadRequest(IllegalArgumentException e) {
        return Response.status(400).type(ProblemDetails.MEDIA_TYPE)
                .entity(new ProblemDetails(ProblemDetails.TYPE_BASE + "bad-request", "Bad Request", 400,
                        e.getMessage(), null, null))
                .build();
    }
}
