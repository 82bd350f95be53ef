package io.mppgateway.ledger.common.rest;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.mppgateway.ledger.charge.service.ChargeNotFoundException;
import io.mppgateway.ledger.charge.service.InvalidQueryException;

/** Maps the finance API's own failures to application/problem+json. */
public class ProblemMappers {

    @ServerExceptionMapper
    public RestResponse<Problem> notFound(ChargeNotFoundException e) {
        return problem(Response.Status.NOT_FOUND, e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<Problem> badRequest(InvalidQueryException e) {
        return problem(Response.Status.BAD_REQUEST, e.getMessage());
    }

    private static RestResponse<Problem> problem(Response.Status status, String detail) {
        return RestResponse.ResponseBuilder
                .create(status, new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail))
                .type(Problem.MEDIA_TYPE)
                .build();
    }
}
