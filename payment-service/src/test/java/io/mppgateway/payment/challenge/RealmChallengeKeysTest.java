package io.mppgateway.payment.challenge;

import static io.mppgateway.payment.testsupport.Payments.*;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.mppgateway.contracts.mpp.ChallengeIdSigner;
import io.mppgateway.contracts.mpp.ChargeTerms;
import io.mppgateway.contracts.mpp.RealmKeys;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.testsupport.CallerTokens;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;

/**
 * Provider services mint their challenges in-process with their realm key, HKDF(master secret, "mpp-challenge:" +
 * realm): what they mint settles here, and one realm's key mints nothing payable in another realm.
 */
@QuarkusTest
class RealmChallengeKeysTest {
    /** application.properties' %test master secret (a local-dev-only value) */
    static final String MASTER = "local-dev-only-mpp-secret-not-for-production-use";
    static final String OTHER_REALM = "grok.test.local";

    @Test
    void aChallengeMintedInProcessWithTheRealmKeySettles() {
        long amount = 3_100;
        Map<String, String> minted = mint(RealmKeys.derive(MASTER, REALM), REALM, ROUTE, amount);
        String hash = DevChain.transferWithMemo(DevChain.PATH_USD, DevChain.PAYER, DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, minted.get("id")));
        settle(pushCredential(minted, hash, DevChain.PAYER), amount).then().statusCode(200)
                .body("txHash", equalTo(hash));
    }

    @Test
    void anotherRealmsKeyCannotMintThisRealmsChallenges() {
        // grok's key, naming mistral's realm: a leaked provider key is worth its own realm only
        Map<String, String> forged = mint(RealmKeys.derive(MASTER, OTHER_REALM), REALM, ROUTE, 3_200);
        assertProblem(settle(pushCredential(forged, "0x" + "34".repeat(32), DevChain.PAYER), 3_200), 402,
                "invalid-challenge", "not issued");
        // and a provider's key is not the master secret's: nothing a realm key signs verifies as another realm
        ChallengeIdSigner grok = ChallengeIdSigner.ofKeys(List.of(RealmKeys.derive(MASTER, OTHER_REALM)));
        String id = grok.sign(REALM, "tempo", "charge", "e30", "2030-01-01T00:00:00.000Z", null, null, null);
        assertFalse(ChallengeIdSigner.ofKeys(List.of(RealmKeys.derive(MASTER, REALM)))
                .verify(id, REALM, "tempo", "charge", "e30", "2030-01-01T00:00:00.000Z", null, null));
    }

    @Test
    void challengesPaymentServiceIssuesAreSignedWithTheRealmKeyNotTheMasterSecret() {
        Map<String, String> issued = issue(3_300);
        assertTrue(ChallengeIdSigner.ofKeys(List.of(RealmKeys.derive(MASTER, REALM))).verify(issued.get("id"), REALM,
                "tempo", "charge", issued.get("request"), issued.get("expires"), issued.get("digest"),
                issued.get("opaque")));
        assertFalse(new ChallengeIdSigner(MASTER).verify(issued.get("id"), REALM, "tempo", "charge",
                issued.get("request"), issued.get("expires"), issued.get("digest"), issued.get("opaque")));
    }

    @Test
    void theChargeTermsAreForProviderServicesOnly() {
        ChargeTerms terms = chargeTerms();
        assertEquals(1337, terms.chainId());
        assertEquals(List.of("pull", "push"), terms.supportedModes());
        assertEquals(300_000, terms.challengeTtlMillis());
        given().header("Authorization", "").get("/internal/charge-terms").then().statusCode(401);
        given().header("Authorization", CallerTokens.bearer(CallerTokens.REFUND_OPERATOR))
                .get("/internal/charge-terms").then().statusCode(403);
    }
}
