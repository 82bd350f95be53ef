package io.mppgateway.payment.refund;

import io.mppgateway.payment.common.db.Transactions;
import static io.mppgateway.payment.testsupport.Payments.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.refund.repository.RefundRepository;
import io.mppgateway.payment.refund.service.RefundRecorder;
import io.mppgateway.payment.settlement.repository.ChargeRepository;
import io.mppgateway.payment.testsupport.CallerTokens;
import io.mppgateway.payment.testsupport.ChargeRows;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 3, payment side: an unfulfilled charge is either redeemed or refunded, never both (the two claim the
 * charge row in one conditional statement each), a charge is redeemed at most once, and a refund is announced only
 * when it refunded a charge.
 */
@QuarkusTest
class RefundOrRedemptionTest {
    static final int ROUNDS = 10;

    @Inject
    DataSource dataSource;
    @Inject
    RefundRecorder recorder;
    @Inject
    RefundRepository refundRows;
    @Inject
    ChargeRepository charges;
    @Inject
    Transactions transactions;

    private static final java.time.Duration AWAIT = java.time.Duration.ofSeconds(30);

    record Unfulfilled(String challengeId, String chargeId, String credential, long amount) {
    }

    @Test
    void aConcurrentRefundAndRedemptionHaveExactlyOneWinnerEveryTime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        int refundsWon = 0;
        int redemptionsWon = 0;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Unfulfilled c = unfulfilled(6_000 + round);
                CyclicBarrier start = new CyclicBarrier(2);
                CompletableFuture<Response> refund = CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return given().header("Authorization", CallerTokens.bearer(CallerTokens.REFUND_OPERATOR)).post("/internal/refunds/{id}", c.chargeId());
                }, pool);
                CompletableFuture<Response> redemption = CompletableFuture.supplyAsync(() -> {
                    await(start);
                    return settle(c.credential(), c.amount());
                }, pool);
                Response refunded = refund.get();
                Response redeemed = redemption.get();
                boolean refundWon = refunded.statusCode() == 200;
                boolean redemptionWon = redeemed.statusCode() == 200;
                String where = "round " + round + ": refund " + refunded.statusCode() + " " + refunded.asString()
                        + ", redemption " + redeemed.statusCode() + " " + redeemed.asString();
                assertTrue(refundWon ^ redemptionWon, "exactly one wins, " + where);
                String status = rows().status(c.challengeId());
                long refundRecords = rows().count("SELECT count(*) FROM refunds WHERE charge_id = ?::uuid",
                        c.chargeId());
                long refundEvents = rows().count(
                        "SELECT count(*) FROM outbox WHERE message_key = ? AND topic = 'payments.refunded'",
                        c.challengeId());
                if (refundWon) {
                    refundsWon++;
                    refunded.then().body("status", equalTo("sent"));
                    assertProblem(redeemed, 402, "verification-failed", "refunded");
                    assertEquals("refunded", status, where);
                    assertEquals(1, refundRecords, where);
                    assertEquals(1, refundEvents, where);
                } else {
                    redemptionsWon++;
                    redeemed.then().body("redeemed", equalTo(true));
                    refunded.then().statusCode(409)
                            .body("type", equalTo("https://paymentauth.org/problems/outcome-conflict"));
                    assertEquals("redeeming", status, where);
                    assertEquals(0, refundRecords, "the losing refund left nothing, " + where);
                    assertEquals(0, refundEvents, where);
                }
            }
        } finally {
            pool.shutdown();
        }
        System.out.printf("refund vs redemption, %d rounds: refund won %d, redemption won %d, both 0%n", ROUNDS,
                refundsWon, redemptionsWon);
    }

    @Test
    void aChargeIsRedeemedAtMostOnceThenOnlyRefunded() throws Exception {
        Unfulfilled c = unfulfilled(6_500);
        settle(c.credential(), c.amount()).then().statusCode(200).body("redeemed", equalTo(true));
        report(c.challengeId(), UsageOutcome.UPSTREAM_FAILED).then().statusCode(204);
        assertEquals("unfulfilled", rows().status(c.challengeId()));
        // undelivered again: not a second redemption
        assertProblem(settle(c.credential(), c.amount()), 402, "verification-failed", "redeemed once");
        assertEquals("unfulfilled", rows().status(c.challengeId()));
        given().header("Authorization", CallerTokens.bearer(CallerTokens.REFUND_OPERATOR)).post("/internal/refunds/{id}", c.chargeId()).then().statusCode(200).body("status", equalTo("sent"));
        assertEquals("refunded", rows().status(c.challengeId()));
        assertProblem(settle(c.credential(), c.amount()), 402, "verification-failed", "refunded");
    }

    @Test
    void aDeliveredOrRedeemingChargeIsNotRefunded() throws Exception {
        Unfulfilled c = unfulfilled(6_600);
        settle(c.credential(), c.amount()).then().statusCode(200).body("redeemed", equalTo(true));
        given().header("Authorization", CallerTokens.bearer(CallerTokens.REFUND_OPERATOR)).post("/internal/refunds/{id}", c.chargeId()).then().statusCode(409);
        report(c.challengeId(), UsageOutcome.REDEEMED).then().statusCode(204);
        given().header("Authorization", CallerTokens.bearer(CallerTokens.REFUND_OPERATOR)).post("/internal/refunds/{id}", c.chargeId()).then().statusCode(409);
        assertEquals(0, rows().count("SELECT count(*) FROM refunds WHERE charge_id = ?::uuid", c.chargeId()));
    }

    @Test
    void aConfirmedRefundOfAChargeThatWasNotRefundingAnnouncesNothing() throws Exception {
        Unfulfilled c = unfulfilled(6_700);
        UUID chargeId = UUID.fromString(c.chargeId());
        // a refund row that skipped the claim (as before the fix): confirming it must not announce a refund
        assertTrue(refundRows.insertSending(transactions.autoCommit(), new RefundRepository.Refund(chargeId,
                DevChain.PAYER.toLowerCase(), c.amount(), "sending", "0x" + "ab".repeat(32), "0x00", "test"))
                .await().atMost(AWAIT));
        var charge = charges.findById(transactions.autoCommit(), chargeId).await().atMost(AWAIT).orElseThrow();
        assertFalse(recorder.confirm(charge, DevChain.PAYER, "0x" + "ab".repeat(32), "test", Instant.now())
                .await().atMost(AWAIT));
        assertEquals("unfulfilled", rows().status(c.challengeId()));
        assertEquals(0, rows().count(
                "SELECT count(*) FROM outbox WHERE message_key = ? AND topic = 'payments.refunded'", c.challengeId()));
    }

    /** A push payment from the dev payer, settled and reported undelivered. */
    private Unfulfilled unfulfilled(long amount) {
        Map<String, String> challenge = issue(amount);
        String id = challenge.get("id");
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, id));
        String credential = pushCredential(challenge, hash, DevChain.PAYER);
        String chargeId = settle(credential, amount).then().statusCode(200).extract().path("chargeId");
        report(id, UsageOutcome.UPSTREAM_FAILED).then().statusCode(204);
        return new Unfulfilled(id, chargeId, credential, amount);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private ChargeRows rows() {
        return new ChargeRows(dataSource);
    }
}
