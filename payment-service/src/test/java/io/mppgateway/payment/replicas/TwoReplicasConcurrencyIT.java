package io.mppgateway.payment.replicas;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.payment.SettlementRequest;
import io.mppgateway.contracts.testing.LocalStack;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.testsupport.CallerTokens;
import io.mppgateway.payment.testsupport.DevChain;
import io.mppgateway.payment.testsupport.Payments;
import io.mppgateway.payment.testsupport.ServiceInstance;
import io.mppgateway.contracts.testing.TempoTx;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * The same credential sent 20 times at once, spread over TWO independent payment-service processes sharing the
 * database: exactly one settlement (one charge row, one payments.settled event), everyone else told to wait (409),
 * never a 402 and never a second transfer.
 */
class TwoReplicasConcurrencyIT {
    private static ServiceInstance a;
    private static ServiceInstance b;

    @BeforeAll
    static void startReplicas() throws Exception {
        CallerTokens.install();
        a = ServiceInstance.start("a", Map.of());
        b = ServiceInstance.start("b", Map.of());
    }

    @AfterAll
    static void stopReplicas() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void aPullCredentialSentTwentyTimesToTwoReplicasSettlesOnce() throws Exception {
        long amount = 1_234;
        Map<String, String> challenge = issue(a, amount);
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        String tx = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, amount,
                AttributionMemo.encode(Payments.REALM, challenge.get("id")))).sign(buyer);
        assertExactlyOneSettlement(challenge.get("id"),
                Payments.pullCredential(challenge, tx, buyer.getAddress()), amount);
        // the amount once, plus one network fee (paid in pathUSD, far below the amount)
        long paid = 1_000_000 - DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress()).longValueExact();
        org.junit.jupiter.api.Assertions.assertTrue(paid >= amount && paid < 2 * amount, "paid " + paid);
    }

    @Test
    void aPushCredentialSentTwentyTimesToTwoReplicasSettlesOnce() throws Exception {
        long amount = 1_235;
        Map<String, String> challenge = issue(b, amount);
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(Payments.REALM, challenge.get("id")));
        assertExactlyOneSettlement(challenge.get("id"), Payments.pushCredential(challenge, hash, DevChain.PAYER),
                amount);
    }

    private static void assertExactlyOneSettlement(String challengeId, String credential, long amount)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ServiceInstance target = i % 2 == 0 ? a : b;
            calls.add(() -> given().baseUri(target.url()).contentType(ContentType.JSON)
                    .body(new SettlementRequest(List.of(credential), Payments.REALM, "mistral", Payments.ROUTE,
                            amount, Payments.DIGEST, "chat"))
                    .post("/internal/settlements"));
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Response> f : pool.invokeAll(calls)) {
            Response r = f.get();
            statuses.add(r.statusCode());
            if (r.statusCode() != 200) {
                Payments.assertRetryLater(r, 409, "payment-in-progress");
            }
        }
        pool.shutdown();
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(19, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        assertEquals(1, count("SELECT count(*) FROM charges WHERE challenge_id = ? AND status = 'settled'",
                challengeId));
        assertEquals(1, count("SELECT count(*) FROM outbox WHERE message_key = ?", challengeId));
    }

    private static Map<String, String> issue(ServiceInstance instance, long amount) {
        String header = given().baseUri(instance.url()).contentType(ContentType.JSON)
                .body(new ChallengeRequest(Payments.REALM, "mistral", Payments.ROUTE, amount, Payments.DIGEST, "chat"))
                .post("/internal/challenges").then().statusCode(200).extract().path("wwwAuthenticate");
        return Payments.params(header);
    }

    private static long count(String sql, String param) throws Exception {
        try (Connection con = DriverManager.getConnection(LocalStack.jdbcUrl("payments_test"), "gateway",
                "gateway"); PreparedStatement ps = con.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
