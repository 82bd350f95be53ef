package io.mppgateway.ledger.reconciliation.client;

import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mppgateway.ledger.reconciliation.domain.ChainReceipt;
import io.mppgateway.ledger.reconciliation.domain.TokenTransfer;
import io.smallrye.mutiny.Uni;

/**
 * The few chain reads reconciliation needs, non-blocking. Transient failures are retried, each call is bounded in time, and a
 * failing node opens the circuit so that a reconciliation fails fast (503) instead of piling up slow requests.
 * A JSON-RPC error is not retried: the node would answer the same.
 */
@ApplicationScoped
public class TempoChainClient {
    /** keccak256("Transfer(address,address,uint256)"), emitted by transfer and transferWithMemo alike. */
    public static final String TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

    private final JsonRpcApi rpc;
    private final ObjectMapper json;
    private final AtomicLong ids = new AtomicLong();

    public TempoChainClient(@RestClient JsonRpcApi rpc, ObjectMapper json) {
        this.rpc = rpc;
        this.json = json;
    }

    @Retry(maxRetries = 3, delay = 200, jitter = 100, abortOn = ChainRpcException.class)
    @Timeout(10_000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5_000, skipOn = ChainRpcException.class)
    public Uni<Long> blockNumber() {
        return call("eth_blockNumber", json.createArrayNode()).map(TempoChainClient::quantity);
    }

    /** The timestamp of a block (seconds precision on chain). */
    @Retry(maxRetries = 3, delay = 200, jitter = 100, abortOn = ChainRpcException.class)
    @Timeout(10_000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5_000, skipOn = ChainRpcException.class)
    public Uni<Instant> blockTimestamp(long number) {
        return call("eth_getBlockByNumber", json.createArrayNode().add(hex(number)).add(false)).map(block -> {
            if (block == null || block.isNull()) {
                throw new ChainRpcException("no block " + number);
            }
            return Instant.ofEpochSecond(quantity(block.get("timestamp")));
        });
    }

    @Retry(maxRetries = 3, delay = 200, jitter = 100, abortOn = ChainRpcException.class)
    @Timeout(10_000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5_000, skipOn = ChainRpcException.class)
    public Uni<Optional<ChainReceipt>> receipt(String txHash) {
        return call("eth_getTransactionReceipt", json.createArrayNode().add(txHash)).map(r -> {
            if (r == null || r.isNull()) {
                return Optional.empty();
            }
            List<TokenTransfer> transfers = new ArrayList<>();
            for (JsonNode log : r.path("logs")) {
                transfer(log).ifPresent(transfers::add);
            }
            return Optional.of(new ChainReceipt(txHash, quantity(r.get("status")) == 1,
                    quantity(r.get("blockNumber")), transfers));
        });
    }

    /** Transfer logs of {@code token} to {@code recipient} in blocks [fromBlock, toBlock]. */
    @Retry(maxRetries = 3, delay = 200, jitter = 100, abortOn = ChainRpcException.class)
    @Timeout(30_000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5_000, skipOn = ChainRpcException.class)
    public Uni<List<TokenTransfer>> transfersTo(String token, String recipient, long fromBlock, long toBlock) {
        ObjectNode filter = json.createObjectNode();
        filter.put("fromBlock", hex(fromBlock));
        filter.put("toBlock", hex(toBlock));
        filter.put("address", token);
        ArrayNode topics = filter.putArray("topics");
        topics.add(TRANSFER_TOPIC).addNull().add(topicOf(recipient));
        return call("eth_getLogs", json.createArrayNode().add(filter)).map(logs -> {
            List<TokenTransfer> transfers = new ArrayList<>();
            for (JsonNode log : logs) {
                transfer(log).ifPresent(transfers::add);
            }
            return transfers;
        });
    }

    private Uni<JsonNode> call(String method, ArrayNode params) {
        ObjectNode request = json.createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("id", ids.incrementAndGet());
        request.put("method", method);
        request.set("params", params);
        return Uni.createFrom().deferred(() -> rpc.call(request))
                // whatever failed on the way (connect, timeout, HTTP status, unreadable body) is the node being
                // unavailable, worth retrying; an answer with a JSON-RPC error is handled below
                .onFailure().transform(e -> new ChainUnavailableException(method + " failed: " + e, e))
                .map(response -> {
                    if (response == null) {
                        throw new ChainUnavailableException(method + ": empty answer", null);
                    }
                    if (response.hasNonNull("error")) {
                        throw new ChainRpcException(method + ": " + response.get("error"));
                    }
                    return response.get("result");
                });
    }

    private static Optional<TokenTransfer> transfer(JsonNode log) {
        JsonNode topics = log.path("topics");
        if (topics.size() != 3 || !TRANSFER_TOPIC.equalsIgnoreCase(topics.get(0).asText())) {
            return Optional.empty();
        }
        String data = log.path("data").asText("0x");
        BigInteger amount = data.length() > 2 ? new BigInteger(data.substring(2), 16) : BigInteger.ZERO;
        Instant timestamp = log.hasNonNull("blockTimestamp")
                ? Instant.ofEpochSecond(quantity(log.get("blockTimestamp")))
                : null;
        return Optional.of(new TokenTransfer(lower(log.path("address").asText()), address(topics.get(1).asText()),
                address(topics.get(2).asText()), amount, lower(log.path("transactionHash").asText()),
                quantity(log.get("blockNumber")), timestamp));
    }

    private static String address(String topic) {
        return "0x" + lower(topic).substring(topic.length() - 40);
    }

    static String topicOf(String address) {
        return "0x" + "0".repeat(24) + lower(address).substring(2);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static String hex(long n) {
        return "0x" + Long.toHexString(n);
    }

    private static long quantity(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new ChainRpcException("missing quantity");
        }
        return new BigInteger(node.asText().substring(2), 16).longValueExact();
    }

    /** Seconds are what the chain has; callers compare block times with ranges at that precision. */
    public static long ceilSeconds(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).equals(t) ? t.getEpochSecond() : t.getEpochSecond() + 1;
    }
}
