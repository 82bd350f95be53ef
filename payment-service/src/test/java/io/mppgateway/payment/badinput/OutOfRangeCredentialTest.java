package io.mppgateway.payment.badinput;

import static io.mppgateway.payment.badinput.Resigned.*;
import static io.mppgateway.payment.testsupport.Payments.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.Map;

import javax.sql.DataSource;

import io.mppgateway.contracts.testing.TempoTx;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.testsupport.ChargeRows;
import io.mppgateway.payment.testsupport.DevChain;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * Issue 9 item 8 through the settlement API: a credential whose numbers no field can hold is a 402
 * malformed-credential with a fresh challenge (never a 500 the provider turns into 503 "retry shortly"), and
 * nothing is claimed.
 */
@QuarkusTest
class OutOfRangeCredentialTest {
    static final BigInteger TWO = BigInteger.TWO;
    static final long AMOUNT = 5_000;

    @Inject
    DataSource dataSource;

    @Test
    void everyOutOfRangeFieldOfAPullTransactionIsAMalformedCredential() throws Exception {
        Credentials key = Credentials.create(Keys.createEcKeyPair());
        Object[][] cases = { { CHAIN_ID, TWO.pow(63) }, { CHAIN_ID, TWO.pow(64) }, { MAX_FEE, TWO.pow(128) },
                { MAX_PRIORITY_FEE, TWO.pow(200) }, { GAS, TWO.pow(64) }, { NONCE_KEY, TWO.pow(256) },
                { NONCE, TWO.pow(64) }, { VALID_BEFORE, TWO.pow(63) }, { VALID_AFTER, TWO.pow(64) } };
        for (Object[] c : cases) {
            Map<String, String> challenge = issue(AMOUNT);
            String tx = withField(good(challenge, key, AMOUNT), (int) c[0], (BigInteger) c[1], key);
            assertProblem(settle(pullCredential(challenge, tx, key.getAddress()), AMOUNT), 402,
                    "malformed-credential", "is out of range");
            assertNothingClaimed(challenge);
        }
        Map<String, String> challenge = issue(AMOUNT);
        assertProblem(settle(pullCredential(challenge, withCallValue(good(challenge, key, AMOUNT), TWO.pow(256), key),
                key.getAddress()), AMOUNT), 402, "malformed-credential", "value is out of range");
        assertNothingClaimed(challenge);
    }

    @Test
    void aValidityThatFitsNoCalendarIsRefusedAsTooLate() throws Exception {
        Credentials key = Credentials.create(Keys.createEcKeyPair());
        Map<String, String> challenge = issue(AMOUNT);
        String tx = withField(good(challenge, key, AMOUNT), VALID_BEFORE, BigInteger.valueOf(Long.MAX_VALUE), key);
        assertProblem(settle(pullCredential(challenge, tx, key.getAddress()), AMOUNT), 402, "verification-failed",
                "is later than");
        assertNothingClaimed(challenge);
    }

    @Test
    void aTransferOfTwoTo256MinusOneIsTheWrongAmount() throws Exception {
        Credentials key = Credentials.create(Keys.createEcKeyPair());
        Map<String, String> challenge = issue(AMOUNT);
        String memo = AttributionMemo.encode(REALM, challenge.get("id")).replaceFirst("^0x", "");
        String data = "0x95777d59" + "0".repeat(24) + DevChain.RECIPIENT.substring(2).toLowerCase() + "f".repeat(64)
                + memo;
        String tx = new TempoTx().call(DevChain.PATH_USD, data).sign(key);
        assertProblem(settle(pullCredential(challenge, tx, key.getAddress()), AMOUNT), 402, "verification-failed",
                "does not equal the charge amount");
        assertNothingClaimed(challenge);
    }

    @Test
    void aSourceDidWhoseChainIdFitsNoLongIsMalformed() throws Exception {
        Credentials key = Credentials.create(Keys.createEcKeyPair());
        Map<String, String> challenge = issue(AMOUNT);
        String credential = credential(challenge, Map.of("type", "transaction", "signature",
                good(challenge, key, AMOUNT)), null);
        // the same credential with a source naming chain 9999999999999999999 (19 digits, more than a long holds)
        String json = new String(java.util.Base64.getUrlDecoder().decode(credential.substring("Payment ".length())),
                java.nio.charset.StandardCharsets.UTF_8);
        String withSource = json.substring(0, json.length() - 1) + ",\"source\":\"did:pkh:eip155:9999999999999999999:"
                + key.getAddress() + "\"}";
        assertProblem(settle("Payment " + io.mppgateway.contracts.mpp.Base64Url.encode(withSource), AMOUNT), 402,
                "malformed-credential", "out of range");
        assertNothingClaimed(challenge);
    }

    private static String good(Map<String, String> challenge, Credentials key, long amount) {
        return new TempoTx().call(DevChain.PATH_USD, TempoTx.transferWithMemo(DevChain.RECIPIENT, amount,
                AttributionMemo.encode(REALM, challenge.get("id")))).sign(key);
    }

    private void assertNothingClaimed(Map<String, String> challenge) throws Exception {
        assertEquals(0, new ChargeRows(dataSource).count("SELECT count(*) FROM charges WHERE challenge_id = ?",
                challenge.get("id")), "nothing was claimed for " + challenge.get("id"));
    }
}
