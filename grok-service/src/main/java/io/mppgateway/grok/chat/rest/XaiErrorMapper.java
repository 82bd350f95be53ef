package io.mppgateway.grok.chat.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mppgateway.paywall.pricing.InvalidRequestException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** API misuse is answered in the OpenAI-compatible nested error shape that xAI's and OpenAI's SDKs parse. */
public class XaiErrorMapper {

    @ServerExceptionMapper
    public Response invalidRequest(InvalidRequestException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", e.getMessage());
        error.put("type", "invalid_request_error");
        error.put("param", e.param());
        error.put("code", e.code());
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON).entity(Map.of("error", error)).build();
    }
}
