package io.mppgateway.contracts.payment;

/**
 * A provider asks payment-service for an MPP challenge for one priced request ({@code POST /internal/challenges}).
 *
 * @param realm       the provider's protection space; bound into the challenge id and the on-chain memo
 * @param route       the paid route, e.g. {@code /mistral/chat}; bound into the challenge through {@code opaque}
 * @param amount      the quote in base units
 * @param digest      RFC 9530 digest of the request body ({@code sha-256=:...:}), or null for bodiless requests
 * @param description shown to the buyer; ASCII
 */
public record ChallengeRequest(String realm, String provider, String route, long amount, String digest,
        String description) {
}
