package io.mppgateway.payment.settlement;

import static io.mppgateway.payment.testsupport.Payments.*;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.EventSchemaAssert;
import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.mpp.Base64Url;
import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.payment.challenge.service.ChallengeKeys;
import io.mppgateway.payment.challenge.service.ChallengeService;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.junit.jupiter.api.Test;

/** Push-mode settlement against the real local chain, PostgreSQL and Kafka. */
@QuarkusTest
class SettlementFlowTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    DataSource dataSource;
    @Inject
    ChallengeKeys keys;
    @Inject
    ChallengeService challenges;

    @Test
    void aPaidChallengeSettlesOncePublishesTheEventAndIsRefusedWhenReplayed() throws Exception {
        long amount = 12_345;
        Map<String, String> challenge = issue(amount);
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, challenge.get("id")));
        String credential = credential(challenge, hash);

        try (KafkaCompanion kafka = new KafkaCompanion(LocalStack.KAFKA)) {
            ConsumerTask<String, String> settled = kafka.consumeStrings()
                    .withGroupId("payment-test-" + UUID.randomUUID())
                    .withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.PAYMENTS_SETTLED);

            JsonNode body = MAPPER.readTree(settle(credential, amount).then().statusCode(200)
                    .body("txHash", equalTo(hash)).body("amount", equalTo((int) amount))
                    .body("payer", equalTo(DevChain.PAYER.toLowerCase())).extract().asString());
            JsonNode receipt = MAPPER.readTree(Base64Url.decodeToString(body.path("receipt").asText()));
            assertEquals("tempo", receipt.path("method").asText());
            assertEquals("success", receipt.path("status").asText());
            assertEquals(hash, receipt.path("reference").asText());

            try (var con = dataSource.getConnection(); var ps = con.prepareStatement(
                    "SELECT amount, tx_hash, route, realm, mode FROM charges WHERE challenge_id = ?")) {
                ps.setString(1, challenge.get("id"));
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(amount, rs.getLong(1));
                    assertEquals(hash, rs.getString(2));
                    assertEquals(ROUTE, rs.getString(3));
                    assertEquals(REALM, rs.getString(4));
                    assertEquals("push", rs.getString(5));
                }
            }

            ConsumerRecord<String, String> event = await().atMost(Duration.ofSeconds(15)).until(
                    () -> settled.getRecords().stream().filter(r -> challenge.get("id").equals(r.key()))
                            .findFirst().orElse(null), r -> r != null);
            settled.stop();
            EventSchemaAssert.assertValid(Topics.PAYMENTS_SETTLED, event.value());
            JsonNode published = MAPPER.readTree(event.value());
            assertEquals(amount, published.path("amount").asLong());
            assertEquals(hash, published.path("txHash").asText());
            assertEquals(body.path("chargeId").asText(), published.path("chargeId").asText());
            assertEquals("mistral", published.path("provider").asText());
        }

        // the same credential again while the provider has not reported yet: wait, never a 402 after settlement
        assertRetryLater(settle(credential, amount), 409, "payment-in-progress");
        report(challenge.get("id"), io.mppgateway.contracts.events.UsageOutcome.FULFILLED).then().statusCode(204);
        // delivered: the same credential is refused, with a fresh challenge to pay instead
        settle(credential, amount).then().statusCode(402)
                .contentType("application/problem+json")
                .header("Cache-Control", "no-store")
                .header("WWW-Authenticate", startsWith("Payment id="))
                .body("type", equalTo("https://paymentauth.org/problems/verification-failed"))
                .body("detail", containsString("already been used"));
    }

    @Test
    void tooLittleIsRefused() {
        Map<String, String> challenge = issue(20_000);
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, 19_999,
                AttributionMemo.encode(REALM, challenge.get("id")));
        assertProblem(settle(credential(challenge, hash), 20_000), 402, "verification-failed",
                "transfer amount 19999 does not equal the charge amount 20000");
    }

    @Test
    void aTransferToSomeoneElseIsRefused() {
        Map<String, String> challenge = issue(20_000);
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.STRANGER, 20_000,
                AttributionMemo.encode(REALM, challenge.get("id")));
        assertProblem(settle(credential(challenge, hash), 20_000), 402, "verification-failed",
                "does not pay the recipient");
    }

    @Test
    void theWrongTokenIsRefused() {
        Map<String, String> challenge = issue(20_000);
        String hash = DevChain.transferWithMemo(DevChain.ALPHA_USD, DevChain.PAYER, DevChain.RECIPIENT, 20_000,
                AttributionMemo.encode(REALM, challenge.get("id")));
        assertProblem(settle(credential(challenge, hash), 20_000), 402, "verification-failed",
                "transfers another token");
    }

    @Test
    void aTransferWithoutMemoOrWithAnotherChallengesMemoIsRefused() {
        Map<String, String> challenge = issue(20_000);
        String plain = DevChain.transfer(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, 20_000);
        assertProblem(settle(credential(challenge, plain), 20_000), 402, "verification-failed",
                "has no TransferWithMemo");
        String foreign = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, 20_000,
                AttributionMemo.encode(REALM, "some-other-challenge"));
        assertProblem(settle(credential(challenge, foreign), 20_000), 402, "verification-failed",
                "memo is not bound to this challenge");
    }

    @Test
    void aTransferSentBySomeoneElseThanTheCredentialsSourceIsRefused() {
        // someone who saw the payer's transaction on chain cannot claim it under their own DID
        Map<String, String> challenge = issue(20_000);
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, 20_000,
                AttributionMemo.encode(REALM, challenge.get("id")));
        assertProblem(settle(pushCredential(challenge, hash, DevChain.STRANGER), 20_000), 402, "verification-failed",
                "transfer was not sent by the credential's source " + DevChain.STRANGER);
    }

    @Test
    void aHashTheChainDoesNotKnowIsRefused() {
        Map<String, String> challenge = issue(20_000);
        assertProblem(settle(credential(challenge, "0x" + "ab".repeat(32)), 20_000), 402, "verification-failed",
                "is not on chain");
    }

    @Test
    void aTamperedOrMisusedChallengeIsRefusedBeforeTheChainIsAsked() {
        Map<String, String> challenge = issue(20_000);
        String hash = "0x" + "cd".repeat(32);
        Map<String, String> tampered = new LinkedHashMap<>(challenge);
        tampered.put("id", challenge.get("id").substring(1) + "A");
        assertProblem(settle(credential(tampered, hash), 20_000), 402, "invalid-challenge", "not issued");

        // a genuine challenge, but for another route, price or body than the request being served
        assertProblem(settle(List.of(credential(challenge, hash)), "/mistral/embed", 20_000, DIGEST), 402,
                "invalid-challenge", "another route");
        assertProblem(settle(List.of(credential(challenge, hash)), ROUTE, 50_000, DIGEST), 402, "invalid-challenge",
                "amount 20000");
        assertProblem(settle(List.of(credential(challenge, hash)), ROUTE, 20_000, "sha-256=:other=:"), 402,
                "invalid-challenge", "digest");
    }

    @Test
    void anExpiredChallengeIsRefused() {
        String expires = Instant.now().minusSeconds(1).toString();
        String request = challenges.encodedRequest(ROUTE, 20_000);
        String opaque = challenges.encodedOpaque(ROUTE);
        String id = keys.forRealm(REALM).sign(REALM, "tempo", "charge", request, expires, DIGEST, null, opaque);
        Map<String, String> expired = Map.of("id", id, "realm", REALM, "method", "tempo", "intent", "charge",
                "request", request, "expires", expires, "digest", DIGEST, "opaque", opaque);
        assertProblem(settle(credential(expired, "0x" + "ef".repeat(32)), 20_000), 402, "payment-expired",
                "expired");
    }

    @Test
    void malformedDuplicatedOrForeignMethodCredentialsGetTheirOwnErrors() {
        assertProblem(settle(List.of("Payment dGhpcyBpcyBnYXJiYWdl"), ROUTE, 20_000, DIGEST), 402, "malformed-credential",
                "not base64url JSON");
        Map<String, String> challenge = issue(20_000);
        String one = credential(challenge, "0x" + "12".repeat(32));
        assertProblem(settle(List.of(one, one), ROUTE, 20_000, DIGEST), 400, "bad-request", "exactly one");
        Map<String, String> stripe = new LinkedHashMap<>(challenge);
        stripe.put("method", "stripe");
        assertProblem(settle(credential(stripe, "0x" + "12".repeat(32)), 20_000), 400, "method-unsupported",
                "stripe");
    }

    @Test
    void challengesAreIssuedInTheWireFormatMppxExpects() throws Exception {
        Response issued = given().contentType(ContentType.JSON)
                .body(new ChallengeRequest(REALM, "mistral", ROUTE, 8000, DIGEST, "Mistral chat"))
                .post("/internal/challenges");
        issued.then().statusCode(200);
        String header = issued.jsonPath().getString("wwwAuthenticate");
        Map<String, String> params = params(header);
        assertEquals(List.of("id", "realm", "method", "intent", "request", "description", "digest", "expires",
                "opaque"), List.copyOf(params.keySet()));
        JsonNode request = MAPPER.readTree(Base64Url.decodeToString(params.get("request")));
        assertEquals("{\"amount\":\"8000\",\"currency\":\"0x20c0000000000000000000000000000000000000\","
                + "\"methodDetails\":{\"chainId\":1337,\"supportedModes\":[\"pull\",\"push\"]},"
                + "\"recipient\":\"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC\"}",
                Base64Url.decodeToString(params.get("request")));
        assertEquals(8000, request.path("amount").asLong());
        assertTrue(Base64Url.decodeToString(params.get("opaque")).matches("\\{\"nonce\":\"[A-Za-z0-9_-]{22}\",\"route\":\"/mistral/chat\"}"),
                params.get("opaque"));
        Instant expires = Instant.parse(params.get("expires"));
        assertEquals(300, Duration.between(Instant.now(), expires).toSeconds(), 5);
        assertEquals(keys.forRealm(REALM).sign(REALM, "tempo", "charge", params.get("request"), params.get("expires"), DIGEST, null,
                params.get("opaque")), params.get("id"));

        given().contentType(ContentType.JSON)
                .body(new ChallengeRequest(REALM, "mistral", ROUTE, 0, DIGEST, "free?"))
                .post("/internal/challenges").then().statusCode(400)
                .body("detail", containsString("amount must be a positive"));
    }

    // --- helpers ---

    /** A push credential from the dev payer (anvil account #1), the one these transfers come from. */
    private static String credential(Map<String, String> challenge, String txHash) {
        return pushCredential(challenge, txHash, DevChain.PAYER);
    }
}
