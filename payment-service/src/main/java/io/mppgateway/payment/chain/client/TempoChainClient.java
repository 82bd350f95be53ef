package io.mppgateway.payment.chain.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.annotation.Timed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The chain reads and writes payment verification needs. Every failure to get an answer becomes
 * {@link ChainUnavailableException}, which callers turn into 503 + Retry-After, never into a rejection.
 */
@ApplicationScoped
public class TempoChainClient {
    private final TempoRpcApi rpc;
    private final AtomicLong ids = new AtomicLong();

    public TempoChainClient(@RestClient TempoRpcApi rpc) {
        this.rpc = rpc;
    }

    /** The receipt, or empty when the node does not know the transaction (yet). */
    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 150, retryOn = ChainUnavailableException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000,
            failOn = ChainUnavailableException.class)
    @Timed(value = "payment.chain.rpc", extraTags = { "method", "eth_getTransactionReceipt" })
    public Optional<TransactionReceipt> getTransactionReceipt(String txHash) {
        JsonNode result = call("eth_getTransactionReceipt", txHash);
        if (result == null || result.isNull()) {
            return Optional.empty();
        }
        List<TransactionReceipt.Log> logs = new ArrayList<>();
        for (JsonNode log : result.path("logs")) {
            List<String> topics = new ArrayList<>();
            log.path("topics").forEach(t -> topics.add(t.asText().toLowerCase()));
            logs.add(new TransactionReceipt.Log(log.path("address").asText().toLowerCase(), topics,
                    log.path("data").asText().toLowerCase()));
        }
        return Optional.of(new TransactionReceipt(result.path("transactionHash").asText().toLowerCase(),
                result.path("status").asText(), result.path("from").asText().toLowerCase(), logs));
    }

    private JsonNode call(String method, Object... params) {
        JsonNode response;
        try {
            response = rpc.call(JsonRpcRequest.of(ids.incrementAndGet(), method, params));
        } catch (ProcessingException | WebApplicationException e) {
            throw new ChainUnavailableException(method + " failed: " + e.getMessage(), e);
        }
        JsonNode error = response == null ? null : response.get("error");
        if (response == null || (error != null && !error.isNull())) {
            throw new ChainUnavailableException(method + " returned " + (error == null ? "nothing" : error), null);
        }
        return response.get("result");
    }
}
