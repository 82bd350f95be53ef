package io.mppgateway.payment.testsupport;

import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.contracts.testing.TempoTx;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The local Tempo chain (anvil --network tempo) as tests use it: real TIP-20 transfers sent from anvil's unlocked
 * public dev accounts with eth_sendTransaction, so push-mode credentials point at real on-chain receipts.
 */
public final class DevChain {
    public static final String RPC = System.getProperty("tempo.rpc", LocalStack.RPC);
    public static final String PATH_USD = "0x20c0000000000000000000000000000000000000";
    public static final String ALPHA_USD = "0x20c0000000000000000000000000000000000001";
    /** anvil dev account #1 (public test account, unlocked on the dev chain). */
    public static final String PAYER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    /** anvil dev account #2, the gateway wallet in tests and local runs. */
    public static final String RECIPIENT = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    /** anvil dev account #0 (unlocked public test account), funds fresh keys. */
    public static final String FUNDER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    /** anvil dev account #4, someone else. */
    public static final String STRANGER = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private DevChain() {
    }

    /** TIP-20 transferWithMemo(to, amount, memo) on {@code token}; returns the mined tx hash. */
    public static String transferWithMemo(String token, String from, String to, long amount, String memoHex) {
        String data = "0x95777d59" + word(to) + word(amount) + memoHex.replaceFirst("^0x", "");
        return sendAndWait(from, token, data);
    }

    /** Plain TIP-20 transfer(to, amount), without any memo. */
    public static String transfer(String token, String from, String to, long amount) {
        return sendAndWait(from, token, "0xa9059cbb" + word(to) + word(amount));
    }

    /**
     * A fresh random key holding pathUSD and AlphaUSD (anvil allows one expiring-nonce transaction per key, so every
     * pull payment in a test signs with its own key).
     */
    public static org.web3j.crypto.Credentials freshFundedKey(long amount) {
        try {
            org.web3j.crypto.Credentials key = org.web3j.crypto.Credentials.create(
                    org.web3j.crypto.Keys.createEcKeyPair());
            transfer(PATH_USD, FUNDER, key.getAddress(), amount);
            transfer(ALPHA_USD, FUNDER, key.getAddress(), amount);
            return key;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static BigInteger balanceOf(String token, String owner) {
        JsonNode result = rpc("eth_call", List.of(Map.of("to", token, "data", "0x70a08231" + word(owner)), "latest"));
        return new BigInteger(result.asText().substring(2), 16);
    }

    /** Broadcasts a signed transaction (e.g. a {@link TempoTx} with several transfers) as a push-mode buyer does. */
    public static String sendRawAndWait(String signedTx) {
        return waitForReceipt(rpc("eth_sendRawTransaction", List.of(signedTx)).asText());
    }

    private static String sendAndWait(String from, String to, String data) {
        return waitForReceipt(rpc("eth_sendTransaction", List.of(Map.of("from", from, "to", to, "data", data,
                "gas", "0x100000"))).asText());
    }

    private static String waitForReceipt(String hash) {
        for (int i = 0; i < 100; i++) {
            JsonNode receipt = rpc("eth_getTransactionReceipt", List.of(hash));
            if (receipt != null && !receipt.isNull()) {
                return hash; // mined, successful or reverted: the test decides what it expects
            }
            sleep(50);
        }
        throw new IllegalStateException("transaction " + hash + " was not mined");
    }

    public static JsonNode rpc(String method, List<Object> params) {
        try {
            String body = MAPPER.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", method,
                    "params", params));
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(RPC))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = MAPPER.readTree(response.body());
            if (json.hasNonNull("error")) {
                throw new IllegalStateException(method + ": " + json.get("error"));
            }
            return json.get("result");
        } catch (IOException e) {
            throw new IllegalStateException("the local chain is not reachable at " + RPC, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String word(String address) {
        return "0".repeat(24) + address.replaceFirst("^0x", "").toLowerCase();
    }

    private static String word(long value) {
        String hex = BigInteger.valueOf(value).toString(16);
        return "0".repeat(64 - hex.length()) + hex;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
