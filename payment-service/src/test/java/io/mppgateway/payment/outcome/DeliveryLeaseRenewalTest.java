package io.mppgateway.payment.outcome;

import static io.mppgateway.payment.testsupport.Payments.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.payment.DeliveryLeaseRenewal;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.outcome.service.ExpiredDeliveryLeases;
import io.mppgateway.payment.testsupport.CallerTokens;
import io.mppgateway.payment.testsupport.ChargeRows;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

/**
 * A provider that is alive renews the delivery lease of the charges it still delivers
 * ({@code POST /internal/charges/leases}): a renewed charge outlives the lease while one whose provider stopped
 * beating is presumed undelivered; a provider renews only its own charges, never one already reported.
 */
@QuarkusTest
class DeliveryLeaseRenewalTest {
    @Inject
    DataSource dataSource;
    @Inject
    ExpiredDeliveryLeases leases;
    @Inject
    PaymentConfig config;

    @Test
    void aRenewedChargeOutlivesTheLeaseWhileAnUnrenewedOneExpires() throws Exception {
        String beating = settled(3_910);
        String dead = settled(3_920);
        // the live provider's charge is near the end of its lease (the scheduled sweep cannot take it meanwhile)
        heldFor(beating, almostTheLease());
        renew(CallerTokens.MISTRAL, beating, dead + "-unknown").then().statusCode(200).body("renewed", equalTo(1));
        assertTrue(secondsHeld(beating) < 30, "renewed: the lease starts again");
        // the dead provider's charge: released long ago, never renewed
        heldFor(dead, 16 * 60);
        leases.sweep().await().atMost(Duration.ofSeconds(60));
        assertEquals("settled", rows().status(beating));
        assertEquals("unfulfilled", rows().status(dead));
        assertEquals("DELIVERY_LEASE_EXPIRED", rows().text("SELECT outcome FROM charges WHERE challenge_id = ?", dead));
        // reported: nothing left to renew
        report(beating, UsageOutcome.FULFILLED).then().statusCode(204);
        renew(CallerTokens.MISTRAL, beating, dead).then().statusCode(200).body("renewed", equalTo(0));
        assertEquals("fulfilled", rows().status(beating));
        assertEquals("unfulfilled", rows().status(dead));
    }

    @Test
    void anotherProvidersTokenRenewsNothing() throws Exception {
        String id = settled(3_930);
        heldFor(id, 100);
        renew(CallerTokens.GROK, id).then().statusCode(200).body("renewed", equalTo(0));
        assertTrue(secondsHeld(id) >= 100, "grok cannot renew mistral's charge");
        // a refund operator is no provider
        renew(CallerTokens.REFUND_OPERATOR, id).then().statusCode(403).contentType("application/problem+json");
        assertTrue(secondsHeld(id) >= 100);
        assertEquals("settled", rows().status(id));
    }

    @Test
    void withoutATokenIs401() throws Exception {
        String id = settled(3_940);
        heldFor(id, 100);
        given().header("Authorization", "").contentType(ContentType.JSON)
                .body(new DeliveryLeaseRenewal(List.of(id))).post("/internal/charges/leases").then().statusCode(401)
                .contentType("application/problem+json").header("WWW-Authenticate", containsString("Bearer"));
        assertTrue(secondsHeld(id) >= 100);
    }

    @Test
    void tooManyIdsOrNoneAre400() {
        List<String> ids = new ArrayList<>(IntStream.rangeClosed(0, DeliveryLeaseRenewal.MAX_CHALLENGE_IDS)
                .mapToObj(i -> "no-such-challenge-" + i).toList());
        renew(CallerTokens.MISTRAL, ids.toArray(String[]::new)).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("at most 10000"));
        given().contentType(ContentType.JSON).body(Map.of()).post("/internal/charges/leases").then().statusCode(400)
                .contentType("application/problem+json");
        ids.remove(ids.size() - 1);
        renew(CallerTokens.MISTRAL, ids.toArray(String[]::new)).then().statusCode(200).body("renewed", equalTo(0));
        renew(CallerTokens.MISTRAL).then().statusCode(200).body("renewed", equalTo(0));
    }

    private static Response renew(String caller, String... challengeIds) {
        return given().header("Authorization", CallerTokens.bearer(caller)).contentType(ContentType.JSON)
                .body(new DeliveryLeaseRenewal(List.of(challengeIds))).post("/internal/charges/leases");
    }

    private String settled(long amount) {
        Map<String, String> challenge = issue(amount);
        String id = challenge.get("id");
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, id));
        settle(pushCredential(challenge, hash, DevChain.PAYER), amount).then().statusCode(200);
        return id;
    }

    private int almostTheLease() {
        return (int) config.deliveryLease().minusSeconds(10).toSeconds();
    }

    private void heldFor(String challengeId, int seconds) throws Exception {
        new ChargeRows(dataSource).releasedSecondsAgo(challengeId, seconds);
    }

    private long secondsHeld(String challengeId) throws Exception {
        return rows().count("SELECT extract(epoch FROM now() - released_at)::bigint FROM charges WHERE challenge_id = ?",
                challengeId);
    }

    private ChargeRows rows() {
        return new ChargeRows(dataSource);
    }
}
