package io.mppgateway.payment.challenge;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.mppgateway.contracts.mpp.Jcs;
import io.mppgateway.payment.challenge.service.ChallengeKeys;
import io.mppgateway.payment.challenge.service.ChallengeService;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 1: identical simultaneous requests used to share a challenge id (64 identical requests → 45 ids), and
 * payment-service claims an id once, so the second honest payer was refused after paying.
 */
@QuarkusTest
class UniqueChallengesTest {
    @Inject
    ChallengeService challenges;
    @Inject
    ChallengeKeys keys;

    @Test
    void sixtyFourIdenticalSimultaneousRequestsGetSixtyFourChallenges() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<Map<String, String>>> calls = IntStream.range(0, 64)
                    .<Callable<Map<String, String>>>mapToObj(i -> () -> issue(8_000)).toList();
            List<Map<String, String>> issued = pool.invokeAll(calls).stream().map(UniqueChallengesTest::get).toList();
            Set<String> ids = issued.stream().map(c -> c.get("id")).collect(Collectors.toSet());
            Set<String> opaques = issued.stream().map(c -> c.get("opaque")).collect(Collectors.toSet());
            assertEquals(64, ids.size(), "distinct challenge ids");
            assertEquals(64, opaques.size(), "distinct nonces");
            // identical otherwise: same request, digest and route
            assertEquals(1, issued.stream().map(c -> c.get("request")).distinct().count());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void opaqueBindsTheRouteAndAWellFormedNonceAndNothingElse() {
        String route = "/mistral/chat";
        String issued = challenges.encodedOpaque(route);
        assertTrue(challenges.opaqueBindsRoute(issued, route));
        assertFalse(challenges.opaqueBindsRoute(issued, "/mistral/embeddings"), "another route");
        // challenges issued before the nonce existed stay payable until they expire (rolling deploy)
        assertTrue(challenges.opaqueBindsRoute(opaque("{\"route\":\"/mistral/chat\"}"), route));
        assertFalse(challenges.opaqueBindsRoute(opaque("{\"nonce\":\"short\",\"route\":\"/mistral/chat\"}"), route));
        assertFalse(challenges.opaqueBindsRoute(opaque("{\"nonce\":7,\"route\":\"/mistral/chat\"}"), route));
        assertFalse(challenges.opaqueBindsRoute(
                opaque("{\"extra\":1,\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"route\":\"/mistral/chat\"}"), route));
        assertFalse(challenges.opaqueBindsRoute(opaque("[\"/mistral/chat\"]"), route));
        assertFalse(challenges.opaqueBindsRoute(null, route));
    }

    @Test
    void aChallengeWithTheOldRouteOnlyOpaqueIsStillVerified() {
        String expires = Instant.now().plusSeconds(60).toString();
        String request = challenges.encodedRequest(ROUTE, 20_000);
        String opaque = opaque("{\"route\":\"" + ROUTE + "\"}");
        String id = keys.forRealm(REALM).sign(REALM, "tempo", "charge", request, expires, DIGEST, null, opaque);
        Map<String, String> old = Map.of("id", id, "realm", REALM, "method", "tempo", "intent", "charge",
                "request", request, "expires", expires, "digest", DIGEST, "opaque", opaque);
        // an unknown transaction: the challenge passes and the chain is asked (not 'invalid-challenge')
        assertProblem(settle(pushCredential(old, "0x" + "ab".repeat(32), DevChain.PAYER), 20_000), 402, "verification-failed",
                "is not on chain");
    }

    private static String opaque(String json) {
        return Jcs.encode(json);
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
