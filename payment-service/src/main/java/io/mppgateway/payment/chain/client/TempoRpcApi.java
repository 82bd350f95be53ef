package io.mppgateway.payment.chain.client;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** Ethereum-style JSON-RPC of the Tempo node; non-blocking (the answer arrives on the event loop). */
@RegisterRestClient(configKey = "tempo-rpc")
@Path("/")
public interface TempoRpcApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<JsonNode> call(JsonRpcRequest request);
}
