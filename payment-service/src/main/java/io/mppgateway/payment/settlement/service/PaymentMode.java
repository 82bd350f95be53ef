package io.mppgateway.payment.settlement.service;

import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;

/** How a tempo charge is paid: the credential's payload type, and the name stored on the charge. */
public enum PaymentMode {
    /** The buyer signed a transaction that the server broadcasts (payload type "transaction"). */
    PULL("pull", "transaction"),
    /** The buyer broadcast the transaction and sends its hash (payload type "hash"). */
    PUSH("push", "hash");

    public final String value;
    public final String payloadType;

    PaymentMode(String value, String payloadType) {
        this.value = value;
        this.payloadType = payloadType;
    }

    public static PaymentMode ofPayloadType(String payloadType, String challengeId) {
        for (PaymentMode mode : values()) {
            if (mode.payloadType.equals(payloadType)) {
                return mode;
            }
        }
        throw new PaymentRejectedException(PaymentProblem.MALFORMED_CREDENTIAL,
                "payload type must be \"transaction\" (pull) or \"hash\" (push)", challengeId);
    }
}
