package io.mppgateway.payment.chain.service;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.mppgateway.payment.chain.tempo.TempoTransaction;
import io.mppgateway.payment.chain.tempo.TempoTransaction.Call;
import io.mppgateway.payment.chain.service.TransferMatcher.ExpectedPayment;
import io.mppgateway.payment.chain.service.TransferMatcher.Transfer;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;

import org.web3j.utils.Numeric;

/**
 * Checks a pull credential's signed transaction before it is broadcast: right chain, a bounded validity window on
 * the expiring-nonce lane, and calls that are exactly the charge's transfers: one TIP-20 {@code transferWithMemo} of
 * the currency to the wallet for its part with a memo bound to this realm and challenge (or the route's memo), and
 * one transfer per split. Stricter than mppx, which also accepts a DEX swap prefix and extra transfer calls when it
 * does not sponsor the fee; this gateway accepts neither.
 */
public final class PullTransactionVerifier {
    /** transferWithMemo(address,uint256,bytes32). */
    static final byte[] TRANSFER_WITH_MEMO = Numeric.hexStringToByteArray("0x95777d59");
    /** transfer(address,uint256). */
    static final byte[] TRANSFER = Numeric.hexStringToByteArray("0xa9059cbb");
    /** mppx's sponsor policy allows a validBefore up to 60 s past the challenge's expiry. */
    private static final Duration EXPIRY_SLACK = Duration.ofSeconds(60);

    private PullTransactionVerifier() {
    }

    /** @param payment what the transfers must pay (its sender is checked against the recovered signer elsewhere) */
    public record Expected(long chainId, ExpectedPayment payment, Instant challengeExpires, Instant now,
            Duration maxValidity, boolean feePayer, long maxGas, long maxFeePerGas) {
    }

    /** @return the sender recovered from the signature */
    public static String verify(TempoTransaction tx, Expected e) {
        String id = e.payment().challengeId();
        String sender;
        try {
            sender = tx.recoverSender();
        } catch (IllegalArgumentException ex) {
            throw new PaymentRejectedException(PaymentProblem.MALFORMED_CREDENTIAL, ex.getMessage(), id);
        }
        if (tx.chainId() != e.chainId()) {
            throw failed("transaction is for chain " + tx.chainId() + ", not " + e.chainId(), id);
        }
        checkSponsorship(tx, e, sender, id);
        checkValidity(tx, e, id);
        if (tx.hasAuthorizations()) {
            throw failed("transaction must not carry authorizations or key authorizations", id);
        }
        checkCalls(tx.calls(), sender, e, id);
        return sender;
    }

    private static void checkSponsorship(TempoTransaction tx, Expected e, String sender, String id) {
        if (!e.feePayer()) {
            if (tx.isSponsored()) {
                throw failed("fee sponsorship is not offered; pay the network fee yourself", id);
            }
            return;
        }
        if (!tx.isSponsored() || tx.hasFeePayerSignature()) {
            throw failed("fees are sponsored here: send the unsponsored 0x78 envelope for the server to co-sign", id);
        }
        if (tx.feeToken() != null) {
            throw failed("a sponsored transaction leaves the fee token to the fee payer", id);
        }
        // mppx's sponsor policy: an access list only adds gas the fee payer would pay for
        if (tx.hasAccessList()) {
            throw failed("a sponsored transaction must not carry an access list", id);
        }
        if (tx.gas().compareTo(BigInteger.valueOf(e.maxGas())) > 0) {
            throw failed("gas " + tx.gas() + " exceeds the sponsor's limit " + e.maxGas(), id);
        }
        if (tx.maxFeePerGas().compareTo(BigInteger.valueOf(e.maxFeePerGas())) > 0
                || tx.maxPriorityFeePerGas().compareTo(tx.maxFeePerGas()) > 0) {
            throw failed("fee caps exceed the sponsor's limit", id);
        }
    }

    private static void checkValidity(TempoTransaction tx, Expected e, String id) {
        // the expiring-nonce lane (what mppx clients use) makes the signed transaction die at validBefore
        if (!TempoTransaction.EXPIRING_NONCE_KEY.equals(tx.nonceKey()) || tx.nonce().signum() != 0) {
            throw failed("transaction must use the expiring nonce (nonceKey 2^256-1, nonce 0)", id);
        }
        Long validBefore = tx.validBefore();
        if (validBefore == null) {
            throw failed("transaction must set validBefore", id);
        }
        // compared in epoch seconds: a validBefore far beyond what Instant holds is just too late, not an error
        long now = e.now().getEpochSecond();
        if (validBefore <= now) {
            throw new PaymentRejectedException(PaymentProblem.PAYMENT_EXPIRED,
                    "transaction expired at " + Instant.ofEpochSecond(validBefore), id);
        }
        Instant latest = e.now().plus(e.maxValidity());
        if (e.challengeExpires() != null && e.challengeExpires().plus(EXPIRY_SLACK).isBefore(latest)) {
            latest = e.challengeExpires().plus(EXPIRY_SLACK);
        }
        if (validBefore > latest.getEpochSecond()) {
            throw failed("transaction validBefore " + describe(validBefore) + " is later than " + latest, id);
        }
        Long validAfter = tx.validAfter();
        if (validAfter != null && validAfter > now + 5) {
            throw failed("transaction is not valid before " + describe(validAfter), id);
        }
    }

    /** Unix seconds as an instant where one can hold them. */
    private static String describe(long epochSecond) {
        return epochSecond <= Instant.MAX.getEpochSecond() ? Instant.ofEpochSecond(epochSecond).toString()
                : epochSecond + " (unix seconds)";
    }

    private static void checkCalls(List<Call> calls, String sender, Expected e, String id) {
        int want = e.payment().transferCount();
        if (calls.size() != want) {
            throw failed(want == 1
                    ? "transaction must make exactly one call, a transferWithMemo; it makes " + calls.size()
                    : "transaction must make exactly " + want + " calls, one transfer to the wallet and one per split;"
                            + " it makes " + calls.size(), id);
        }
        List<Transfer> transfers = new ArrayList<>();
        for (Call call : calls) {
            transfers.add(decode(call, sender, id));
        }
        TransferMatcher.match(transfers, e.payment());
    }

    /** A call must be a TIP-20 transfer or transferWithMemo with canonical arguments and no native value. */
    private static Transfer decode(Call call, String sender, String id) {
        if (call.value().signum() != 0) {
            throw failed("the transfer call must not send a native value", id);
        }
        byte[] data = call.data();
        boolean plain = data.length == 68 && Arrays.equals(data, 0, 4, TRANSFER, 0, 4);
        boolean withMemo = data.length == 100 && Arrays.equals(data, 0, 4, TRANSFER_WITH_MEMO, 0, 4);
        if (call.to() == null || !(plain || withMemo)) {
            throw failed("a call is not a TIP-20 transfer(address,uint256) or transferWithMemo(address,uint256,bytes32)",
                    id);
        }
        for (int i = 4; i < 16; i++) {
            if (data[i] != 0) {
                throw failed("the transfer's address argument is not an address", id);
            }
        }
        String to = Numeric.toHexString(Arrays.copyOfRange(data, 16, 36));
        BigInteger amount = new BigInteger(1, Arrays.copyOfRange(data, 36, 68));
        String memo = withMemo ? Numeric.toHexString(Arrays.copyOfRange(data, 68, 100)) : null;
        return new Transfer(call.to(), sender, to, amount, memo);
    }

    private static PaymentRejectedException failed(String detail, String id) {
        return new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED, detail, id);
    }
}
