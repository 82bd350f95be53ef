package io.mppgateway.payment.pull;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;

import javax.sql.DataSource;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.testsupport.DevChain;
import io.mppgateway.contracts.testing.TempoTx;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/** Pull mode against the real local chain: the server checks the signed transaction, broadcasts it, reads logs. */
@QuarkusTest
class PullSettlementTest {
    @Inject
    DataSource dataSource;

    @Test
    void aSignedTransferIsBroadcastSettledOnceAndRefusedOnceDelivered() throws Exception {
        long amount = 7_000;
        Map<String, String> challenge = issue(amount);
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        String tx = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, challenge.get("id")))).sign(buyer);
        String credential = pullCredential(challenge, tx, buyer.getAddress());

        Response settled = settle(credential, amount);
        settled.then().statusCode(200).body("mode", equalTo("pull")).body("amount", equalTo((int) amount))
                .body("payer", equalTo(buyer.getAddress().toLowerCase())).body("redeemed", equalTo(false));
        String txHash = settled.path("txHash");
        // where the time went, for the provider to pass on: all of it here, the node's share (simulate, broadcast)
        // and the database's (look-up, claim, completion with its event)
        String timing = settled.header("Server-Timing");
        assertTrue(timing != null && timing.matches("payment;dur=\\d+\\.\\d, chain;dur=\\d+\\.\\d, claim;dur=\\d+\\.\\d"),
                timing);
        double total = Double.parseDouble(timing.replaceAll("payment;dur=([0-9.]+),.*", "$1"));
        double chain = Double.parseDouble(timing.replaceAll(".*chain;dur=([0-9.]+),.*", "$1"));
        double claim = Double.parseDouble(timing.replaceAll(".*claim;dur=([0-9.]+)", "$1"));
        assertTrue(chain > 0 && claim > 0 && chain + claim <= total, timing);
        long paid = 1_000_000 - DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress()).longValueExact();
        assertTrue(paid >= amount && paid < 2 * amount, "the buyer paid the amount once (plus a fee): " + paid);
        assertEquals("0x1", DevChain.rpc("eth_getTransactionReceipt", java.util.List.of(txHash)).path("status")
                .asText());
        try (var con = dataSource.getConnection(); var ps = con.prepareStatement(
                "SELECT status, mode, tx_hash, payer FROM charges WHERE challenge_id = ?")) {
            ps.setString(1, challenge.get("id"));
            try (var rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("settled", rs.getString(1));
                assertEquals("pull", rs.getString(2));
                assertEquals(txHash, rs.getString(3));
            }
        }

        // outcome not known yet: never a 402 for a settled charge
        assertRetryLater(settle(credential, amount), 409, "payment-in-progress");
        report(challenge.get("id"), UsageOutcome.FULFILLED).then().statusCode(204);
        report(challenge.get("id"), UsageOutcome.FULFILLED).then().statusCode(204);
        assertProblem(settle(credential, amount), 402, "verification-failed", "already been used");
        assertEquals(1_000_000 - paid, DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress()).longValueExact(),
                "nothing was broadcast again");
    }

    @Test
    void metricsShowSettlementsRejectionsAndLatencies() throws Exception {
        aSignedTransferIsBroadcastSettledOnceAndRefusedOnceDelivered();
        String metrics = io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract()
                .asString();
        java.util.List<String> lines = metrics.lines().filter(l -> l.startsWith("payment_")).toList();
        assertTrue(has(lines, "payment_settlements_total{", "mode=\"pull\"", "outcome=\"settled\""), lines.toString());
        assertTrue(has(lines, "payment_rejections_total{", "reason=\"verification-failed\""), lines.toString());
        assertTrue(has(lines, "payment_rejections_total{", "reason=\"payment-in-progress\"", "status=\"409\""),
                lines.toString());
        assertTrue(has(lines, "payment_settlement_verification_seconds{", "quantile=\"0.99\""), lines.toString());
        assertTrue(has(lines, "payment_settlement_overhead_seconds{", "mode=\"pull\"", "quantile=\"0.5\""),
                lines.toString());
        assertTrue(has(lines, "payment_chain_rpc_seconds_count{", "method=\"eth_sendRawTransactionSync\""),
                lines.toString());
        assertTrue(has(lines, "payment_chain_rpc_seconds_count{", "method=\"eth_call\""), lines.toString());
        assertTrue(has(lines, "payment_outcomes_total{", "outcome=\"FULFILLED\""), lines.toString());
    }

    private static boolean has(java.util.List<String> lines, String prefix, String... labels) {
        return lines.stream().anyMatch(l -> l.startsWith(prefix) && java.util.Arrays.stream(labels).allMatch(l::contains)
                && !l.endsWith(" 0.0"));
    }

    @Test
    void aTransferThatWouldRevertIsRefusedBeforeBroadcast() throws Exception {
        Map<String, String> challenge = issue(5_000);
        Credentials broke = Credentials.create(Keys.createEcKeyPair());
        String tx = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, 5_000,
                AttributionMemo.encode(REALM, challenge.get("id")))).sign(broke);
        assertProblem(settle(pullCredential(challenge, tx, broke.getAddress()), 5_000), 402, "verification-failed",
                "would revert");
    }

    @Test
    void everyWrongTransactionIsRefusedBeforeAnythingIsBroadcast() throws Exception {
        Credentials key = Credentials.create(Keys.createEcKeyPair());
        Map<String, String> c = issue(5_000);
        String memo = AttributionMemo.encode(REALM, c.get("id"));
        String good = TempoTx.transferWithMemo(DevChain.RECIPIENT, 5_000, memo);

        TempoTx otherChain = new TempoTx().call(DevChain.PATH_USD, good);
        otherChain.chainId = 4217;
        expect(c, otherChain.sign(key), key, "for chain 4217");
        expect(c, new TempoTx().call(DevChain.ALPHA_USD, good).sign(key), key, "another token");
        expect(c, new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.STRANGER, 5_000, memo))
                .sign(key), key, "does not pay the recipient");
        expect(c, new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, 4_999, memo))
                .sign(key), key, "transfer amount 4999 does not equal the charge amount 5000");
        expect(c, new TempoTx().call(DevChain.PATH_USD, TempoTx.transfer(DevChain.RECIPIENT, 5_000)).sign(key), key,
                "no TransferWithMemo");
        expect(c, new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, 5_000,
                AttributionMemo.encode(REALM, "another-challenge"))).sign(key), key, "memo is not bound");
        expect(c, new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, 5_000,
                AttributionMemo.encode("other.realm", c.get("id")))).sign(key), key, "memo is not bound");
        expect(c, new TempoTx().call(DevChain.PATH_USD, good).call(DevChain.PATH_USD, good).sign(key), key,
                "exactly one call");
        TempoTx sequential = new TempoTx().call(DevChain.PATH_USD, good);
        sequential.nonceKey = java.math.BigInteger.ZERO;
        expect(c, sequential.sign(key), key, "expiring nonce");
        TempoTx forever = new TempoTx().call(DevChain.PATH_USD, good);
        forever.validBefore = Instant.now().getEpochSecond() + 3600;
        expect(c, forever.sign(key), key, "is later than");
        TempoTx sponsored = new TempoTx().call(DevChain.PATH_USD, good);
        sponsored.sponsored = true;
        expect(c, sponsored.sign(key), key, "sponsorship is not offered");
        TempoTx delegating = new TempoTx().call(DevChain.PATH_USD, good);
        delegating.withAuthorization = true;
        expect(c, delegating.sign(key), key, "authorizations");
        // signed by someone else than the credential's source
        Credentials other = Credentials.create(Keys.createEcKeyPair());
        expect(c, new TempoTx().call(DevChain.PATH_USD, good).sign(other), key, "not signed by the credential's source");

        TempoTx stale = new TempoTx().call(DevChain.PATH_USD, good);
        stale.validBefore = Instant.now().getEpochSecond() - 1;
        assertProblem(settle(pullCredential(c, stale.sign(key), key.getAddress()), 5_000), 402, "payment-expired",
                "transaction expired");
        assertProblem(settle(pullCredential(c, "0x02f86b0180", key.getAddress()), 5_000), 402,
                "malformed-credential", "Tempo (0x76/0x78)");
        assertProblem(settle(pullCredential(c, "0x76c0", key.getAddress()), 5_000), 402, "malformed-credential",
                "14 or 15 fields");
    }

    private static void expect(Map<String, String> challenge, String tx, Credentials source, String detail) {
        assertProblem(settle(pullCredential(challenge, tx, source.getAddress()), 5_000), 402, "verification-failed",
                detail);
    }
}
