package io.mppgateway.payment.chain.service;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.mppgateway.payment.chain.client.TransactionReceipt;
import io.mppgateway.payment.chain.client.TransactionReceipt.Log;
import io.mppgateway.payment.chain.service.TransferMatcher.ExpectedPayment;
import io.mppgateway.payment.chain.service.TransferMatcher.Transfer;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;

/**
 * Checks a receipt for the TIP-20 transfers that pay a charge: emitted by the currency contract, from the payer, to
 * the wallet for exactly its part with a memo bound to this realm and challenge (or the route's memo), and to every
 * split recipient for exactly its split.
 */
public final class TransferVerifier {
    /** keccak256("TransferWithMemo(address,address,uint256,bytes32)"). */
    public static final String TRANSFER_WITH_MEMO_TOPIC =
            "0x57bc7354aa85aed339e000bccffabbc529466af35f0772c8f8ee1145927de7f0";
    /** keccak256("Transfer(address,address,uint256)"). */
    public static final String TRANSFER_TOPIC =
            "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

    private TransferVerifier() {
    }

    /** @return the paying address */
    public static String verify(TransactionReceipt receipt, ExpectedPayment expected) {
        if (!receipt.succeeded()) {
            throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                    "transaction " + receipt.transactionHash() + " reverted", expected.challengeId());
        }
        return TransferMatcher.match(transfers(receipt.logs()), expected).from();
    }

    /**
     * The token movements of a receipt. TIP-20's transferWithMemo emits a Transfer and a TransferWithMemo for the
     * same movement; the adjacent pair counts once, with its memo, so one payment can never fill two expectations.
     */
    static List<Transfer> transfers(List<Log> logs) {
        List<Transfer> transfers = new ArrayList<>();
        for (int i = 0; i < logs.size(); i++) {
            Transfer t = transferOf(logs.get(i));
            if (t == null) {
                continue;
            }
            Transfer next = i + 1 < logs.size() ? transferOf(logs.get(i + 1)) : null;
            if (next != null && (t.memo() == null) != (next.memo() == null) && sameMovement(t, next)) {
                transfers.add(t.memo() != null ? t : next);
                i++;
            } else {
                transfers.add(t);
            }
        }
        return transfers;
    }

    private static Transfer transferOf(Log log) {
        List<String> topics = log.topics();
        boolean plain = topics.size() == 3 && TRANSFER_TOPIC.equals(topics.get(0));
        boolean withMemo = topics.size() == 4 && TRANSFER_WITH_MEMO_TOPIC.equals(topics.get(0));
        if (!plain && !withMemo) {
            return null;
        }
        return new Transfer(log.address(), addressOf(topics.get(1)), addressOf(topics.get(2)), amountOf(log),
                withMemo ? topics.get(3) : null);
    }

    private static boolean sameMovement(Transfer a, Transfer b) {
        return a.token().equalsIgnoreCase(b.token()) && a.from().equalsIgnoreCase(b.from())
                && a.to().equalsIgnoreCase(b.to()) && a.amount().equals(b.amount());
    }

    static String addressOf(String topic) {
        String hex = topic.toLowerCase(Locale.ROOT).replaceFirst("^0x", "");
        return "0x" + hex.substring(Math.max(0, hex.length() - 40));
    }

    static BigInteger amountOf(Log log) {
        String hex = log.data().replaceFirst("^0x", "");
        return hex.isEmpty() ? BigInteger.ZERO : new BigInteger(hex, 16);
    }
}
