package io.mppgateway.mistral.embeddings.rest;

import java.util.List;

import io.mppgateway.mistral.embeddings.service.EmbeddingsService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Embeddings: the Locus-style route and the Mistral-API-compatible one. */
@Path("/")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class EmbeddingsResource {
    private final EmbeddingsService embeddings;

    public EmbeddingsResource(EmbeddingsService embeddings) {
        this.embeddings = embeddings;
    }

    @POST
    @Path("/mistral/embed")
    public Response locusEmbed(byte[] body, @HeaderParam("Authorization") List<String> authorization) {
        return embeddings.embed("/mistral/embed", body, authorization);
    }

    @POST
    @Path("/v1/embeddings")
    public Response embeddings(byte[] body, @HeaderParam("Authorization") List<String> authorization) {
        return embeddings.embed("/v1/embeddings", body, authorization);
    }
}
