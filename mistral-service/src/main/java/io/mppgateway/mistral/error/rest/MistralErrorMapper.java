package io.mppgateway.mistral.error.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mppgateway.paywall.pricing.InvalidRequestException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** API misuse is answered in Mistral's documented error shape, so SDKs show it as they would Mistral's own. */
public class MistralErrorMapper {

    @ServerExceptionMapper
    public Response invalidRequest(InvalidRequestException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "error");
        body.put("message", e.getMessage());
        body.put("type", "invalid_request_error");
        body.put("param", e.param());
        body.put("code", e.code());
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
