package io.mppgateway.ledger.reconciliation.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;

/**
 * Raw Ethereum JSON-RPC over HTTP (TEMPO_RPC_URL), non-blocking (Quarkus REST client); use {@link TempoChainClient},
 * which adds fault tolerance.
 */
@RegisterRestClient(configKey = "tempo-rpc")
@Path("/")
public interface JsonRpcApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<JsonNode> call(JsonNode request);
}
