package io.mppgateway.payment.testsupport;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.events.UsageRecorded;
import io.mppgateway.contracts.mpp.Base64Url;
import io.mppgateway.contracts.mpp.Challenge;
import io.mppgateway.contracts.mpp.ChallengeIdSigner;
import io.mppgateway.contracts.mpp.ChargeChallenges;
import io.mppgateway.contracts.mpp.ChargeTerms;
import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.payment.ChargeOutcomeReport;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The provider's side of the internal payment API, as tests drive it. */
public final class Payments {
    public static final String REALM = "mistral.test.local";
    public static final String ROUTE = "/mistral/chat";
    public static final String DIGEST = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectMapper EVENTS = new ObjectMapper().findAndRegisterModules()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Payments() {
    }

    public static Map<String, String> issue(long amount) {
        return issue(ROUTE, amount);
    }

    public static Map<String, String> issue(String route, long amount) {
        return params(issueHeader(route, amount));
    }

    /** The WWW-Authenticate value of a fresh challenge, as a buyer receives it. */
    public static String issueHeader(String route, long amount) {
        return given().contentType(ContentType.JSON)
                .body(new ChallengeRequest(REALM, "mistral", route, amount, DIGEST, "Mistral " + route))
                .post("/internal/challenges").then().statusCode(200).extract().path("wwwAuthenticate");
    }

    /** The charge terms a provider service mints its challenges with, as it fetches them. */
    public static ChargeTerms chargeTerms() {
        return given().get("/internal/charge-terms").then().statusCode(200).extract().as(ChargeTerms.class);
    }

    /**
     * A challenge minted as a provider service mints it in-process (the paywall): the charge terms payment-service
     * serves, signed with a realm key.
     */
    public static Map<String, String> mint(byte[] realmKey, String realm, String route, long amount) {
        Challenge challenge = ChargeChallenges.issue(ChallengeIdSigner.ofKeys(List.of(realmKey)), chargeTerms(),
                realm, route, amount, DIGEST, "Mistral " + route, Instant.now());
        return params(challenge.toWwwAuthenticate());
    }

    public static Map<String, String> params(String wwwAuthenticate) {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(wwwAuthenticate);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        return params;
    }

    public static String pushCredential(Map<String, String> challenge, String txHash, String payer) {
        return credential(challenge, Map.of("type", "hash", "hash", txHash), payer);
    }

    public static String pullCredential(Map<String, String> challenge, String signedTx, String payer) {
        return credential(challenge, Map.of("type", "transaction", "signature", signedTx), payer);
    }

    public static String credential(Map<String, String> challenge, Map<String, String> payload, String payer) {
        try {
            Map<String, Object> credential = new LinkedHashMap<>();
            credential.put("challenge", challenge);
            credential.put("payload", payload);
            if (payer != null) {
                credential.put("source", "did:pkh:eip155:1337:" + payer);
            }
            return "Payment " + Base64Url.encode(MAPPER.writeValueAsString(credential));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Response settle(String credential, long amount) {
        return settle(credential, ROUTE, amount);
    }

    public static Response settle(String credential, String route, long amount) {
        return settle(List.of(credential), route, amount, DIGEST);
    }

    /** The provider's settle call with every part of it chosen: the Authorization values, route, price and body. */
    public static Response settle(List<String> authorization, String route, long amount, String digest) {
        return given().contentType(ContentType.JSON)
                .body(new SettlementRequest(authorization, REALM, "mistral", route, amount, digest, "chat"))
                .post("/internal/settlements");
    }

    /** The settle call of a provider whose upstream breaker is open for {@code seconds} more. */
    public static Response settleWhileUpstreamDown(String credential, long amount, int seconds) {
        return given().contentType(ContentType.JSON)
                .body(new SettlementRequest(List.of(credential), REALM, "mistral", ROUTE, amount, DIGEST, "chat",
                        seconds))
                .post("/internal/settlements");
    }

    public static Response report(String challengeId, UsageOutcome outcome) {
        return report(challengeId, new ChargeOutcomeReport(outcome));
    }

    public static Response report(String challengeId, ChargeOutcomeReport report) {
        try {
            return given().contentType(ContentType.JSON).body(EVENTS.writeValueAsString(report))
                    .post("/internal/charges/{id}/outcome", challengeId);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The usage event a provider reports with its outcome: one delivery attempt of this charge. */
    public static UsageRecorded usage(String chargeId, String challengeId, UsageOutcome outcome) {
        boolean delivered = outcome == UsageOutcome.FULFILLED || outcome == UsageOutcome.REDEEMED;
        return new UsageRecorded(UUID.randomUUID().toString(), chargeId, challengeId, "mistral", ROUTE,
                "mistral-small-latest", outcome, delivered, 12, delivered ? 30 : 0, delivered ? 42 : 12, 0, 0, 0, 0,
                0, 0, delivered ? 200 : 502, 120, 7, 900, null, Instant.now());
    }

    /** A 402 (or 400) problem with a fresh challenge to pay instead. */
    public static void assertProblem(Response response, int status, String type, String detail) {
        response.then().statusCode(status)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Payment id="))
                .body("type", equalTo("https://paymentauth.org/problems/" + type))
                .body("status", equalTo(status))
                .body("detail", containsString(detail));
    }

    /** A settled (or possibly settled) payment: no fresh challenge, retry the same credential. */
    public static void assertRetryLater(Response response, int status, String type) {
        response.then().statusCode(status)
                .contentType("application/problem+json")
                .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .header("WWW-Authenticate", org.hamcrest.Matchers.nullValue())
                .body("type", equalTo("https://paymentauth.org/problems/" + type));
    }
}
