package io.mppgateway.mistral.models.rest;

import java.util.List;

import io.mppgateway.mistral.models.service.ModelsService;
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

/** Model listing: the Locus-style route (GET or POST) and the Mistral-API-compatible list and retrieve. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {
    private final ModelsService models;

    public ModelsResource(ModelsService models) {
        this.models = models;
    }

    @GET
    @Path("/mistral/models")
    public Response locusModels(@QueryParam("provider") String provider, @QueryParam("model") String model,
            @HeaderParam("Authorization") List<String> authorization) {
        return models.list("/mistral/models", new byte[0], provider, model, authorization);
    }

    @POST
    @Path("/mistral/models")
    @Consumes(MediaType.WILDCARD)
    public Response locusModelsPost(byte[] body, @QueryParam("provider") String provider,
            @QueryParam("model") String model, @HeaderParam("Authorization") List<String> authorization) {
        return models.list("/mistral/models", body, provider, model, authorization);
    }

    @GET
    @Path("/v1/models")
    public Response listModels(@QueryParam("provider") String provider, @QueryParam("model") String model,
            @HeaderParam("Authorization") List<String> authorization) {
        return models.list("/v1/models", new byte[0], provider, model, authorization);
    }

    @GET
    @Path("/v1/models/{modelId}")
    public Response retrieveModel(@PathParam("modelId") String modelId,
            @HeaderParam("Authorization") List<String> authorization) {
        return models.retrieve("/v1/models/" + modelId, modelId, authorization);
    }
}
