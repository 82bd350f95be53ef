package io.mppgateway.payment.refund;

import static io.mppgateway.payment.testsupport.Payments.*;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.EventSchemaAssert;
import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.refund.service.AutomaticRefunds;
import io.mppgateway.payment.testsupport.CallerTokens;
import io.mppgateway.payment.testsupport.ChargeRows;
import io.mppgateway.payment.testsupport.DevChain;
import io.mppgateway.contracts.testing.TempoTx;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/** Unfulfilled charges are paid back on chain to the credential's source, once, and announced on Kafka. */
@QuarkusTest
class RefundTest {
    private static final long FUNDS = 1_000_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    DataSource dataSource;
    @Inject
    AutomaticRefunds automatic;

    @Test
    void aManualRefundPaysThePayerBackOnceAndIsPublished() throws Exception {
        long amount = 4_200;
        Paid paid = payAndFail(amount, UsageOutcome.UPSTREAM_FAILED);
        // the buyer paid the amount plus its own network fee (in pathUSD); the refund returns the amount
        BigInteger afterPaying = DevChain.balanceOf(DevChain.PATH_USD, paid.buyer.getAddress());
        BigInteger refundedBalance = afterPaying.add(BigInteger.valueOf(amount));

        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            ConsumerTask<String, String> refunded = kafka.consumeStrings()
                    .withGroupId("refund-test-" + UUID.randomUUID()).withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.PAYMENTS_REFUNDED);
            String txHash = operator().post("/internal/refunds/{id}", paid.chargeId).then().statusCode(200)
                    .body("status", equalTo("sent")).body("amount", equalTo((int) amount))
                    .body("payer", equalTo(paid.buyer.getAddress().toLowerCase()))
                    .body("challengeId", equalTo(paid.challengeId)).extract().path("refundTxHash");
            assertEquals(refundedBalance, DevChain.balanceOf(DevChain.PATH_USD, paid.buyer.getAddress()));
            assertEquals("0x1", DevChain.rpc("eth_getTransactionReceipt", List.of(txHash)).path("status").asText());

            // again: the same refund, no second transfer
            operator().post("/internal/refunds/{id}", paid.chargeId).then().statusCode(200)
                    .body("refundTxHash", equalTo(txHash));
            assertEquals(refundedBalance, DevChain.balanceOf(DevChain.PATH_USD, paid.buyer.getAddress()));
            assertEquals(1, count("SELECT count(*) FROM refunds WHERE charge_id = ?::uuid", paid.chargeId));
            assertEquals("refunded", status(paid.challengeId));

            ConsumerRecord<String, String> event = await().atMost(Duration.ofSeconds(15)).until(
                    () -> refunded.getRecords().stream().filter(r -> paid.challengeId.equals(r.key())).findFirst()
                            .orElse(null), r -> r != null);
            Thread.sleep(1000);
            assertEquals(1, refunded.getRecords().stream().filter(r -> paid.challengeId.equals(r.key())).count());
            refunded.stop();
            EventSchemaAssert.assertValid(Topics.PAYMENTS_REFUNDED, event.value());
            JsonNode json = MAPPER.readTree(event.value());
            assertEquals(amount, json.path("amount").asLong());
            assertEquals(txHash, json.path("refundTxHash").asText());
            assertEquals(paid.chargeId, json.path("chargeId").asText());
        }
        // a refunded credential is spent
        assertProblem(settle(paid.credential, amount), 402, "verification-failed", "already been used");
    }

    @Test
    void theAutomaticPolicyRefundsChargesLeftUnfulfilledPastTheGracePeriod() throws Exception {
        long amount = 4_300;
        Paid paid = payAndFail(amount, UsageOutcome.CLIENT_GONE);
        BigInteger refundedBalance = DevChain.balanceOf(DevChain.PATH_USD, paid.buyer.getAddress())
                .add(BigInteger.valueOf(amount));
        automatic.run().await().atMost(java.time.Duration.ofSeconds(60));
        assertEquals("unfulfilled", status(paid.challengeId), "still within the grace period");
        try (var con = dataSource.getConnection(); var ps = con.prepareStatement(
                "UPDATE charges SET outcome_at = now() - interval '1 hour' WHERE challenge_id = ?")) {
            ps.setString(1, paid.challengeId);
            ps.executeUpdate();
        }
        automatic.run().await().atMost(java.time.Duration.ofSeconds(60));
        assertEquals("refunded", status(paid.challengeId));
        assertEquals(refundedBalance, DevChain.balanceOf(DevChain.PATH_USD, paid.buyer.getAddress()));
        automatic.run().await().atMost(java.time.Duration.ofSeconds(60));
        assertEquals(refundedBalance, DevChain.balanceOf(DevChain.PATH_USD, paid.buyer.getAddress()));
    }

    @Test
    void onlyUnfulfilledChargesAreRefunded() throws Exception {
        Paid delivered = payAndFail(4_400, UsageOutcome.FULFILLED);
        operator().post("/internal/refunds/{id}", delivered.chargeId).then().statusCode(409)
                .body("type", equalTo("https://paymentauth.org/problems/outcome-conflict"));
        operator().post("/internal/refunds/{id}", UUID.randomUUID()).then().statusCode(404);
    }

    private record Paid(Credentials buyer, String challengeId, String chargeId, String credential) {
    }

    private Paid payAndFail(long amount, UsageOutcome outcome) {
        Map<String, String> challenge = issue(amount);
        Credentials buyer = DevChain.freshFundedKey(FUNDS);
        String tx = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, challenge.get("id")))).sign(buyer);
        String credential = pullCredential(challenge, tx, buyer.getAddress());
        String chargeId = settle(credential, amount).then().statusCode(200).extract().path("chargeId");
        report(challenge.get("id"), outcome).then().statusCode(204);
        return new Paid(buyer, challenge.get("id"), chargeId, credential);
    }

    private String status(String challengeId) throws Exception {
        return new ChargeRows(dataSource).status(challengeId);
    }

    private long count(String sql, String param) throws Exception {
        return new ChargeRows(dataSource).count(sql, param);
    }

    /** Refunds are triggered by a refund operator (service authentication of /internal/*). */
    private static io.restassured.specification.RequestSpecification operator() {
        return given().header("Authorization", CallerTokens.bearer(CallerTokens.REFUND_OPERATOR));
    }
}
