package io.mppgateway.payment.mpp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The 32-byte MPP attribution memo that binds an on-chain transfer to one challenge of one realm (mppx
 * {@code Attribution}): tag keccak("mpp")[0..4] | version 0x01 | keccak(realm)[0..10] | keccak(clientId)[0..10]
 * or zeros | keccak(challengeId)[0..7]. Without it, anyone's matching transfer could be presented as a payment.
 */
public final class AttributionMemo {
    private static final byte[] TAG = Arrays.copyOf(keccak("mpp"), 4);
    private static final byte VERSION = 0x01;

    private AttributionMemo() {
    }

    /** True when {@code memoHex} is an attribution memo for this realm and challenge (any client id). */
    public static boolean isBoundTo(String memoHex, String realm, String challengeId) {
        byte[] memo;
        try {
            memo = Numeric.hexStringToByteArray(memoHex);
        } catch (RuntimeException e) {
            return false;
        }
        if (memo.length != 32) {
            return false;
        }
        return Arrays.equals(memo, 0, 4, TAG, 0, 4)
                && memo[4] == VERSION
                && Arrays.equals(memo, 5, 15, keccak(realm), 0, 10)
                && Arrays.equals(memo, 25, 32, keccak(challengeId), 0, 7);
    }

    /** Builds the memo without a client id, as a server-side payer (refunds, tests) would. */
    public static String encode(String realm, String challengeId) {
        byte[] memo = new byte[32];
        System.arraycopy(TAG, 0, memo, 0, 4);
        memo[4] = VERSION;
        System.arraycopy(keccak(realm), 0, memo, 5, 10);
        System.arraycopy(keccak(challengeId), 0, memo, 25, 7);
        return Numeric.toHexString(memo);
    }

    private static byte[] keccak(String s) {
        return Hash.sha3(s.getBytes(StandardCharsets.UTF_8));
    }
}
