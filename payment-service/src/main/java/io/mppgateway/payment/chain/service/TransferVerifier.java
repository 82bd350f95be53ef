package io.mppgateway.payment.chain.service;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;

import io.mppgateway.payment.chain.client.TransactionReceipt;
import io.mppgateway.payment.chain.client.TransactionReceipt.Log;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;

/**
 * Checks a receipt for the one TIP-20 {@code TransferWithMemo} that pays a charge: emitted by the currency contract,
 * from the payer, to the recipient, for exactly the amount, with a memo bound to this realm and challenge.
 */
public final class TransferVerifier {
    /** keccak256("TransferWithMemo(address,address,uint256,bytes32)"). */
    public static final String TRANSFER_WITH_MEMO_TOPIC =
            "0x57bc7354aa85aed339e000bccffabbc529466af35f0772c8f8ee1145927de7f0";

    private TransferVerifier() {
    }

    /** What the transfer must look like. {@code sender} may be null when the credential names no payer. */
    public record ExpectedTransfer(String currency, String recipient, long amount, String sender, String realm,
            String challengeId) {
    }

    /** @return the paying address */
    public static String verify(TransactionReceipt receipt, ExpectedTransfer expected) {
        String id = expected.challengeId();
        if (!receipt.succeeded()) {
            throw failed("transaction " + receipt.transactionHash() + " reverted", id);
        }
        List<Log> memoTransfers = receipt.logs().stream()
                .filter(l -> l.topics().size() == 4 && TRANSFER_WITH_MEMO_TOPIC.equals(l.topics().get(0)))
                .toList();
        List<Log> ofCurrency = memoTransfers.stream()
                .filter(l -> l.address().equalsIgnoreCase(expected.currency())).toList();
        if (ofCurrency.isEmpty()) {
            throw failed(memoTransfers.isEmpty()
                    ? "transaction has no TransferWithMemo (the MPP memo is required)"
                    : "transaction transfers another token than " + expected.currency(), id);
        }
        List<Log> toRecipient = ofCurrency.stream()
                .filter(l -> addressOf(l.topics().get(2)).equalsIgnoreCase(expected.recipient())).toList();
        if (toRecipient.isEmpty()) {
            throw failed("transaction does not pay the recipient " + expected.recipient(), id);
        }
        List<Log> bound = toRecipient.stream()
                .filter(l -> AttributionMemo.isBoundTo(l.topics().get(3), expected.realm(), id)).toList();
        if (bound.isEmpty()) {
            throw failed("transfer memo is not bound to this challenge", id);
        }
        BigInteger want = BigInteger.valueOf(expected.amount());
        List<Log> exact = bound.stream().filter(l -> amountOf(l).equals(want)).toList();
        if (exact.isEmpty()) {
            throw failed("transfer amount " + amountOf(bound.get(0)) + " does not equal the charge amount " + want, id);
        }
        Log paid = exact.get(0);
        String from = addressOf(paid.topics().get(1));
        if (expected.sender() != null && !from.equalsIgnoreCase(expected.sender())) {
            throw failed("transfer was not sent by the credential's source " + expected.sender(), id);
        }
        return from;
    }

    static String addressOf(String topic) {
        String hex = topic.toLowerCase(Locale.ROOT).replaceFirst("^0x", "");
        return "0x" + hex.substring(Math.max(0, hex.length() - 40));
    }

    static BigInteger amountOf(Log log) {
        String hex = log.data().replaceFirst("^0x", "");
        return hex.isEmpty() ? BigInteger.ZERO : new BigInteger(hex, 16);
    }

    private static PaymentRejectedException failed(String detail, String id) {
        return new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED, detail, id);
    }
}
