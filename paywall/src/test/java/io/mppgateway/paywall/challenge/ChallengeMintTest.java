package io.mppgateway.paywall.challenge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mppgateway.contracts.mpp.Base64Url;
import io.mppgateway.contracts.mpp.ChallengeIdSigner;
import io.mppgateway.contracts.mpp.ChargeChallenges;
import io.mppgateway.contracts.mpp.ChargeTerms;
import io.mppgateway.contracts.mpp.RealmKeys;
import io.mppgateway.paywall.client.IssuedChallenge;
import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.metrics.PaywallMetrics;

import org.junit.jupiter.api.Test;

/** What the paywall mints in-process is what payment-service verifies: the realm key's HMAC over the charge terms. */
class ChallengeMintTest {
    /** a local-dev-only master secret */
    private static final String MASTER = "local-dev-only-mpp-secret-not-for-production-use";
    private static final String REALM = "mistral.test.local";
    private static final String DIGEST = "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:";
    private static final ChargeTerms TERMS = new ChargeTerms("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
            "0x20c0000000000000000000000000000000000000", 1337, false, List.of("pull", "push"), 300_000,
            Map.of("/mistral/ocr", new ChargeTerms.RouteRule(null, List.of(
                    new ChargeTerms.SplitRule("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", 1_000L, null, null)))));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ChargeTermsSource terms = mock(ChargeTermsSource.class);

    @Test
    void aMintedChallengeIsTheRealmKeysHmacOverTheChargeTerms() {
        when(terms.current()).thenReturn(TERMS);
        ChallengeMint mint = mint(RealmKeys.encode(RealmKeys.derive(MASTER, REALM)));
        Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        IssuedChallenge issued = mint.issue("/mistral/chat", 8_000, DIGEST, "Mistral chat");
        Instant after = Instant.now();
        Map<String, String> p = params(issued.wwwAuthenticate());
        assertEquals(List.of("id", "realm", "method", "intent", "request", "description", "digest", "expires",
                "opaque"), List.copyOf(p.keySet()));
        assertEquals(issued.challengeId(), p.get("id"));
        assertEquals(REALM, p.get("realm"));
        assertEquals("{\"amount\":\"8000\",\"currency\":\"0x20c0000000000000000000000000000000000000\","
                + "\"methodDetails\":{\"chainId\":1337,\"supportedModes\":[\"pull\",\"push\"]},"
                + "\"recipient\":\"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC\"}",
                Base64Url.decodeToString(p.get("request")));
        assertTrue(ChargeChallenges.opaqueBindsRoute(p.get("opaque"), "/mistral/chat"));
        Instant expires = Instant.parse(p.get("expires"));
        assertFalse(expires.isBefore(before.plusSeconds(300)) || expires.isAfter(after.plusSeconds(300)), p.get("expires"));
        // payment-service's verification: the realm's keys derived from its master secret
        ChallengeIdSigner verifier = ChallengeIdSigner.ofKeys(RealmKeys.derive(List.of(MASTER), REALM));
        assertTrue(verifier.verify(p.get("id"), REALM, "tempo", "charge", p.get("request"), p.get("expires"), DIGEST,
                p.get("opaque")));
        assertFalse(ChallengeIdSigner.ofKeys(RealmKeys.derive(List.of(MASTER), "grok.test.local")).verify(
                p.get("id"), REALM, "tempo", "charge", p.get("request"), p.get("expires"), DIGEST, p.get("opaque")));
        assertEquals(1.0, registry.counter("paywall.challenges.issued", "realm", REALM).count());
    }

    @Test
    void splitsComeFromTheRouteTermsAndARouteThatCannotBeSoldIsRefused() {
        when(terms.current()).thenReturn(TERMS);
        ChallengeMint mint = mint(RealmKeys.encode(RealmKeys.derive(MASTER, REALM)));
        Map<String, String> p = params(mint.issue("/mistral/ocr", 5_000, null, "OCR").wwwAuthenticate());
        assertTrue(Base64Url.decodeToString(p.get("request")).contains(
                "\"splits\":[{\"amount\":\"1000\",\"recipient\":\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\"}]"));
        assertThrows(IllegalArgumentException.class, () -> mint.issue("/mistral/ocr", 1_000, null, "OCR"));
    }

    @Test
    void noChallengeWithoutChargeTermsAndNoStartWithoutAValidKey() {
        when(terms.current()).thenThrow(new IllegalStateException("no charge terms from payment-service yet"));
        ChallengeMint mint = mint(RealmKeys.encode(RealmKeys.derive(MASTER, REALM)));
        assertThrows(IllegalStateException.class, () -> mint.issue("/mistral/chat", 8_000, DIGEST, "chat"));
        assertThrows(IllegalStateException.class, () -> mint("too-short"));
    }

    private ChallengeMint mint(String realmKey) {
        PaywallConfig config = mock(PaywallConfig.class);
        PaywallConfig.Challenges challenges = mock(PaywallConfig.Challenges.class);
        when(config.challenges()).thenReturn(challenges);
        when(config.realm()).thenReturn(REALM);
        when(challenges.realmKey()).thenReturn(realmKey);
        return new ChallengeMint(config, terms, new PaywallMetrics(registry));
    }

    private static Map<String, String> params(String header) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(header);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        return params;
    }
}
