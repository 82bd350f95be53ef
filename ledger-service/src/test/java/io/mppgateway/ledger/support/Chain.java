package io.mppgateway.ledger.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.contracts.testing.TempoTx;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/** The local Tempo chain (anvil, chain id 1337) the tests make real transfers on. */
public final class Chain {
    public static final String RPC = LocalStack.RPC;
    /** anvil dev account #5 of the public "test test ... junk" mnemonic; unlocked on the local chain. */
    public static final String DEV_ACCOUNT_5 = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
    public static final long CHAIN_ID = 1337;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Chain() {
    }

    /** A pathUSD transfer(to, amount) sent from an unlocked dev account; returns the mined tx hash. */
    public static String transferPathUsd(String from, String to, long amount) {
        String data = "0xa9059cbb" + "0".repeat(24) + to.substring(2).toLowerCase() + String.format("%064x", amount);
        String tx = call("eth_sendTransaction", "[{\"from\":\"" + from + "\",\"to\":\"" + TestEvents.PATH_USD
                + "\",\"data\":\"" + data + "\"}]").asText();
        return mined(tx);
    }

    /** One pathUSD transfer of a payment. */
    public record Transfer(String to, long amount) {
    }

    /** A mined payment: its tx hash and the key that signed it. */
    public record Payment(String txHash, String payer) {
    }

    /**
     * ONE Tempo transaction with a pathUSD transfer call per entry, in order, as a buyer pays a charge with splits.
     * Signed by a fresh key that dev account #5 funds first (so its nonce is ours alone); fees paid in pathUSD.
     */
    public static Payment payPathUsdInOneTransaction(Transfer... transfers) {
        Credentials buyer;
        try {
            buyer = Credentials.create(Keys.createEcKeyPair());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        long total = java.util.Arrays.stream(transfers).mapToLong(Transfer::amount).sum();
        transferPathUsd(DEV_ACCOUNT_5, buyer.getAddress(), total + 1_000_000);
        TempoTx tx = new TempoTx();
        tx.chainId = CHAIN_ID;
        tx.gas = java.math.BigInteger.valueOf(300_000L * transfers.length);
        tx.feeToken = TestEvents.PATH_USD; // the key holds nothing else
        for (Transfer t : transfers) {
            tx.call(TestEvents.PATH_USD, TempoTx.transfer(t.to(), t.amount()));
        }
        return new Payment(mined(call("eth_sendRawTransaction", "[\"" + tx.sign(buyer) + "\"]").asText()),
                buyer.getAddress());
    }

    private static String mined(String tx) {
        JsonNode receipt = null;
        for (int i = 0; i < 50 && (receipt == null || receipt.isNull()); i++) {
            receipt = call("eth_getTransactionReceipt", "[\"" + tx + "\"]");
            if (receipt == null || receipt.isNull()) {
                sleep();
            }
        }
        if (receipt == null || receipt.isNull() || !"0x1".equals(receipt.path("status").asText())) {
            throw new IllegalStateException("transfer " + tx + " not mined successfully: " + receipt);
        }
        return tx;
    }

    private static JsonNode call(String method, String params) {
        try {
            String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(RPC))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json = JSON.readTree(r.body());
            if (json.hasNonNull("error")) {
                throw new IllegalStateException(method + ": " + json.get("error"));
            }
            return json.get("result");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
