package io.mppgateway.payment.outcome;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import javax.sql.DataSource;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.testing.TempoTx;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.testsupport.ChargeRows;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * A provider whose upstream breaker is open says so with the settlement: payment-service then takes no pull payment
 * and spends no redemption (both would end "payment kept" without an answer), answers 503 upstream-unavailable with
 * the breaker's remaining time as Retry-After, and changes nothing; the same credential is good afterwards.
 */
@QuarkusTest
class UpstreamDownTest {
    @Inject
    DataSource dataSource;

    @Test
    void aPullTransactionIsNeitherClaimedNorBroadcastWhileTheUpstreamIsDown() throws Exception {
        long amount = 4_100;
        Map<String, String> challenge = issue(amount);
        String id = challenge.get("id");
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        String tx = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, id))).sign(buyer);
        String credential = pullCredential(challenge, tx, buyer.getAddress());

        Response refused = settleWhileUpstreamDown(credential, amount, 7);
        assertRetryLater(refused, 503, "upstream-unavailable");
        refused.then().header("Retry-After", "7").body("challengeId", equalTo(id))
                .body("detail", containsString("nothing was charged"));
        assertEquals(0, rows().count("SELECT count(*) FROM charges WHERE challenge_id = ?", id), "nothing claimed");
        assertEquals(1_000_000, DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress()).longValueExact(),
                "nothing broadcast");

        // the upstream is back: the very same credential pays, once
        settle(credential, amount).then().statusCode(200).body("redeemed", equalTo(false))
                .body("mode", equalTo("pull"));
        assertEquals("settled", rows().status(id));
    }

    @Test
    void anUndeliveredChargeKeepsItsRedemptionWhileTheUpstreamIsDown() throws Exception {
        long amount = 4_200;
        Map<String, String> challenge = issue(amount);
        String id = challenge.get("id");
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, id));
        String credential = pushCredential(challenge, hash, DevChain.PAYER);
        // a push transfer is already on chain: it is settled (and kept) even while the upstream is down
        settleWhileUpstreamDown(credential, amount, 9).then().statusCode(200).body("redeemed", equalTo(false));
        report(id, UsageOutcome.UPSTREAM_FAILED).then().statusCode(204);
        assertEquals("unfulfilled", rows().status(id));

        for (int i = 0; i < 3; i++) {
            Response refused = settleWhileUpstreamDown(credential, amount, 9);
            assertRetryLater(refused, 503, "upstream-unavailable");
            refused.then().header("Retry-After", "9");
        }
        assertEquals("unfulfilled", rows().status(id));
        assertEquals(0, rows().count("SELECT count(*) FROM charges WHERE challenge_id = ? AND redeemed_at IS NOT NULL",
                id), "the redemption is not spent");

        settle(credential, amount).then().statusCode(200).body("redeemed", equalTo(true)).body("txHash",
                equalTo(hash));
        assertEquals("redeeming", rows().status(id));
    }

    private ChargeRows rows() {
        return new ChargeRows(dataSource);
    }
}
