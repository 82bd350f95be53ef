package io.mppgateway.payment.reconciliation;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.mppgateway.contracts.testing.TempoTx;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.reconciliation.service.PullClaimReconciler;
import io.mppgateway.payment.testsupport.ChainProxy;
import io.mppgateway.payment.testsupport.ChargeRows;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * Issue 9 item 4 against the real local chain behind a proxy that fails on demand: a pull claim left pending by a
 * 503, or failed by one refusal of the node, is resolved from the chain by the reconciler (settled and published
 * exactly once, or failed for good once its transaction can no longer land), with or without the buyer coming back,
 * and a re-presented credential whose claim exists is decided by the claim even after its challenge expired.
 */
@QuarkusTest
@TestProfile(PullClaimReconcilerTest.Profile.class)
class PullClaimReconcilerTest {
    static final long FUNDS = 1_000_000;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ChainProxy.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            // rounds are run by the tests themselves; challenges expire within a test
            return Map.of("payment.reconciler.poll-interval", "off", "payment.reconciler.min-age", "PT0S",
                    "payment.reconciler.landing-margin", "PT1S", "payment.challenge-ttl", "PT5S");
        }
    }

    @Inject
    DataSource dataSource;
    @Inject
    PullClaimReconciler reconciler;

    @AfterEach
    void heal() {
        ChainProxy.mode = ChainProxy.Mode.FORWARD;
    }

    @Test
    void aPendingClaimWhoseTransactionLandedIsSettledByTheReconcilerAndPublishedOnce() throws Exception {
        long amount = 3_100;
        Map<String, String> challenge = issue(amount);
        Credentials buyer = DevChain.freshFundedKey(FUNDS);
        String credential = pullCredential(challenge, signed(challenge, buyer, amount, null), buyer.getAddress());

        // the node includes the transaction, but neither its answer nor any receipt reaches payment-service
        ChainProxy.mode = ChainProxy.Mode.LOSE_BROADCAST_AND_RECEIPTS;
        assertRetryLater(settle(credential, amount), 503, "verification-unavailable");
        assertEquals("pending", rows().status(challenge.get("id")));
        long afterPaying = paidOnce(buyer, amount);
        assertEquals(0, settledEvents(challenge));

        // the buyer never comes back; the chain answers again
        ChainProxy.mode = ChainProxy.Mode.FORWARD;
        awaitStatus(challenge, "unfulfilled");
        assertEquals(1, settledEvents(challenge), "one payments.settled event");
        assertEquals("NOT_RELEASED", outcome(challenge));
        reconciler.reconcile().await().atMost(java.time.Duration.ofSeconds(60));
        assertEquals(1, settledEvents(challenge), "still one after another round");
        awaitPublished(challenge);

        // the buyer comes back after the challenge expired: the claim decides, the paid call is released once
        Thread.sleep(Math.max(0, Instant.parse(challenge.get("expires")).toEpochMilli() - System.currentTimeMillis()));
        settle(credential, amount).then().statusCode(200).body("redeemed", equalTo(true))
                .body("payer", equalTo(buyer.getAddress().toLowerCase()));
        assertEquals("redeeming", rows().status(challenge.get("id")));
        assertEquals(afterPaying, balance(buyer), "paid once");
        assertEquals(1, settledEvents(challenge));
    }

    @Test
    void aPendingClaimIsResumedByItsCredentialAfterTheChallengeExpired() throws Exception {
        long amount = 3_200;
        Map<String, String> challenge = issue(amount);
        Credentials buyer = DevChain.freshFundedKey(FUNDS);
        String credential = pullCredential(challenge, signed(challenge, buyer, amount, null), buyer.getAddress());

        ChainProxy.mode = ChainProxy.Mode.LOSE_BROADCAST_AND_RECEIPTS;
        assertRetryLater(settle(credential, amount), 503, "verification-unavailable");
        ChainProxy.mode = ChainProxy.Mode.FORWARD;
        // past the challenge's expiry (and the first request's broadcast lease): before the fix, 402 payment-expired
        Thread.sleep(Math.max(1_100,
                Instant.parse(challenge.get("expires")).toEpochMilli() - System.currentTimeMillis() + 200));
        settle(credential, amount).then().statusCode(200).body("redeemed", equalTo(false))
                .body("mode", equalTo("pull"));
        assertEquals("settled", rows().status(challenge.get("id")));
        assertEquals(1, settledEvents(challenge));
        paidOnce(buyer, amount);
    }

    @Test
    void aRefusedBroadcastThatLandedIsNotFailedForGoodTheReconcilerSettlesIt() throws Exception {
        long amount = 3_300;
        Map<String, String> challenge = issue(amount);
        Credentials buyer = DevChain.freshFundedKey(FUNDS);
        String credential = pullCredential(challenge, signed(challenge, buyer, amount, null), buyer.getAddress());

        // a -32000 refusal and "no receipt (yet)": one look-up cannot tell, the transaction is in fact included
        ChainProxy.mode = ChainProxy.Mode.REFUSE_BROADCAST_HIDE_RECEIPTS;
        assertProblem(settle(credential, amount), 402, "verification-failed", "refused");
        assertEquals("failed", rows().status(challenge.get("id")));
        assertEquals(null, outcome(challenge), "not failed for good");
        paidOnce(buyer, amount);

        ChainProxy.mode = ChainProxy.Mode.FORWARD;
        awaitStatus(challenge, "unfulfilled");
        assertEquals(1, settledEvents(challenge));
        // the buyer's credential now redeems what it paid for
        settle(credential, amount).then().statusCode(200).body("redeemed", equalTo(true));
    }

    @Test
    void aClaimWhoseTransactionCanNoLongerLandFailsForGood() throws Exception {
        long amount = 3_400;
        Map<String, String> challenge = issue(amount);
        Credentials buyer = DevChain.freshFundedKey(FUNDS);
        long validBefore = Instant.now().getEpochSecond() + 3;
        String credential = pullCredential(challenge, signed(challenge, buyer, amount, validBefore),
                buyer.getAddress());

        // the broadcast never reaches the node
        ChainProxy.mode = ChainProxy.Mode.STALL_BROADCAST;
        assertRetryLater(settle(credential, amount), 503, "verification-unavailable");
        assertEquals("pending", rows().status(challenge.get("id")));
        ChainProxy.mode = ChainProxy.Mode.FORWARD;
        reconciler.reconcile().await().atMost(java.time.Duration.ofSeconds(60));
        assertEquals("pending", rows().status(challenge.get("id")), "it may still land until validBefore");

        // validBefore and the landing margin (1 s here) have passed without a receipt
        Thread.sleep(Math.max(0, (validBefore + 2) * 1000 - System.currentTimeMillis()));
        awaitStatus(challenge, "failed");
        assertEquals("NEVER_INCLUDED", outcome(challenge));
        assertEquals(0, settledEvents(challenge));
        assertEquals(FUNDS, balance(buyer), "nothing was paid");
        assertProblem(settle(credential, amount), 402, "verification-failed", "did not pay");
    }

    // --- helpers ---

    private static String signed(Map<String, String> challenge, Credentials buyer, long amount, Long validBefore) {
        TempoTx tx = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, challenge.get("id"))));
        if (validBefore != null) {
            tx.validBefore = validBefore;
        }
        return tx.sign(buyer);
    }

    /** Reconciler rounds until the claim has the status (the chain proxy's breaker may need a few seconds). */
    private void awaitStatus(Map<String, String> challenge, String status) throws Exception {
        long until = System.currentTimeMillis() + 20_000;
        while (!status.equals(rows().status(challenge.get("id"))) && System.currentTimeMillis() < until) {
            reconciler.reconcile().await().atMost(java.time.Duration.ofSeconds(60));
            Thread.sleep(250);
        }
        assertEquals(status, rows().status(challenge.get("id")));
    }

    private void awaitPublished(Map<String, String> challenge) throws Exception {
        long until = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < until && rows().count("SELECT count(*) FROM outbox WHERE message_key = ?"
                + " AND topic = 'payments.settled' AND published_at IS NOT NULL", challenge.get("id")) == 0) {
            Thread.sleep(250);
        }
        assertEquals(1, rows().count("SELECT count(*) FROM outbox WHERE message_key = ?"
                + " AND topic = 'payments.settled' AND published_at IS NOT NULL", challenge.get("id")));
    }

    private long settledEvents(Map<String, String> challenge) throws Exception {
        return rows().count("SELECT count(*) FROM outbox WHERE message_key = ? AND topic = 'payments.settled'",
                challenge.get("id"));
    }

    private String outcome(Map<String, String> challenge) throws Exception {
        return rows().text("SELECT outcome FROM charges WHERE challenge_id = ?", challenge.get("id"));
    }

    private ChargeRows rows() {
        return new ChargeRows(dataSource);
    }

    /** The buyer paid the amount once, plus a network fee in the same token; @return the balance now */
    private static long paidOnce(Credentials buyer, long amount) throws Exception {
        long now = balance(buyer);
        long paid = FUNDS - now;
        assertTrue(paid >= amount && paid < 2 * amount, "the buyer paid the amount once (plus a fee): " + paid);
        return now;
    }

    private static long balance(Credentials buyer) throws Exception {
        return DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress()).longValueExact();
    }
}
