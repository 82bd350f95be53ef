package io.mppgateway.payment.rotation;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mppgateway.contracts.mpp.ChallengeIdSigner;
import io.mppgateway.contracts.mpp.RealmKeys;
import io.mppgateway.payment.challenge.service.ChallengeService;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

/**
 * After a secret rotation, challenges signed with the previous secret's realm key (a provider service not yet given its
 * new realm key) stay payable until they expire; so do ids signed with a master secret itself, as the previous release
 * issued them (rolling deploy).
 */
@QuarkusTest
@TestProfile(SecretRotationTest.Rotated.class)
class SecretRotationTest {
    /** local-dev-only secrets, not production secrets */
    static final String OLD = "local-dev-only-mpp-secret-not-for-production-use";
    static final String NEW = "local-dev-only-rotated-mpp-secret-not-for-production";

    public static class Rotated implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("payment.secret-key", NEW, "payment.previous-secret-keys", OLD);
        }
    }

    @Inject
    ChallengeService challenges;

    @Test
    void aChallengeIssuedBeforeTheRotationIsStillPaidAndNewOnesUseTheNewSecret() {
        long amount = 2_700;
        // signed with the old master secret itself: the previous release's challenges, accepted until they expire
        Map<String, String> old = signedWith(OLD, amount, Instant.now().plusSeconds(120));
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, old.get("id")));
        settle(pushCredential(old, hash, DevChain.PAYER), amount).then().statusCode(200)
                .body("txHash", equalTo(hash));

        Map<String, String> fresh = issue(amount);
        ChallengeIdSigner newOnly = ChallengeIdSigner.ofKeys(List.of(RealmKeys.derive(NEW, REALM)));
        assertTrue(newOnly.verify(fresh.get("id"), REALM, "tempo", "charge", fresh.get("request"),
                fresh.get("expires"), fresh.get("digest"), fresh.get("opaque")), "new challenges use the new secret's realm key");
    }

    @Test
    void aChallengeMintedWithTheRealmKeyOfThePreviousSecretIsStillPaid() {
        long amount = 2_600;
        Map<String, String> old = mint(RealmKeys.derive(OLD, REALM), REALM, ROUTE, amount);
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, old.get("id")));
        settle(pushCredential(old, hash, DevChain.PAYER), amount).then().statusCode(200)
                .body("txHash", equalTo(hash));
        // a key derived from a secret that is neither current nor previous mints nothing payable
        Map<String, String> foreign = mint(RealmKeys.derive("someone-elses-secret-that-is-32-bytes-or-more", REALM),
                REALM, ROUTE, amount);
        assertProblem(settle(pushCredential(foreign, "0x" + "56".repeat(32), DevChain.PAYER), amount), 402,
                "invalid-challenge", "not issued");
    }

    @Test
    void anOldChallengeStillExpiresAndAForeignSecretIsRefused() {
        Map<String, String> expired = signedWith(OLD, 2_800, Instant.now().minusSeconds(1));
        assertProblem(settle(pushCredential(expired, "0x" + "12".repeat(32), DevChain.PAYER), 2_800), 402,
                "payment-expired", "expired");
        Map<String, String> foreign = signedWith("someone-elses-secret-that-is-32-bytes-or-more",
                2_800, Instant.now().plusSeconds(120));
        assertProblem(settle(pushCredential(foreign, "0x" + "12".repeat(32), DevChain.PAYER), 2_800), 402,
                "invalid-challenge", "not issued");
    }

    private Map<String, String> signedWith(String secret, long amount, Instant expiresAt) {
        String expires = expiresAt.truncatedTo(ChronoUnit.MILLIS).toString();
        String request = challenges.encodedRequest(ROUTE, amount);
        String opaque = challenges.encodedOpaque(ROUTE);
        String id = new ChallengeIdSigner(secret, List.of()).sign(REALM, "tempo", "charge", request, expires, DIGEST,
                null, opaque);
        Map<String, String> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("realm", REALM);
        c.put("method", "tempo");
        c.put("intent", "charge");
        c.put("request", request);
        c.put("expires", expires);
        c.put("digest", DIGEST);
        c.put("opaque", opaque);
        return c;
    }
}
