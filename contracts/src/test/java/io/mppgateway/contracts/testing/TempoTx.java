package io.mppgateway.contracts.testing;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;
import org.web3j.utils.Numeric;

/**
 * Builds signed Tempo (0x76) transactions and 0x78 fee-payer envelopes the way viem/mppx does, for the tests of every
 * module that pays on the local chain (web3j does the RLP, Keccak and secp256k1).
 */
public final class TempoTx {
    /** The expiring-nonce lane (nonceKey 2^256-1) mppx clients use: the transaction dies at validBefore. */
    public static final BigInteger EXPIRING_NONCE_KEY = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

    public long chainId = 1337;
    public BigInteger maxPriorityFeePerGas = BigInteger.ZERO;
    public BigInteger maxFeePerGas = BigInteger.valueOf(40_000_000_000L);
    public BigInteger gas = BigInteger.valueOf(300_000);
    public List<String[]> calls = new ArrayList<>();
    public BigInteger nonceKey = EXPIRING_NONCE_KEY;
    public BigInteger nonce = BigInteger.ZERO;
    public Long validBefore = Instant.now().getEpochSecond() + 25;
    public Long validAfter = null;
    public String feeToken = null;
    /** true: a sponsored 0x78 envelope (sender in the fee-payer slot) */
    public boolean sponsored = false;
    /** optional EIP-7702-style authorization entries, to test that they are refused */
    public boolean withAuthorization = false;
    /** access-list entries {address, storage key...}, to test that a sponsor refuses them */
    public List<String[]> accessList = new ArrayList<>();
    /** true: a sponsored envelope that still names a fee token, as an attacker would send it */
    public boolean feeTokenInEnvelope = false;

    public TempoTx call(String to, String dataHex) {
        calls.add(new String[] { to, dataHex });
        return this;
    }

    public static String transferWithMemo(String to, long amount, String memo) {
        return "0x95777d59" + word(to) + word(amount) + memo.replaceFirst("^0x", "");
    }

    public static String transfer(String to, long amount) {
        return "0xa9059cbb" + word(to) + word(amount);
    }

    public String sign(Credentials key) {
        List<RlpType> fields = fields(sponsored ? new byte[] { 0 } : new byte[0], sponsored);
        byte[] payload = Hash.sha3(typed((byte) 0x76, fields));
        Sign.SignatureData sig = Sign.signMessage(payload, key.getEcKeyPair(), false);
        byte[] signature = new byte[65];
        System.arraycopy(sig.getR(), 0, signature, 0, 32);
        System.arraycopy(sig.getS(), 0, signature, 32, 32);
        signature[64] = sig.getV()[0]; // 27/28 as ox writes it
        List<RlpType> signed = sponsored
                ? fields(Numeric.hexStringToByteArray(key.getAddress()), true)
                : fields(new byte[0], false);
        signed.add(RlpString.create(signature));
        return Numeric.toHexString(typed(sponsored ? (byte) 0x78 : (byte) 0x76, signed));
    }

    private List<RlpType> fields(byte[] slot, boolean skipFeeToken) {
        List<RlpType> f = new ArrayList<>();
        f.add(RlpString.create(BigInteger.valueOf(chainId)));
        f.add(RlpString.create(maxPriorityFeePerGas));
        f.add(RlpString.create(maxFeePerGas));
        f.add(RlpString.create(gas));
        List<RlpType> cs = new ArrayList<>();
        for (String[] c : calls) {
            cs.add(new RlpList(RlpString.create(Numeric.hexStringToByteArray(c[0])), RlpString.create(new byte[0]),
                    RlpString.create(Numeric.hexStringToByteArray(c[1]))));
        }
        f.add(new RlpList(cs));
        List<RlpType> al = new ArrayList<>();
        for (String[] entry : accessList) {
            List<RlpType> keys = new ArrayList<>();
            for (int i = 1; i < entry.length; i++) {
                keys.add(RlpString.create(Numeric.hexStringToByteArray(entry[i])));
            }
            al.add(new RlpList(RlpString.create(Numeric.hexStringToByteArray(entry[0])), new RlpList(keys)));
        }
        f.add(new RlpList(al));
        f.add(RlpString.create(nonceKey));
        f.add(RlpString.create(nonce));
        f.add(validBefore == null ? RlpString.create(new byte[0]) : RlpString.create(BigInteger.valueOf(validBefore)));
        f.add(validAfter == null ? RlpString.create(new byte[0]) : RlpString.create(BigInteger.valueOf(validAfter)));
        f.add(feeToken == null || (skipFeeToken && !feeTokenInEnvelope) ? RlpString.create(new byte[0])
                : RlpString.create(Numeric.hexStringToByteArray(feeToken)));
        f.add(RlpString.create(slot));
        f.add(withAuthorization ? new RlpList(new RlpList(RlpString.create(BigInteger.valueOf(chainId))))
                : new RlpList());
        return f;
    }

    private static byte[] typed(byte type, List<RlpType> fields) {
        byte[] body = RlpEncoder.encode(new RlpList(fields));
        byte[] out = new byte[body.length + 1];
        out[0] = type;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    private static String word(String address) {
        return "0".repeat(24) + address.replaceFirst("^0x", "").toLowerCase();
    }

    private static String word(long value) {
        String hex = BigInteger.valueOf(value).toString(16);
        return "0".repeat(64 - hex.length()) + hex;
    }
}
