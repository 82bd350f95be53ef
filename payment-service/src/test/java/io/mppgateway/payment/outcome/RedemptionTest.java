package io.mppgateway.payment.outcome;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.testsupport.ChargeRows;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

/** A settled charge the provider could not deliver is released again for the same credential, exactly once. */
@QuarkusTest
class RedemptionTest {
    @Inject
    DataSource dataSource;

    @Test
    void anUndeliveredChargeIsRedeemedOnceEvenWhenPresentedTwentyTimesAtOnce() throws Exception {
        long amount = 3_300;
        Map<String, String> challenge = issue(amount);
        String id = challenge.get("id");
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, id));
        String credential = pushCredential(challenge, hash, DevChain.PAYER);
        Response first = settle(credential, amount);
        first.then().statusCode(200).body("redeemed", equalTo(false));
        String receipt = first.path("receipt");
        report(id, UsageOutcome.UPSTREAM_FAILED).then().statusCode(204);
        assertEquals("unfulfilled", status(id));

        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(() -> settle(credential, amount));
        }
        List<Integer> statuses = new ArrayList<>();
        Response redeemed = null;
        for (Future<Response> f : pool.invokeAll(calls)) {
            Response r = f.get();
            statuses.add(r.statusCode());
            if (r.statusCode() == 200) {
                redeemed = r;
            } else {
                assertRetryLater(r, 409, "payment-in-progress");
            }
        }
        pool.shutdown();
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(19, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        redeemed.then().body("redeemed", equalTo(true)).body("txHash", equalTo(hash))
                .body("amount", equalTo((int) amount)).body("receipt", equalTo(receipt));
        assertEquals("redeeming", status(id));
        assertEquals(1, count("SELECT count(*) FROM outbox WHERE message_key = ?", id), "no second settled event");

        // delivered this time: the credential is spent
        report(id, UsageOutcome.REDEEMED).then().statusCode(204);
        assertEquals("fulfilled", status(id));
        assertProblem(settle(credential, amount), 402, "verification-failed", "already been used");
        // a final state cannot be contradicted
        report(id, UsageOutcome.CLIENT_GONE).then().statusCode(409)
                .body("type", equalTo("https://paymentauth.org/problems/outcome-conflict"));
    }

    @Test
    void aClientThatWentAwayCanComeBackWithTheSameCredential() {
        long amount = 3_400;
        Map<String, String> challenge = issue(amount);
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, challenge.get("id")));
        String credential = pushCredential(challenge, hash, DevChain.PAYER);
        settle(credential, amount).then().statusCode(200);
        report(challenge.get("id"), UsageOutcome.CLIENT_GONE).then().statusCode(204);
        report(challenge.get("id"), UsageOutcome.CLIENT_GONE).then().statusCode(204);
        settle(credential, amount).then().statusCode(200).body("redeemed", equalTo(true));
        // while the redemption is being served, a third presentation waits
        assertRetryLater(settle(credential, amount), 409, "payment-in-progress");
    }

    @Test
    void anotherChallengeCannotReuseAClaimedTransaction() {
        long amount = 3_500;
        Map<String, String> paid = issue(amount);
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, paid.get("id")));
        settle(pushCredential(paid, hash, DevChain.PAYER), amount).then().statusCode(200);
        report(paid.get("id"), UsageOutcome.UPSTREAM_FAILED).then().statusCode(204);
        Map<String, String> other = issue(amount);
        assertProblem(settle(pushCredential(other, hash, DevChain.PAYER), amount), 402, "verification-failed",
                "already paid for another challenge");
    }

    @Test
    void outcomesForUnknownChallengesAre404() {
        report("no-such-challenge", UsageOutcome.FULFILLED).then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("https://paymentauth.org/problems/not-found"));
    }

    private String status(String challengeId) throws Exception {
        return new ChargeRows(dataSource).status(challengeId);
    }

    private long count(String sql, String param) throws Exception {
        return new ChargeRows(dataSource).count(sql, param);
    }
}
