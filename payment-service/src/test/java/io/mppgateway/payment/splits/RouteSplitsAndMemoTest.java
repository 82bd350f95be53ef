package io.mppgateway.payment.splits;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.EventSchemaAssert;
import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.mpp.Base64Url;
import io.mppgateway.contracts.payment.ChallengeRequest;
import io.mppgateway.contracts.testing.TempoTx;
import io.mppgateway.payment.challenge.service.ChallengeKeys;
import io.mppgateway.payment.challenge.service.ChallengeService;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.testsupport.ChargeRows;
import io.mppgateway.payment.testsupport.DevChain;
import io.mppgateway.payment.testsupport.MppxCli;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * Route options checked on the real chain: /mistral/ocr pays two splits (a fixed 1,500 base units to a partner and
 * 10% to a referrer whose transfer must carry a memo), /mistral/fim requires a route memo on the wallet's transfer.
 */
@QuarkusTest
@TestProfile(RouteSplitsAndMemoTest.SplitRoutes.class)
class RouteSplitsAndMemoTest {
    static final String SPLIT_ROUTE = "/mistral/ocr";
    static final String MEMO_ROUTE = "/mistral/fim";
    /** anvil dev accounts #5 and #6 (public test accounts) stand for a partner and a referrer. */
    static final String PARTNER = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
    static final String REFERRER = "0x976ea74026e726554db657fa54763abd0c3a0aa9";
    static final String REFERRER_MEMO = "0x" + "72".repeat(32);
    static final String ROUTE_MEMO = "0x" + "1f".repeat(32);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static class SplitRoutes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "payment.routes.\"/mistral/ocr\".splits[0].recipient", PARTNER,
                    "payment.routes.\"/mistral/ocr\".splits[0].amount", "1500",
                    "payment.routes.\"/mistral/ocr\".splits[1].recipient", REFERRER,
                    "payment.routes.\"/mistral/ocr\".splits[1].basis-points", "1000",
                    "payment.routes.\"/mistral/ocr\".splits[1].memo", REFERRER_MEMO,
                    "payment.routes.\"/mistral/fim\".memo", ROUTE_MEMO);
        }
    }

    @Inject
    DataSource dataSource;
    @Inject
    ChallengeService challenges;
    @Inject
    ChallengeKeys keys;

    @Test
    void challengesStateTheRoutesSplitsMemoAndModes() throws Exception {
        JsonNode split = request(issue(SPLIT_ROUTE, 20_000)).path("methodDetails");
        assertEquals(MAPPER.readTree("""
                [{"amount":"1500","recipient":"%s"},{"amount":"2000","memo":"%s","recipient":"%s"}]"""
                .formatted(PARTNER, REFERRER_MEMO, REFERRER)), split.path("splits"));
        assertFalse(split.has("memo"));
        assertEquals(MAPPER.readTree("[\"pull\",\"push\"]"), split.path("supportedModes"));

        JsonNode memo = request(issue(MEMO_ROUTE, 20_000)).path("methodDetails");
        assertEquals(ROUTE_MEMO, memo.path("memo").asText());
        assertFalse(memo.has("splits"));
        assertEquals(MAPPER.readTree("[\"pull\"]"), memo.path("supportedModes"), "a fixed memo is pull-only");

        JsonNode plain = request(issue(20_000)).path("methodDetails");
        assertFalse(plain.has("splits") || plain.has("memo"), plain.toString());

        // 1,500 fixed + 10% of 1,600 leaves the wallet nothing: the route cannot be sold at that price
        RestAssured.given().contentType(ContentType.JSON)
                .body(new ChallengeRequest(REALM, "mistral", SPLIT_ROUTE, 1_600, DIGEST, "too cheap"))
                .post("/internal/challenges").then().statusCode(400);
    }

    @Test
    void pullPaysTheWalletAndEverySplitInOneTransaction() throws Exception {
        Map<String, String> challenge = issue(SPLIT_ROUTE, 20_000);
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        // call order does not matter
        TempoTx tx = splitTx(challenge, 16_500, PARTNER, 1_500, REFERRER_MEMO, 2_000, true);
        BigInteger partner = balance(PARTNER);
        BigInteger referrer = balance(REFERRER);

        Response settled = settle(pullCredential(challenge, tx.sign(buyer), buyer.getAddress()), SPLIT_ROUTE, 20_000);
        settled.then().statusCode(200).body("mode", equalTo("pull")).body("amount", equalTo(20_000));

        assertEquals(BigInteger.valueOf(1_500), balance(PARTNER).subtract(partner));
        assertEquals(BigInteger.valueOf(2_000), balance(REFERRER).subtract(referrer));
        assertSplitsRecorded(challenge.get("id"));
    }

    @Test
    void pushPaysTheWalletAndEverySplitInOneTransaction() throws Exception {
        Map<String, String> challenge = issue(SPLIT_ROUTE, 30_000);
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        BigInteger partner = balance(PARTNER);
        BigInteger referrer = balance(REFERRER);
        String hash = DevChain.sendRawAndWait(splitTx(challenge, 25_500, PARTNER, 1_500, REFERRER_MEMO, 3_000, false)
                .sign(buyer));

        settle(pushCredential(challenge, hash, buyer.getAddress()), SPLIT_ROUTE, 30_000).then().statusCode(200)
                .body("mode", equalTo("push")).body("txHash", equalTo(hash));
        assertEquals(BigInteger.valueOf(1_500), balance(PARTNER).subtract(partner));
        assertEquals(BigInteger.valueOf(3_000), balance(REFERRER).subtract(referrer));
        assertSplitsRecorded(challenge.get("id"));
    }

    @Test
    void aMissingShortOrWronglyTaggedSplitIsRefusedBeforeBroadcast() throws Exception {
        Map<String, String> c = issue(SPLIT_ROUTE, 20_000);
        String memo = AttributionMemo.encode(REALM, c.get("id"));
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        String wallet = TempoTx.transferWithMemo(DevChain.RECIPIENT, 16_500, memo);
        String partner = TempoTx.transfer(PARTNER, 1_500);
        String referrer = TempoTx.transferWithMemo(REFERRER, 2_000, REFERRER_MEMO);

        refused(c, buyer, "exactly 3 calls", wallet, partner);
        refused(c, buyer, "exactly 3 calls", TempoTx.transferWithMemo(DevChain.RECIPIENT, 20_000, memo));
        refused(c, buyer, "split transfer to " + REFERRER + " of 1999 does not equal the split amount 2000",
                wallet, partner, TempoTx.transferWithMemo(REFERRER, 1_999, REFERRER_MEMO));
        refused(c, buyer, "split transfer to " + REFERRER + " does not carry the memo " + REFERRER_MEMO,
                wallet, partner, TempoTx.transferWithMemo(REFERRER, 2_000, memo));
        refused(c, buyer, "must be a transferWithMemo with memo " + REFERRER_MEMO,
                TempoTx.transferWithMemo(DevChain.RECIPIENT, 16_500, memo), partner,
                TempoTx.transfer(REFERRER, 2_000));
        refused(c, buyer, "does not pay the split recipient " + PARTNER,
                wallet, TempoTx.transfer(DevChain.STRANGER, 1_500), referrer);
        refused(c, buyer, "does not equal the charge amount 20000 minus its splits (16500)",
                TempoTx.transferWithMemo(DevChain.RECIPIENT, 16_499, memo), partner, referrer);
        // the wallet's part still needs the challenge-bound memo
        refused(c, buyer, "memo is not bound to this challenge",
                TempoTx.transferWithMemo(DevChain.RECIPIENT, 16_500, REFERRER_MEMO), partner, referrer);
        assertEquals(BigInteger.valueOf(1_000_000), DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress()),
                "nothing was broadcast");
    }

    @Test
    void onChainAMissingOrShortSplitIsRefused() throws Exception {
        Map<String, String> missing = issue(SPLIT_ROUTE, 20_000);
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        String hash = DevChain.sendRawAndWait(new TempoTx()
                .call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, 16_500,
                        AttributionMemo.encode(REALM, missing.get("id"))))
                .call(DevChain.PATH_USD, TempoTx.transferWithMemo(REFERRER, 2_000, REFERRER_MEMO)).sign(buyer));
        assertProblem(settle(pushCredential(missing, hash, buyer.getAddress()), SPLIT_ROUTE, 20_000), 402,
                "verification-failed", "transaction does not pay the split recipient " + PARTNER);

        Map<String, String> shortSplit = issue(SPLIT_ROUTE, 20_000);
        Credentials other = DevChain.freshFundedKey(1_000_000);
        String shortHash = DevChain.sendRawAndWait(splitTx(shortSplit, 16_500, PARTNER, 1_499, REFERRER_MEMO, 2_000,
                false).sign(other));
        assertProblem(settle(pushCredential(shortSplit, shortHash, other.getAddress()), SPLIT_ROUTE, 20_000), 402,
                "verification-failed", "split transfer to " + PARTNER + " of 1499 does not equal the split amount 1500");
        assertEquals(0, new ChargeRows(dataSource).count("SELECT count(*) FROM charges WHERE challenge_id = ?",
                shortSplit.get("id")));
    }

    @Test
    void aTransactionThatRevertsOnChainIsRefusedAndItsClaimClosed() throws Exception {
        // each call simulates fine alone, but the gas limit cannot carry three transfers: it reverts on chain (the
        // buyer pays the fee), and the charge is closed as failed rather than left pending
        Map<String, String> c = issue(SPLIT_ROUTE, 20_000);
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        TempoTx starved = splitTx(c, 16_500, PARTNER, 1_500, REFERRER_MEMO, 2_000, false);
        starved.gas = BigInteger.valueOf(90_000);
        assertProblem(settle(pullCredential(c, starved.sign(buyer), buyer.getAddress()), SPLIT_ROUTE, 20_000), 402,
                "verification-failed", "reverted");
        assertEquals("failed", new ChargeRows(dataSource).status(c.get("id")), "nothing was paid: the claim is closed");
    }

    @Test
    void aRouteMemoReplacesTheAttributionMemoAndIsPullOnly() throws Exception {
        Map<String, String> c = issue(MEMO_ROUTE, 9_000);
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        String attributed = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, 9_000,
                AttributionMemo.encode(REALM, c.get("id")))).sign(buyer);
        assertProblem(settle(pullCredential(c, attributed, buyer.getAddress()), MEMO_ROUTE, 9_000), 402,
                "verification-failed", "transfer memo is not this route's memo " + ROUTE_MEMO);
        assertProblem(settle(pushCredential(c, "0x" + "ab".repeat(32), buyer.getAddress()), MEMO_ROUTE, 9_000), 402,
                "verification-failed", "push mode is not offered");

        String tagged = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, 9_000,
                ROUTE_MEMO)).sign(buyer);
        settle(pullCredential(c, tagged, buyer.getAddress()), MEMO_ROUTE, 9_000).then().statusCode(200)
                .body("mode", equalTo("pull"));
        assertEquals(ROUTE_MEMO, new ChargeRows(dataSource).text(
                "SELECT route_memo FROM charges WHERE challenge_id = ?", c.get("id")));
    }

    @Test
    void aChallengeWithOtherSplitsThanTheRoutesIsNotAccepted() {
        // genuinely signed by us, but stating no splits for a route that has them (e.g. issued before a config change)
        String expires = Instant.now().plusSeconds(120).truncatedTo(ChronoUnit.MILLIS).toString();
        String request = challenges.encodedRequest(ROUTE, 20_000); // the plain route's terms
        String opaque = challenges.encodedOpaque(SPLIT_ROUTE);
        String id = keys.forRealm(REALM).sign(REALM, "tempo", "charge", request, expires, DIGEST, null, opaque);
        Map<String, String> stale = new LinkedHashMap<>(Map.of("id", id, "realm", REALM, "method", "tempo",
                "intent", "charge", "request", request, "expires", expires, "digest", DIGEST, "opaque", opaque));
        assertProblem(settle(pushCredential(stale, "0x" + "cd".repeat(32), DevChain.PAYER), SPLIT_ROUTE, 20_000),
                402, "invalid-challenge", "challenge splits differ from this route's splits");

        // and a buyer who edits the splits out of a real challenge breaks its id
        Map<String, String> real = issue(SPLIT_ROUTE, 20_000);
        Map<String, String> edited = new LinkedHashMap<>(real);
        edited.put("request", request);
        assertProblem(settle(pushCredential(edited, "0x" + "cd".repeat(32), DevChain.PAYER), SPLIT_ROUTE, 20_000),
                402, "invalid-challenge", "not issued");
    }

    @Test
    void theRealMppxClientPaysTheSplitsInPullAndPushMode() throws Exception {
        Assumptions.assumeTrue(MppxCli.available(), "deploy/agent has no node_modules; run npm ci there");
        for (String mode : List.of("pull", "push")) {
            String header = issueHeader(SPLIT_ROUTE, 40_000);
            Credentials buyer = DevChain.freshFundedKey(1_000_000);
            BigInteger partner = balance(PARTNER);
            BigInteger referrer = balance(REFERRER);
            String credential = "pull".equals(mode) ? MppxCli.sign(header, buyer)
                    : MppxCli.signWithLibrary(header, buyer, "push");
            settle(credential, SPLIT_ROUTE, 40_000).then().statusCode(200).body("mode", equalTo(mode))
                    .body("payer", equalTo(buyer.getAddress().toLowerCase()));
            assertEquals(BigInteger.valueOf(1_500), balance(PARTNER).subtract(partner), mode);
            assertEquals(BigInteger.valueOf(4_000), balance(REFERRER).subtract(referrer), mode);
        }
    }

    // --- helpers ---

    /** The wallet's transfer with the attribution memo and both splits; {@code splitsFirst} reverses the order. */
    private static TempoTx splitTx(Map<String, String> challenge, long wallet, String partner, long partnerAmount,
            String referrerMemo, long referrerAmount, boolean splitsFirst) {
        String walletCall = TempoTx.transferWithMemo(DevChain.RECIPIENT, wallet,
                AttributionMemo.encode(REALM, challenge.get("id")));
        TempoTx tx = new TempoTx();
        tx.gas = BigInteger.valueOf(900_000);
        if (!splitsFirst) {
            tx.call(DevChain.PATH_USD, walletCall);
        }
        tx.call(DevChain.PATH_USD, TempoTx.transfer(partner, partnerAmount));
        tx.call(DevChain.PATH_USD, TempoTx.transferWithMemo(REFERRER, referrerAmount, referrerMemo));
        if (splitsFirst) {
            tx.call(DevChain.PATH_USD, walletCall);
        }
        return tx;
    }

    private static void refused(Map<String, String> challenge, Credentials buyer, String detail, String... calls) {
        TempoTx tx = new TempoTx();
        tx.gas = BigInteger.valueOf(900_000);
        for (String call : calls) {
            tx.call(DevChain.PATH_USD, call);
        }
        assertProblem(settle(pullCredential(challenge, tx.sign(buyer), buyer.getAddress()), SPLIT_ROUTE, 20_000),
                402, "verification-failed", detail);
    }

    private void assertSplitsRecorded(String challengeId) throws Exception {
        ChargeRows rows = new ChargeRows(dataSource);
        JsonNode splits = MAPPER.readTree(rows.text("SELECT splits::text FROM charges WHERE challenge_id = ?",
                challengeId));
        assertEquals(2, splits.size(), splits.toString());
        assertEquals(PARTNER, splits.get(0).path("recipient").asText());
        assertEquals(1_500, splits.get(0).path("amount").asLong());
        String event = rows.text("SELECT payload FROM outbox WHERE message_key = ? AND topic = 'payments.settled'",
                challengeId);
        assertTrue(EventSchemaAssert.validate(Topics.PAYMENTS_SETTLED, event).isEmpty(), event);
        JsonNode settled = MAPPER.readTree(event);
        assertEquals(splits, settled.path("splits"), "the event carries the splits the charge was paid with");
        assertEquals(REFERRER_MEMO, settled.path("splits").get(1).path("memo").asText());
    }

    private static JsonNode request(Map<String, String> challenge) throws Exception {
        return MAPPER.readTree(Base64Url.decodeToString(challenge.get("request")));
    }

    private static BigInteger balance(String owner) {
        return DevChain.balanceOf(DevChain.PATH_USD, owner);
    }
}
