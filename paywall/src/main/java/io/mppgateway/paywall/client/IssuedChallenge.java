package io.mppgateway.paywall.client;

/** A challenge ready for a 402: its id and the whole {@code WWW-Authenticate: Payment ...} value. */
public record IssuedChallenge(String challengeId, String wwwAuthenticate, String expires, long amount) {
}
