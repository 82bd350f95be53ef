package io.mppgateway.mistral.discovery.rest;

import io.mppgateway.mistral.discovery.service.DiscoveryDocuments;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Free discovery documents for agents (MPP draft-payment-discovery-00; the 402 stays authoritative). */
@Path("/")
public class DiscoveryResource {
    private static final String FIVE_MINUTES = "public, max-age=300";

    private final DiscoveryDocuments documents;

    public DiscoveryResource(DiscoveryDocuments documents) {
        this.documents = documents;
    }

    @GET
    @Path("/openapi.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response openApi() {
        return Response.ok(documents.openApi()).header(HttpHeaders.CACHE_CONTROL, FIVE_MINUTES).build();
    }

    @GET
    @Path("/llms.txt")
    @Produces("text/plain;charset=utf-8")
    public Response llmsTxt() {
        return Response.ok(documents.llmsTxt()).header(HttpHeaders.CACHE_CONTROL, FIVE_MINUTES).build();
    }
}
