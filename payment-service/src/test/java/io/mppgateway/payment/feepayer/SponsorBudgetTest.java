package io.mppgateway.payment.feepayer;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.Map;

import io.mppgateway.contracts.testing.TempoTx;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/** The fee payer's budget per time window: once its worst-case fees are committed, sponsorship is refused (402). */
@QuarkusTest
@TestProfile(SponsorBudgetTest.SmallBudget.class)
class SponsorBudgetTest {

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // each transaction below may cost up to 300,000 gas × 40 gwei = 12,000 base units: two fit, not three
            return Map.of("payment.fee-payer.enabled", "true",
                    "payment.fee-payer.private-key", FeePayerTest.DEV_FEE_PAYER_TEST_KEY,
                    "payment.fee-payer.budget", "30000", "payment.fee-payer.budget-window", "PT1H");
        }
    }

    @Test
    void sponsorshipStopsWhenTheWindowsBudgetIsCommitted() {
        // one buyer per payment: anvil treats the expiring-nonce lane as a sequential nonce, so a key signs only one
        // such transaction there (reference/local-tempo-chain.md); the budget is the fee payer's, not the buyer's
        pay(DevChain.freshFundedKey(1_000_000), 6_010).then().statusCode(200);
        pay(DevChain.freshFundedKey(1_000_000), 6_020).then().statusCode(200);
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        BigInteger sponsorBefore = DevChain.balanceOf(DevChain.PATH_USD, FeePayerTest.DEV_FEE_PAYER);
        BigInteger buyerBefore = DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress());
        assertProblem(pay(buyer, 6_030), 402, "verification-failed", "fee sponsorship is exhausted");
        assertEquals(sponsorBefore, DevChain.balanceOf(DevChain.PATH_USD, FeePayerTest.DEV_FEE_PAYER));
        assertEquals(buyerBefore, DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress()));
    }

    private static io.restassured.response.Response pay(Credentials buyer, long amount) {
        Map<String, String> challenge = issue(amount);
        TempoTx tx = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, challenge.get("id"))));
        tx.sponsored = true;
        // long enough to outlive the re-presentations below on a loaded node (the default 25 s does not)
        tx.validBefore = java.time.Instant.now().getEpochSecond() + 120;
        String credential = pullCredential(challenge, tx.sign(buyer), buyer.getAddress());
        // a 503 (the node slow to confirm under load) keeps the claim, a 409 says its broadcast is under way: the same
        // credential is presented again, as a buyer would
        io.restassured.response.Response response = settle(credential, amount);
        for (int i = 0; i < 20 && (response.statusCode() == 503 || response.statusCode() == 409); i++) {
            sleep(1_000);
            response = settle(credential, amount);
        }
        return response;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
