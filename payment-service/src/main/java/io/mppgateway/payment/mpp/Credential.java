package io.mppgateway.payment.mpp;

import io.mppgateway.contracts.mpp.Challenge;

/**
 * A parsed {@code Authorization: Payment} credential.
 *
 * @param payloadType {@code hash} (push), {@code transaction} (pull) or {@code proof}
 * @param hash        the transaction hash of a push credential
 * @param signature   the signed transaction (pull) or proof signature
 * @param source      the payer DID, e.g. {@code did:pkh:eip155:1337:0xabc...}, or null
 */
public record Credential(Challenge challenge, String payloadType, String hash, String signature, String source) {
}
