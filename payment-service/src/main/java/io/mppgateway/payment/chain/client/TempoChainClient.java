package io.mppgateway.payment.chain.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import io.micrometer.core.annotation.Timed;
import io.mppgateway.payment.chain.tempo.TempoTransaction;
import io.mppgateway.payment.common.timing.StepTimer;
import io.mppgateway.payment.common.timing.StepTimer.Step;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.web3j.utils.Numeric;

/**
 * The chain reads and writes payment verification needs. Every failure to get an answer becomes
 * {@link ChainUnavailableException}, which callers turn into 503 + Retry-After, never into a rejection. Non-blocking:
 * each method returns a Uni, which SmallRye Fault Tolerance guards as an asynchronous call (the timeout, the retry
 * delays and the circuit breaker hold no thread), and a retry calls the node again.
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
    @WithSpan("chain eth_getTransactionReceipt")
    public Uni<Optional<TransactionReceipt>> getTransactionReceipt(String txHash) {
        return call("eth_getTransactionReceipt", txHash).map(result -> result == null || result.isNull()
                ? Optional.<TransactionReceipt>empty()
                : Optional.of(toReceipt(result)));
    }

    /**
     * Broadcasts and waits for inclusion. Not retried: the outcome of a timed-out broadcast is unknown, and the
     * caller keeps its claim and answers 503 so the buyer's retry resumes it.
     */
    // inclusion, not just an answer: a node with many transactions queued (anvil mines ~15 a second on 2 cores, so
    // 128 buyers at once wait up to ~10 s) must not turn a paying buyer into an "unknown outcome"; below the
    // broadcast lease (payment.broadcast-lease) so no other replica resumes a broadcast still being waited for
    @Timeout(20000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000,
            failOn = ChainUnavailableException.class)
    @Timed(value = "payment.chain.rpc", extraTags = { "method", "eth_sendRawTransactionSync" })
    @WithSpan("chain eth_sendRawTransactionSync")
    public Uni<TransactionReceipt> sendRawTransactionSync(String rawTransaction) {
        return call("eth_sendRawTransactionSync", rawTransaction).map(result -> {
            if (result == null || result.isNull()) {
                throw new ChainUnavailableException("eth_sendRawTransactionSync returned no receipt", null);
            }
            return toReceipt(result);
        });
    }

    /** Simulates one call from {@code from}; a revert is a {@link RejectedByChainException}, not an outage. */
    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 150, retryOn = ChainUnavailableException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000,
            failOn = ChainUnavailableException.class)
    @Timed(value = "payment.chain.rpc", extraTags = { "method", "eth_call" })
    @WithSpan("chain eth_call")
    public Uni<String> simulate(String from, String to, String data) {
        return call("eth_call", java.util.Map.of("from", from, "to", to, "data", data), "latest")
                .map(result -> result == null ? null : result.asText());
    }

    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 150, retryOn = ChainUnavailableException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000,
            failOn = ChainUnavailableException.class)
    @Timed(value = "payment.chain.rpc", extraTags = { "method", "eth_gasPrice" })
    @WithSpan("chain eth_gasPrice")
    public Uni<java.math.BigInteger> gasPrice() {
        return call("eth_gasPrice").map(result -> new java.math.BigInteger(result.asText().substring(2), 16));
    }

    /** Broadcasts without waiting (refunds: the relay confirms them by receipt later). */
    @Timeout(5000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000,
            failOn = ChainUnavailableException.class)
    @Timed(value = "payment.chain.rpc", extraTags = { "method", "eth_sendRawTransaction" })
    @WithSpan("chain eth_sendRawTransaction")
    public Uni<String> sendRawTransaction(String rawTransaction) {
        return call("eth_sendRawTransaction", rawTransaction).map(result -> result.asText().toLowerCase());
    }

    /** The node's result of one call of {@link #simulateCalls}. */
    public record SimulatedCall(boolean succeeded, long gasUsed, String error) {
    }

    /**
     * Simulates the calls from {@code from} in order in one block ({@code eth_simulateV1}), each seeing the state the
     * previous ones left, as a Tempo transaction's batch runs. A node without the method answers -32601, a
     * {@link RejectedByChainException}.
     */
    @Timeout(5000)
    @Retry(maxRetries = 2, delay = 150, retryOn = ChainUnavailableException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000,
            failOn = ChainUnavailableException.class)
    @Timed(value = "payment.chain.rpc", extraTags = { "method", "eth_simulateV1" })
    public Uni<List<SimulatedCall>> simulateCalls(String from, List<TempoTransaction.Call> calls) {
        List<java.util.Map<String, String>> batch = new ArrayList<>();
        for (TempoTransaction.Call c : calls) {
            batch.add(java.util.Map.of("from", from, "to", c.to(), "data", Numeric.toHexString(c.data())));
        }
        return call("eth_simulateV1", java.util.Map.of("blockStateCalls",
                List.of(java.util.Map.of("calls", batch)), "validation", false), "latest").map(result -> {
                    JsonNode simulated = result == null ? null : result.path(0).path("calls");
                    if (simulated == null || simulated.size() != calls.size()) {
                        throw new ChainUnavailableException("eth_simulateV1 returned " + result, null);
                    }
                    List<SimulatedCall> out = new ArrayList<>();
                    for (JsonNode c : simulated) {
                        out.add(new SimulatedCall("0x1".equals(c.path("status").asText()),
                                Long.decode(c.path("gasUsed").asText("0x0")),
                                c.path("error").path("message").asText("reverted")));
                    }
                    return out;
                });
    }

    static TransactionReceipt toReceipt(JsonNode result) {
        List<TransactionReceipt.Log> logs = new ArrayList<>();
        for (JsonNode log : result.path("logs")) {
            List<String> topics = new ArrayList<>();
            log.path("topics").forEach(t -> topics.add(t.asText().toLowerCase()));
            logs.add(new TransactionReceipt.Log(log.path("address").asText().toLowerCase(), topics,
                    log.path("data").asText().toLowerCase()));
        }
        return new TransactionReceipt(result.path("transactionHash").asText().toLowerCase(),
                result.path("status").asText(), result.path("from").asText().toLowerCase(), logs);
    }

    /**
     * One JSON-RPC call; no answer (refused connection, read timeout, HTTP error: ProcessingException or
     * WebApplicationException of the REST client) is an outage. Its time counts for the current settlement's
     * {@link StepTimer} ({@link Step#CHAIN}).
     */
    private Uni<JsonNode> call(String method, Object... params) {
        return StepTimer.timed(Step.CHAIN, () -> rpc.call(JsonRpcRequest.of(ids.incrementAndGet(), method, params)))
                .onFailure().transform(e -> new ChainUnavailableException(method + " failed: " + e.getMessage(), e))
                .map(response -> result(method, response));
    }

    private static JsonNode result(String method, JsonNode response) {
        if (response == null) {
            throw new ChainUnavailableException(method + " returned nothing", null);
        }
        JsonNode error = response.get("error");
        if (error != null && !error.isNull()) {
            // the node answered and said no (revert, invalid or expired tx); only its internal errors are outages
            if (error.path("code").asInt() == -32603) {
                throw new ChainUnavailableException(method + " returned " + error, null);
            }
            throw new RejectedByChainException(method, error.path("code").asInt(), error.path("message").asText());
        }
        return response.get("result");
    }
}
