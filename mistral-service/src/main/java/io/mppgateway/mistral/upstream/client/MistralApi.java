package io.mppgateway.mistral.upstream.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The Mistral AI REST API (https://api.mistral.ai, or the local stand-in). Paths include /v1. Bodies are the buyer's
 * bytes, passed through untouched.
 */
@RegisterRestClient(configKey = "mistral-api")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public interface MistralApi {

    @POST
    @Path("/v1/chat/completions")
    Response chatCompletions(@HeaderParam("Authorization") String bearer, byte[] body);

    @POST
    @Path("/v1/fim/completions")
    Response fimCompletions(@HeaderParam("Authorization") String bearer, byte[] body);

    @POST
    @Path("/v1/embeddings")
    Response embeddings(@HeaderParam("Authorization") String bearer, byte[] body);

    @POST
    @Path("/v1/moderations")
    Response moderations(@HeaderParam("Authorization") String bearer, byte[] body);

    @POST
    @Path("/v1/chat/moderations")
    Response chatModerations(@HeaderParam("Authorization") String bearer, byte[] body);

    @POST
    @Path("/v1/ocr")
    Response ocr(@HeaderParam("Authorization") String bearer, byte[] body);

    @GET
    @Path("/v1/models")
    Response listModels(@HeaderParam("Authorization") String bearer, @QueryParam("provider") String provider,
            @QueryParam("model") String model);

    @GET
    @Path("/v1/models/{modelId}")
    Response retrieveModel(@HeaderParam("Authorization") String bearer, @PathParam("modelId") String modelId);
}
