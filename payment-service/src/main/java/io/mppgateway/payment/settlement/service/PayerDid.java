package io.mppgateway.payment.settlement.service;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;

/** The payer named by a credential's {@code source}: {@code did:pkh:eip155:<chainId>:<address>}. */
public record PayerDid(long chainId, String address) {
    private static final Pattern DID = Pattern.compile("^did:pkh:eip155:(\\d{1,19}):(0x[0-9a-fA-F]{40})$");

    /** @return the payer, or null when the credential names none */
    public static PayerDid parse(String source, long expectedChainId, String challengeId) {
        if (source == null) {
            return null;
        }
        Matcher m = DID.matcher(source);
        if (!m.matches()) {
            throw new PaymentRejectedException(PaymentProblem.MALFORMED_CREDENTIAL,
                    "source must be a did:pkh:eip155 DID", challengeId);
        }
        long chainId;
        try {
            chainId = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new PaymentRejectedException(PaymentProblem.MALFORMED_CREDENTIAL,
                    "source DID chain id is out of range", challengeId);
        }
        if (chainId != expectedChainId) {
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "source DID is for chain " + chainId + ", not " + expectedChainId, challengeId);
        }
        return new PayerDid(chainId, m.group(2));
    }
}
