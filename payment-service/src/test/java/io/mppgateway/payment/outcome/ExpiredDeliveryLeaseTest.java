package io.mppgateway.payment.outcome;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import javax.sql.DataSource;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.outcome.service.ExpiredDeliveryLeases;
import io.mppgateway.payment.testsupport.ChargeRows;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

/**
 * A provider killed while serving a paid call never reports: after the delivery lease its charge is presumed
 * undelivered (unfulfilled), so the buyer's re-presented credential is released again; a provider that was only slow
 * and reports late still has the last word, unless the charge was redeemed meanwhile.
 */
@QuarkusTest
class ExpiredDeliveryLeaseTest {
    @Inject
    DataSource dataSource;
    @Inject
    ExpiredDeliveryLeases leases;

    @Test
    void aChargeHeldPastTheLeaseWithoutAnOutcomeBecomesRedeemable() throws Exception {
        long amount = 3_600;
        Map<String, String> challenge = issue(amount);
        String id = challenge.get("id");
        String credential = paid(challenge, amount);
        settle(credential, amount).then().statusCode(200).body("redeemed", equalTo(false));
        // the provider died: no report; while the lease runs, a re-presentation waits
        leases.sweep().await().atMost(java.time.Duration.ofSeconds(60));
        assertEquals("settled", rows().status(id));
        assertRetryLater(settle(credential, amount), 409, "payment-in-progress");

        heldFor(id, 16 * 60);
        leases.sweep().await().atMost(java.time.Duration.ofSeconds(60));
        assertEquals("unfulfilled", rows().status(id));
        assertEquals(1, rows().count("SELECT count(*) FROM charges WHERE challenge_id = ? AND outcome = 'DELIVERY_LEASE_EXPIRED'", id));

        settle(credential, amount).then().statusCode(200).body("redeemed", equalTo(true));
        assertEquals("redeeming", rows().status(id));
        // the redemption's provider dies too: the lease runs again from the redemption
        leases.sweep().await().atMost(java.time.Duration.ofSeconds(60));
        assertEquals("redeeming", rows().status(id));
        heldFor(id, 16 * 60);
        leases.sweep().await().atMost(java.time.Duration.ofSeconds(60));
        assertEquals("unfulfilled", rows().status(id));
        assertEquals(1, rows().count("SELECT count(*) FROM outbox WHERE message_key = ? AND topic = 'payments.settled'", id),
                "one settled event");
        // each expiry is an attempt the ledger books: usage.recorded ABANDONED, nothing delivered
        assertEquals(2, rows().count("SELECT count(*) FROM outbox WHERE message_key = ? AND topic = 'usage.recorded'"
                + " AND payload::jsonb ->> 'outcome' = 'ABANDONED' AND (payload::jsonb ->> 'delivered')::boolean = false", id));
    }

    @Test
    void aLateReportFromASlowProviderStillCounts() throws Exception {
        long amount = 3_700;
        Map<String, String> challenge = issue(amount);
        String id = challenge.get("id");
        String credential = paid(challenge, amount);
        settle(credential, amount).then().statusCode(200);
        heldFor(id, 16 * 60);
        leases.sweep().await().atMost(java.time.Duration.ofSeconds(60));
        assertEquals("unfulfilled", rows().status(id));
        report(id, UsageOutcome.FULFILLED).then().statusCode(204);
        assertEquals("fulfilled", rows().status(id));
        assertProblem(settle(credential, amount), 402, "verification-failed", "already been used");
    }

    @Test
    void aReportAfterTheLeaseExpiredAndTheBuyerRedeemedDoesNotCountTwice() throws Exception {
        long amount = 3_800;
        Map<String, String> challenge = issue(amount);
        String id = challenge.get("id");
        String credential = paid(challenge, amount);
        settle(credential, amount).then().statusCode(200);
        heldFor(id, 16 * 60);
        leases.sweep().await().atMost(java.time.Duration.ofSeconds(60));
        settle(credential, amount).then().statusCode(200).body("redeemed", equalTo(true));
        // the redemption is delivered and reported; the first provider's late failure cannot reopen it
        report(id, UsageOutcome.REDEEMED).then().statusCode(204);
        report(id, UsageOutcome.UPSTREAM_FAILED).then().statusCode(409);
        assertEquals("fulfilled", rows().status(id));
    }

    private static String paid(Map<String, String> challenge, long amount) {
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, challenge.get("id")));
        return pushCredential(challenge, hash, DevChain.PAYER);
    }

    private void heldFor(String challengeId, int seconds) throws Exception {
        new ChargeRows(dataSource).releasedSecondsAgo(challengeId, seconds);
    }

    private ChargeRows rows() {
        return new ChargeRows(dataSource);
    }
}
