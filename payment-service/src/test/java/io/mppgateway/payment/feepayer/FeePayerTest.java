package io.mppgateway.payment.feepayer;

import static io.mppgateway.payment.testsupport.Payments.*;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Map;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.mpp.Base64Url;
import io.mppgateway.contracts.testing.TempoTx;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.testsupport.ChargeRows;
import io.mppgateway.payment.testsupport.DevChain;
import io.mppgateway.payment.testsupport.MppxCli;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/** Fee sponsorship on: the server co-signs the buyer's 0x78 envelope and pays the network fee itself. */
@QuarkusTest
@TestProfile(FeePayerTest.Sponsored.class)
class FeePayerTest {
    /** anvil dev account #3: a PUBLIC test key of the local dev chain, never a real wallet. */
    static final String DEV_FEE_PAYER_TEST_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";
    static final String DEV_FEE_PAYER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
    /** anvil dev account #5 (public test account): a partner paid by a split of /mistral/ocr in this profile. */
    static final String PARTNER = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    DataSource dataSource;

    public static class Sponsored implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("payment.fee-payer.enabled", "true", "payment.fee-payer.private-key", DEV_FEE_PAYER_TEST_KEY,
                    "payment.routes.\"/mistral/ocr\".splits[0].recipient", PARTNER,
                    "payment.routes.\"/mistral/ocr\".splits[0].amount", "700");
        }
    }

    @Test
    void challengesOfferSponsorship() throws Exception {
        JsonNode request = MAPPER.readTree(Base64Url.decodeToString(issue(1_000).get("request")));
        assertTrue(request.path("methodDetails").path("feePayer").asBoolean());
    }

    @Test
    void mppxPaysOnlyTheAmountAndTheServerPaysTheFee() throws Exception {
        Assumptions.assumeTrue(MppxCli.available(), "deploy/agent has no node_modules");
        long amount = 6_000;
        Map<String, String> challenge = issue(amount);
        String header = challengeHeader(challenge);
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        BigInteger feePayerBefore = DevChain.balanceOf(DevChain.PATH_USD, DEV_FEE_PAYER);
        String credential = MppxCli.signWithLibrary(header, buyer, "pull");
        JsonNode decoded = MAPPER.readTree(Base64Url.decodeToString(credential.substring(8)));
        assertTrue(decoded.path("payload").path("signature").asText().startsWith("0x78"), "mppx sends the 0x78 envelope");

        settle(credential, amount).then().statusCode(200).body("mode", equalTo("pull"))
                .body("payer", equalTo(buyer.getAddress().toLowerCase()));
        // the buyer paid exactly the amount in pathUSD and no fee in any token
        assertEquals(BigInteger.valueOf(1_000_000 - amount), DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress()));
        assertEquals(BigInteger.valueOf(1_000_000), DevChain.balanceOf(DevChain.ALPHA_USD, buyer.getAddress()));
        assertTrue(DevChain.balanceOf(DevChain.PATH_USD, DEV_FEE_PAYER).compareTo(feePayerBefore) < 0,
                "the fee payer paid the fee");
    }

    @Test
    void mppxPaysASplitRouteSponsoredAndTheBuyerPaysExactlyThePrice() throws Exception {
        Assumptions.assumeTrue(MppxCli.available(), "deploy/agent has no node_modules");
        long amount = 7_000;
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        BigInteger partnerBefore = DevChain.balanceOf(DevChain.PATH_USD, PARTNER);
        String credential = MppxCli.signWithLibrary(issueHeader("/mistral/ocr", amount), buyer, "pull");

        settle(credential, "/mistral/ocr", amount).then().statusCode(200).body("mode", equalTo("pull"));
        assertEquals(BigInteger.valueOf(1_000_000 - amount), DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress()),
                "wallet part and split, no fee");
        assertEquals(BigInteger.valueOf(700), DevChain.balanceOf(DevChain.PATH_USD, PARTNER).subtract(partnerBefore));
    }

    @Test
    void aJavaBuiltEnvelopeIsCosignedToo() throws Exception {
        long amount = 6_100;
        Map<String, String> challenge = issue(amount);
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        TempoTx tx = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, challenge.get("id"))));
        tx.sponsored = true;
        settle(pullCredential(challenge, tx.sign(buyer), buyer.getAddress()), amount).then().statusCode(200);
        assertEquals(BigInteger.valueOf(1_000_000 - amount), DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress()));
    }

    @Test
    void hashCredentialsAndSelfPaidTransactionsAreRefusedWhenFeesAreSponsored() throws Exception {
        Map<String, String> challenge = issue(6_000);
        assertProblem(settle(pushCredential(challenge, "0x" + "ab".repeat(32), DevChain.PAYER), 6_000), 402,
                "verification-failed", "not a hash");
        Credentials key = Credentials.create(org.web3j.crypto.Keys.createEcKeyPair());
        String selfPaid = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, 6_000,
                AttributionMemo.encode(REALM, challenge.get("id")))).sign(key);
        assertProblem(settle(pullCredential(challenge, selfPaid, key.getAddress()), 6_000), 402,
                "verification-failed", "0x78 envelope");
        TempoTx greedy = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, 6_000,
                AttributionMemo.encode(REALM, challenge.get("id"))));
        greedy.sponsored = true;
        greedy.gas = BigInteger.valueOf(50_000_000);
        assertProblem(settle(pullCredential(challenge, greedy.sign(key), key.getAddress()), 6_000), 402,
                "verification-failed", "exceeds the sponsor's limit");
    }

    /**
     * Issue 9: fee sponsorship simulated each call alone, so on a split route a sender who covers the largest call
     * but not the sum passed, reverted on chain, and the sponsor paid the gas, repeatably. The whole transaction is
     * simulated now: refused before co-signing, nothing moves.
     */
    @Test
    void aSplitRouteSenderWhoCoversTheLargestCallButNotTheSumIsRefusedAndTheSponsorPaysNothing() throws Exception {
        long amount = 7_000; // 6,300 to the wallet, 700 to the partner
        Map<String, String> challenge = issue("/mistral/ocr", amount);
        Credentials buyer = DevChain.freshFundedKey(6_500);
        TempoTx tx = new TempoTx()
                .call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, 6_300,
                        AttributionMemo.encode(REALM, challenge.get("id"))))
                .call(DevChain.PATH_USD, TempoTx.transfer(PARTNER, 700));
        tx.sponsored = true;
        BigInteger sponsorPath = DevChain.balanceOf(DevChain.PATH_USD, DEV_FEE_PAYER);
        BigInteger sponsorAlpha = DevChain.balanceOf(DevChain.ALPHA_USD, DEV_FEE_PAYER);
        BigInteger partner = DevChain.balanceOf(DevChain.PATH_USD, PARTNER);

        for (int attempt = 0; attempt < 2; attempt++) { // repeatably
            assertProblem(settle(pullCredential(challenge, tx.sign(buyer), buyer.getAddress()), "/mistral/ocr", amount),
                    402, "verification-failed", "need 7000 in all");
        }
        assertEquals(sponsorPath, DevChain.balanceOf(DevChain.PATH_USD, DEV_FEE_PAYER), "the sponsor paid nothing");
        assertEquals(sponsorAlpha, DevChain.balanceOf(DevChain.ALPHA_USD, DEV_FEE_PAYER), "the sponsor paid nothing");
        assertEquals(BigInteger.valueOf(6_500), DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress()));
        assertEquals(partner, DevChain.balanceOf(DevChain.PATH_USD, PARTNER));
        assertEquals(0, new ChargeRows(dataSource).count("SELECT count(*) FROM charges WHERE challenge_id = ?",
                challenge.get("id")), "nothing was claimed");
    }

    @Test
    void aTransactionWhoseFeesCouldExceedThePerTransactionCapIsRefused() throws Exception {
        long amount = 6_200;
        Map<String, String> challenge = issue(amount);
        Credentials buyer = DevChain.freshFundedKey(1_000_000);
        TempoTx tx = new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, challenge.get("id"))));
        tx.sponsored = true;
        tx.gas = BigInteger.valueOf(1_900_000); // under the gas limit, but 1.9M × 40 gwei = 76,000 base units of fees
        BigInteger sponsorBefore = DevChain.balanceOf(DevChain.PATH_USD, DEV_FEE_PAYER);
        assertProblem(settle(pullCredential(challenge, tx.sign(buyer), buyer.getAddress()), amount), 402,
                "verification-failed", "sponsors at most 50000 per transaction");
        assertEquals(sponsorBefore, DevChain.balanceOf(DevChain.PATH_USD, DEV_FEE_PAYER));
        assertEquals(BigInteger.valueOf(1_000_000), DevChain.balanceOf(DevChain.PATH_USD, buyer.getAddress()));
    }

    private static String challengeHeader(Map<String, String> c) {
        StringBuilder sb = new StringBuilder("Payment ");
        c.forEach((k, v) -> sb.append(sb.length() > 8 ? ", " : "").append(k).append("=\"").append(v).append('"'));
        return sb.toString();
    }
}
