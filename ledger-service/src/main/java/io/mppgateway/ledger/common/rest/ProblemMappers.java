package io.mppgateway.ledger.common.rest;

import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.mppgateway.ledger.charge.service.ChargeNotFoundException;
import io.mppgateway.ledger.charge.service.InvalidQueryException;
import io.mppgateway.ledger.reconciliation.client.ChainRpcException;
import io.mppgateway.ledger.reconciliation.client.ChainUnavailableException;

/** Maps the finance API's own failures to application/problem+json. */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public RestResponse<Problem> notFound(ChargeNotFoundException e) {
        return problem(Response.Status.NOT_FOUND, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<Problem> badRequest(InvalidQueryException e) {
        return problem(Response.Status.BAD_REQUEST, e.getMessage());
    }

    /** The chain is down, slow or the circuit is open: reconciliation is worth retrying later, never a 500. */
    @ServerExceptionMapper({ ChainUnavailableException.class, CircuitBreakerOpenException.class,
            TimeoutException.class })
    public RestResponse<Problem> chainUnavailable(RuntimeException e) {
        LOG.warnf("chain unavailable: %s", e.getMessage());
        Response.Status status = Response.Status.SERVICE_UNAVAILABLE;
        return RestResponse.ResponseBuilder
                .create(status, new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(),
                        "the chain cannot be asked right now: " + e.getMessage()))
                .type(Problem.MEDIA_TYPE)
                .header("Retry-After", "10")
                .build();
    }

    @ServerExceptionMapper
    public RestResponse<Problem> chainError(ChainRpcException e) {
        LOG.errorf("chain RPC error: %s", e.getMessage());
        return problem(Response.Status.BAD_GATEWAY, "the chain node refused a request: " + e.getMessage());
    }

    private static RestResponse<Problem> problem(Response.Status status, String detail) {
        return RestResponse.ResponseBuilder
                .create(status, new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail))
                .type(Problem.MEDIA_TYPE)
                .build();
    }
}
