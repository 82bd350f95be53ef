package io.mppgateway.mistral.chat.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The Mistral AI REST API (https://api.mistral.ai, or the local stand-in). Paths include /v1. */
@RegisterRestClient(configKey = "mistral-api")
public interface MistralApi {

    @POST
    @Path("/v1/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Response chatCompletions(@HeaderParam("Authorization") String bearer, byte[] body);
}
