package io.mppgateway.payment.outage;

import static io.mppgateway.payment.testsupport.Payments.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import javax.sql.DataSource;

import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.testsupport.ChainProxy;
import io.mppgateway.payment.testsupport.DevChain;
import io.mppgateway.contracts.testing.TempoTx;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/** Unknown is not failed: chain outages and stalled broadcasts give 503 + Retry-After, never a 402. */
@QuarkusTest
@TestProfile(ChainOutageTest.BehindProxy.class)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ChainOutageTest {
    @Inject
    DataSource dataSource;

    public static class BehindProxy implements QuarkusTestProfile {
        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(new TestResourceEntry(ChainProxy.class));
        }
    }

    @AfterEach
    void heal() {
        ChainProxy.mode = ChainProxy.Mode.FORWARD;
    }

    @Test
    @org.junit.jupiter.api.Order(0)
    void aBroadcastWhoseAnswerIsLostSettlesFromTheReceiptAtOnce() throws Exception {
        long amount = 2_100;
        Map<String, String> challenge = issue(amount);
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        String tx = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, challenge.get("id")))).sign(buyer);

        ChainProxy.mode = ChainProxy.Mode.LOSE_BROADCAST_ANSWER;
        // the node included the transaction; its receipt answers what the lost reply would have
        settle(pullCredential(challenge, tx, buyer.getAddress()), amount).then().statusCode(200)
                .body("mode", equalTo("pull")).body("payer", equalTo(buyer.getAddress().toLowerCase()));
        assertEquals("settled", status(challenge.get("id")));
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void aStalledBroadcastKeepsTheClaimAnswers503AndTheSameCredentialSettlesLater() throws Exception {
        long amount = 2_200;
        Map<String, String> challenge = issue(amount);
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        String tx = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, challenge.get("id")))).sign(buyer);
        String credential = pullCredential(challenge, tx, buyer.getAddress());

        ChainProxy.mode = ChainProxy.Mode.STALL_BROADCAST;
        long started = System.nanoTime();
        assertRetryLater(settle(credential, amount), 503, "verification-unavailable");
        assertTrue((System.nanoTime() - started) / 1_000_000 < 7_000, "the wait on the broadcast is bounded");
        assertEquals("pending", status(challenge.get("id")), "the claim is kept");

        ChainProxy.mode = ChainProxy.Mode.FORWARD;
        Thread.sleep(1_100); // the first attempt's broadcast lease (PT1S in this profile) has run out
        settle(credential, amount).then().statusCode(200).body("mode", equalTo("pull"))
                .body("payer", equalTo(buyer.getAddress().toLowerCase()));
        assertEquals("settled", status(challenge.get("id")));
    }

    @Test
    @org.junit.jupiter.api.Order(2) // last: it leaves the circuit breaker open
    void aChainThatCannotBeAskedGives503AndOpensTheCircuitBreaker() {
        Map<String, String> challenge = issue(2_300);
        String credential = pushCredential(challenge, "0x" + "77".repeat(32), DevChain.PAYER);
        ChainProxy.mode = ChainProxy.Mode.DOWN;
        for (int i = 0; i < 6; i++) {
            assertRetryLater(settle(credential, 2_300), 503, "verification-unavailable");
        }
        int before = ChainProxy.calls.get();
        settle(credential, 2_300).then().statusCode(503).body("detail", containsString("retry"));
        assertEquals(before, ChainProxy.calls.get(), "the open circuit breaker does not even ask the node");
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("payment_rejections_total{reason=\"verification-unavailable\",status=\"503\"}"),
                metrics.lines().filter(l -> l.startsWith("payment_")).toList().toString());
    }

    private String status(String challengeId) throws Exception {
        try (var con = dataSource.getConnection();
                var ps = con.prepareStatement("SELECT status FROM charges WHERE challenge_id = ?")) {
            ps.setString(1, challengeId);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
