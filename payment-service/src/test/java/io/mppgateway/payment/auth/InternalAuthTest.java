package io.mppgateway.payment.auth;

import static io.mppgateway.payment.testsupport.Payments.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.contracts.payment.DeliveryLeaseRenewal;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.testsupport.CallerTokens;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

/**
 * Service authentication of /internal/*: without a valid token signed by a known caller's own key, 401 problem+json
 * and nothing changes; a provider acts only for itself (its provider name and realm, the charges it settled) and
 * only a refund operator triggers refunds (403 otherwise, nothing changes).
 */
@QuarkusTest
class InternalAuthTest {
    private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @TestHTTPResource("/")
    URL root;

    @Inject
    DataSource dataSource;

    @Test
    void noTokenIs401ProblemAndChangesNothing() throws Exception {
        Paid paid = settledCharge(5_100);
        long outboxBefore = count("SELECT count(*) FROM outbox");
        HttpClient http = HttpClient.newHttpClient();
        String report = MAPPER.writeValueAsString(new ChargeOutcomeReport(UsageOutcome.UPSTREAM_FAILED,
                usage(paid.chargeId, paid.challengeId, UsageOutcome.UPSTREAM_FAILED)));
        Map<String, String> calls = Map.of(
                "internal/charges/" + paid.challengeId + "/outcome", report,
                "internal/refunds/" + paid.chargeId, "",
                "internal/charges/leases", MAPPER.writeValueAsString(new DeliveryLeaseRenewal(
                        List.of(paid.challengeId))),
                "internal/settlements", MAPPER.writeValueAsString(new SettlementRequest(List.of(paid.credential),
                        REALM, "mistral", ROUTE, 5_100, DIGEST, "chat")),
                "internal/challenges", MAPPER.writeValueAsString(new ChallengeRequest(REALM, "mistral", ROUTE, 5_000,
                        DIGEST, "chat")));
        for (Map.Entry<String, String> call : calls.entrySet()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(root + call.getKey()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(call.getValue())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, response.statusCode(), call.getKey() + ": " + response.body());
            assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            assertTrue(response.body().contains("\"status\":401"), response.body());
        }
        assertEquals("settled", status(paid.challengeId));
        assertEquals(outboxBefore, count("SELECT count(*) FROM outbox"));
        assertEquals(0, count("SELECT count(*) FROM refunds WHERE charge_id = '" + paid.chargeId + "'"));
    }

    @Test
    void wrongTokensAre401AndChangeNothing() {
        Paid paid = settledCharge(5_200);
        Instant now = Instant.now();
        List<String> wrong = List.of(
                "Bearer not-a-jwt",
                "Basic bWlzdHJhbDpzZWNyZXQ=",
                // signed by mistral's key, naming grok's: a provider cannot pass for another
                "Bearer " + CallerTokens.sign(CallerTokens.MISTRAL, CallerTokens.GROK, "payment-service", now,
                        Duration.ofMinutes(5)),
                // a key nobody configured
                "Bearer " + CallerTokens.sign(CallerTokens.MISTRAL, "someone-else", "payment-service", now,
                        Duration.ofMinutes(5)),
                // expired, for another audience, too long-lived
                "Bearer " + CallerTokens.sign(CallerTokens.MISTRAL, CallerTokens.MISTRAL, "payment-service",
                        now.minusSeconds(600), Duration.ofMinutes(5)),
                CallerTokens.bearer(CallerTokens.MISTRAL, "ledger-service", Duration.ofMinutes(5)),
                CallerTokens.bearer(CallerTokens.MISTRAL, "payment-service", Duration.ofHours(2)));
        for (String authorization : wrong) {
            report(paid, UsageOutcome.UPSTREAM_FAILED, authorization).then().statusCode(401)
                    .contentType("application/problem+json").body("status", equalTo(401));
        }
        assertEquals("settled", status(paid.challengeId));
        assertEquals(0, count("SELECT count(*) FROM outbox WHERE topic = 'usage.recorded' AND message_key = '"
                + paid.challengeId + "'"));
    }

    @Test
    void aProviderCannotReportAnotherProvidersCharge() {
        Paid paid = settledCharge(5_300);
        report(paid, UsageOutcome.UPSTREAM_FAILED, CallerTokens.bearer(CallerTokens.GROK)).then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("did not settle"));
        // nor can a refund operator pretend to be a provider
        report(paid, UsageOutcome.UPSTREAM_FAILED, CallerTokens.bearer(CallerTokens.REFUND_OPERATOR)).then()
                .statusCode(403);
        assertEquals("settled", status(paid.challengeId));
        assertEquals(0, count("SELECT count(*) FROM outbox WHERE topic = 'usage.recorded' AND message_key = '"
                + paid.challengeId + "'"));
        // its own provider may
        report(paid, UsageOutcome.FULFILLED, CallerTokens.bearer(CallerTokens.MISTRAL)).then().statusCode(204);
        assertEquals("fulfilled", status(paid.challengeId));
    }

    @Test
    void aProviderActsOnlyForItsOwnProviderNameAndRealm() {
        String grok = CallerTokens.bearer(CallerTokens.GROK);
        given().header("Authorization", grok).contentType(ContentType.JSON)
                .body(new ChallengeRequest(REALM, "mistral", ROUTE, 5_000, DIGEST, "chat"))
                .post("/internal/challenges").then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", grok).contentType(ContentType.JSON)
                .body(new ChallengeRequest(REALM, "grok", ROUTE, 5_000, DIGEST, "chat"))
                .post("/internal/challenges").then().statusCode(403);
        given().header("Authorization", grok).contentType(ContentType.JSON)
                .body(new ChallengeRequest("grok.test.local", "grok", "/grok/chat", 5_000, DIGEST, "chat"))
                .post("/internal/challenges").then().statusCode(200);
        Paid paid = settledCharge(5_400);
        given().header("Authorization", grok).contentType(ContentType.JSON)
                .body(new SettlementRequest(List.of(paid.credential), REALM, "mistral", ROUTE, 5_400, DIGEST, "chat"))
                .post("/internal/settlements").then().statusCode(403);
    }

    @Test
    void onlyARefundOperatorTriggersRefunds() {
        Paid paid = settledCharge(5_500);
        report(paid, UsageOutcome.UPSTREAM_FAILED, CallerTokens.bearer(CallerTokens.MISTRAL)).then().statusCode(204);
        given().header("Authorization", CallerTokens.bearer(CallerTokens.MISTRAL))
                .post("/internal/refunds/{id}", paid.chargeId).then().statusCode(403)
                .contentType("application/problem+json");
        assertEquals("unfulfilled", status(paid.challengeId));
        assertEquals(0, count("SELECT count(*) FROM refunds WHERE charge_id = '" + paid.chargeId + "'"));
        // the operator passes authentication (an unknown charge: 404 from the refund itself)
        given().header("Authorization", CallerTokens.bearer(CallerTokens.REFUND_OPERATOR))
                .post("/internal/refunds/{id}", UUID.randomUUID()).then().statusCode(404);
    }

    private record Paid(String challengeId, String chargeId, String credential) {
    }

    private Paid settledCharge(long amount) {
        Map<String, String> challenge = issue(amount);
        String id = challenge.get("id");
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, id));
        String credential = pushCredential(challenge, hash, DevChain.PAYER);
        String chargeId = settle(credential, amount).then().statusCode(200).extract().path("chargeId");
        return new Paid(id, chargeId, credential);
    }

    private static Response report(Paid paid, UsageOutcome outcome, String authorization) {
        try {
            return given().header("Authorization", authorization).contentType(ContentType.JSON)
                    .body(MAPPER.writeValueAsString(new ChargeOutcomeReport(outcome,
                            usage(paid.chargeId, paid.challengeId, outcome))))
                    .post("/internal/charges/{id}/outcome", paid.challengeId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String status(String challengeId) {
        try (var con = dataSource.getConnection();
                var ps = con.prepareStatement("SELECT status FROM charges WHERE challenge_id = ?")) {
            ps.setString(1, challengeId);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long count(String sql) {
        try (var con = dataSource.getConnection(); var ps = con.prepareStatement(sql); var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
