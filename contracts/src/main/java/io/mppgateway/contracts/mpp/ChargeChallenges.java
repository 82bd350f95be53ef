package io.mppgateway.contracts.mpp;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Mints tempo/charge challenges bound (by HMAC id) to realm, amount, recipient, chain, expiry, body and route, and to
 * 128 bits of randomness: two identical requests in the same millisecond still get distinct challenges, so two honest
 * buyers never pay for one challenge id (which payment-service claims once). Stateless: the provider services mint
 * with their realm key, payment-service with the same realm's key derived from its master secret.
 */
public final class ChargeChallenges {
    public static final String METHOD = "tempo";
    public static final String INTENT = "charge";
    /** 16 random bytes, base64url without padding. */
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ChargeChallenges() {
    }

    /**
     * A fresh challenge for {@code amount} on {@code route}, payable until now + the terms' challenge lifetime.
     *
     * @param digest      RFC 9530 digest of the request body, or null for bodiless requests
     * @param description shown to the buyer; printable ASCII
     * @throws IllegalArgumentException for a request that cannot be offered (bad input, or an amount that does not
     *                                  cover the route's splits)
     */
    public static Challenge issue(ChallengeIdSigner signer, ChargeTerms terms, String realm, String route,
            long amount, String digest, String description, Instant now) {
        validate(realm, route, amount, description);
        String expires = now.plusMillis(terms.challengeTtlMillis()).truncatedTo(ChronoUnit.MILLIS).toString();
        String request = terms.encodedRequest(route, amount);
        String opaque = encodedOpaque(route);
        String id = signer.sign(realm, METHOD, INTENT, request, expires, digest, null, opaque);
        return new Challenge(id, realm, METHOD, INTENT, request, description, digest, expires, opaque);
    }

    /**
     * opaque = JCS({"nonce", "route"}): the route so a challenge bought for a cheap route can't be spent on another,
     * the nonce so no two requests share a challenge. A fresh nonce on every call.
     */
    public static String encodedOpaque(String route) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return Jcs.encodeValue(Map.of("route", route, "nonce", Base64Url.encode(nonce)));
    }

    /**
     * Whether an echoed (HMAC-verified, canonical) opaque binds exactly this route. Challenges issued before the
     * nonce existed ({"route"} alone) are still accepted until they expire, so a rolling deploy strands no payer.
     */
    public static boolean opaqueBindsRoute(String opaque, String route) {
        if (opaque == null) {
            return false;
        }
        JsonNode node;
        try {
            node = Jcs.MAPPER.readTree(Base64Url.decodeToString(opaque));
        } catch (Exception e) {
            return false;
        }
        if (!node.isObject() || !node.path("route").isTextual() || !route.equals(node.path("route").asText())) {
            return false;
        }
        int expectedFields = 1;
        if (node.has("nonce")) {
            if (!node.path("nonce").isTextual() || !NONCE.matcher(node.path("nonce").asText()).matches()) {
                return false;
            }
            expectedFields++;
        }
        return node.size() == expectedFields;
    }

    private static void validate(String realm, String route, long amount, String description) {
        List<String> problems = new ArrayList<>();
        if (amount <= 0) {
            problems.add("amount must be a positive number of base units");
        }
        if (realm == null || realm.isBlank()) {
            problems.add("realm is required");
        }
        if (route == null || !route.startsWith("/")) {
            problems.add("route must be a path");
        }
        if (description != null && !description.matches("[\\x20-\\x7E]*")) {
            problems.add("description must be printable ASCII");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }
}
