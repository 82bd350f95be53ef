package io.mppgateway.contracts.payment;

/**
 * An issued challenge.
 *
 * @param wwwAuthenticate the complete {@code WWW-Authenticate} header value ({@code Payment id=..., ...})
 * @param expires         RFC 3339 expiry
 */
public record ChallengeResponse(String challengeId, String wwwAuthenticate, String expires, long amount) {
}
