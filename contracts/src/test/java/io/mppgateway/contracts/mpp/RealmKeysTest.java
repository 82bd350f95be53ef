package io.mppgateway.contracts.mpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class RealmKeysTest {
    private static final HexFormat HEX = HexFormat.of();
    /** local-dev-only master secrets (deploy/local/services.env, application.properties %test) */
    private static final String MASTER = "local-dev-only-mpp-secret-not-for-production-use";
    private static final String LOCAL_MASTER = "local-dev-only-mpp-secret-key-not-for-production-0001";

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        byte[] okm = RealmKeys.hkdfSha256(HEX.parseHex("000102030405060708090a0b0c"),
                HEX.parseHex("0b".repeat(22)), HEX.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
                HEX.formatHex(okm));
    }

    @Test
    void hkdfMatchesRfc5869TestCase3WithoutSaltAndInfo() {
        byte[] okm = RealmKeys.hkdfSha256(new byte[0], HEX.parseHex("0b".repeat(22)), new byte[0], 42);
        assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
                HEX.formatHex(okm));
    }

    @Test
    void aRealmKeyIsHkdfOfTheMasterSecretWithTheRealmAsInfo() {
        byte[] key = RealmKeys.derive(MASTER, "mistral.test.local");
        assertEquals(32, key.length);
        assertArrayEquals(RealmKeys.hkdfSha256(new byte[0], MASTER.getBytes(StandardCharsets.UTF_8),
                "mpp-challenge:mistral.test.local".getBytes(StandardCharsets.UTF_8), 32), key);
        assertNotEquals(HEX.formatHex(key), HEX.formatHex(RealmKeys.derive(MASTER, "grok.test.local")));
        assertArrayEquals(key, RealmKeys.decode(RealmKeys.encode(key)));
        assertThrows(IllegalArgumentException.class, () -> RealmKeys.derive("too-short", "r"));
        assertThrows(IllegalArgumentException.class, () -> RealmKeys.decode(Base64Url.encode(new byte[16])));
    }

    @Test
    void aChallengeOfOneRealmSignedWithAnotherRealmsKeyDoesNotVerify() {
        ChallengeIdSigner mistral = ChallengeIdSigner.ofKeys(List.of(RealmKeys.derive(MASTER, "mistral.test.local")));
        ChallengeIdSigner grok = ChallengeIdSigner.ofKeys(List.of(RealmKeys.derive(MASTER, "grok.test.local")));
        String byGrok = grok.sign("mistral.test.local", "tempo", "charge", "e30", "2030-01-01T00:00:00Z", null, null,
                null);
        assertFalse(mistral.verify(byGrok, "mistral.test.local", "tempo", "charge", "e30", "2030-01-01T00:00:00Z",
                null, null));
        String byMistral = mistral.sign("mistral.test.local", "tempo", "charge", "e30", "2030-01-01T00:00:00Z", null,
                null, null);
        assertTrue(mistral.verify(byMistral, "mistral.test.local", "tempo", "charge", "e30",
                "2030-01-01T00:00:00Z", null, null));
    }

    @Test
    void previousKeysStillVerifyAndOnlyTheCurrentSigns() {
        byte[] current = RealmKeys.derive("a-new-local-dev-only-master-secret-0002", "r");
        byte[] previous = RealmKeys.derive(MASTER, "r");
        String old = ChallengeIdSigner.ofKeys(List.of(previous)).sign("r", "tempo", "charge", "e30", "x", null, null,
                null);
        ChallengeIdSigner rotated = ChallengeIdSigner.ofKeys(RealmKeys.derive(
                List.of("a-new-local-dev-only-master-secret-0002", MASTER), "r"));
        assertTrue(rotated.verify(old, "r", "tempo", "charge", "e30", "x", null, null));
        assertEquals(ChallengeIdSigner.ofKeys(List.of(current)).sign("r", "tempo", "charge", "e30", "x", null, null,
                null), rotated.sign("r", "tempo", "charge", "e30", "x", null, null, null));
    }

    /** The public local-dev realm keys in deploy/local/services.env are the ones its master secret derives. */
    @Test
    void theLocalDevRealmKeysAreDerivedFromTheLocalDevMasterSecret() throws IOException {
        String env = Files.readString(Path.of("../deploy/local/services.env"));
        assertTrue(env.contains("MPP_SECRET_KEY=" + LOCAL_MASTER), "the local master secret moved");
        Matcher m = Pattern.compile("MPP_REALM_KEY=(\\S+) # realm (\\S+)").matcher(env);
        int found = 0;
        while (m.find()) {
            assertEquals(RealmKeys.encode(RealmKeys.derive(LOCAL_MASTER, m.group(2))), m.group(1), m.group(2));
            found++;
        }
        assertEquals(2, found, "mistral's and grok's realm keys");
    }
}
