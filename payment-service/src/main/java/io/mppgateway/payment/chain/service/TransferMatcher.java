package io.mppgateway.payment.chain.service;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.mppgateway.contracts.events.PaymentSplit;
import io.mppgateway.contracts.mpp.PaymentTerms;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;

/**
 * Matches the TIP-20 transfers a transaction makes (pull: its decoded calls) or made (push and after broadcast: its
 * receipt logs) one-to-one against the transfers a charge consists of: the gateway wallet's part with its memo, and
 * every split. Same token, same recipient, exact amount; memo-specific expectations are matched first so that a
 * split that accepts any memo cannot consume the transfer the wallet's memo rule needs (as mppx does).
 */
public final class TransferMatcher {

    private TransferMatcher() {
    }

    /** One token movement. {@code memo} is null for a plain {@code transfer}. */
    public record Transfer(String token, String from, String to, BigInteger amount, String memo) {
    }

    /**
     * What a charge must consist of.
     *
     * @param sender the payer named by the credential, or null: then every transfer must come from whoever paid the
     *               wallet's part
     */
    public record ExpectedPayment(String currency, String recipient, PaymentTerms terms, String realm,
            String challengeId, String sender) {

        /** How many transfers make up the charge. */
        public int transferCount() {
            return 1 + terms.splits().size();
        }
    }

    /** One transfer that must be found; {@code memo} exact, {@code attributed}: bound to realm and challenge. */
    private record Wanted(String recipient, long amount, String memo, boolean attributed, PaymentSplit split) {
        boolean needsMemo() {
            return memo != null || attributed;
        }
    }

    /** @return the wallet's transfer (its {@code from} is the payer) */
    public static Transfer match(List<Transfer> transfers, ExpectedPayment expected) {
        List<Wanted> wanted = new ArrayList<>();
        PaymentTerms terms = expected.terms();
        wanted.add(new Wanted(expected.recipient(), terms.recipientAmount(), terms.memo(), terms.memo() == null,
                null));
        terms.splits().stream().filter(s -> s.memo() != null)
                .forEach(s -> wanted.add(new Wanted(s.recipient(), s.amount(), s.memo(), false, s)));
        terms.splits().stream().filter(s -> s.memo() == null)
                .forEach(s -> wanted.add(new Wanted(s.recipient(), s.amount(), null, false, s)));

        Set<Integer> used = new HashSet<>();
        Transfer primary = null;
        String payer = expected.sender();
        for (Wanted w : wanted) {
            int index = find(transfers, used, w, expected, payer);
            used.add(index);
            if (w.split() == null) {
                primary = transfers.get(index);
                // without a named source, whoever paid the wallet is the payer, and the splits must be theirs too
                payer = primary.from();
            }
        }
        return primary;
    }

    /** Narrows the unused transfers step by step, so a refusal names the first requirement nothing met. */
    private static int find(List<Transfer> transfers, Set<Integer> used, Wanted w, ExpectedPayment e,
            String payer) {
        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < transfers.size(); i++) {
            if (!used.contains(i)) {
                left.add(i);
            }
        }
        String what = w.split() == null ? "transfer" : "split transfer to " + w.recipient();
        if (left.isEmpty()) {
            throw failed("transaction makes no transfer for the " + what + " of " + w.amount(), e);
        }
        if (w.needsMemo()) {
            left = keep(left, transfers, t -> t.memo() != null, () -> w.split() == null
                    ? "transaction has no TransferWithMemo (the MPP memo is required)"
                    : what + " must be a transferWithMemo with memo " + w.memo(), e);
        }
        // recipient before token: a receipt also holds the fee transfer, which should not make the refusal
        // "another token" when the real problem is a missing transfer
        left = keep(left, transfers, t -> t.to().equalsIgnoreCase(w.recipient()), () -> w.split() == null
                ? "transaction does not pay the recipient " + w.recipient()
                : "transaction does not pay the split recipient " + w.recipient(), e);
        left = keep(left, transfers, t -> t.token().equalsIgnoreCase(e.currency()),
                () -> "transaction transfers another token than " + e.currency(), e);
        if (w.attributed()) {
            left = keep(left, transfers, t -> AttributionMemo.isBoundTo(t.memo(), e.realm(), e.challengeId()),
                    () -> "transfer memo is not bound to this challenge", e);
        } else if (w.memo() != null) {
            left = keep(left, transfers, t -> w.memo().equalsIgnoreCase(t.memo()), () -> w.split() == null
                    ? "transfer memo is not this route's memo " + w.memo()
                    : what + " does not carry the memo " + w.memo(), e);
        }
        BigInteger amount = BigInteger.valueOf(w.amount());
        BigInteger seen = transfers.get(left.get(0)).amount();
        left = keep(left, transfers, t -> t.amount().equals(amount), () -> amountMismatch(what, seen, w, e), e);
        if (payer != null) {
            left = keep(left, transfers, t -> t.from().equalsIgnoreCase(payer), () -> what + " was not sent by "
                    + (payer.equals(e.sender()) ? "the credential's source " : "the payer ") + payer, e);
        }
        return left.get(0);
    }

    private static String amountMismatch(String what, BigInteger seen, Wanted w, ExpectedPayment e) {
        PaymentTerms terms = e.terms();
        if (w.split() != null) {
            return what + " of " + seen + " does not equal the split amount " + w.amount();
        }
        if (terms.splits().isEmpty()) {
            return "transfer amount " + seen + " does not equal the charge amount " + w.amount();
        }
        return "transfer amount " + seen + " does not equal the charge amount " + terms.amount() + " minus its splits ("
                + w.amount() + ")";
    }

    private static List<Integer> keep(List<Integer> indexes, List<Transfer> transfers, Predicate<Transfer> test,
            Supplier<String> refusal, ExpectedPayment e) {
        List<Integer> kept = indexes.stream().filter(i -> test.test(transfers.get(i))).toList();
        if (kept.isEmpty()) {
            throw failed(refusal.get(), e);
        }
        return kept;
    }

    private static PaymentRejectedException failed(String detail, ExpectedPayment e) {
        return new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED, detail, e.challengeId());
    }
}
