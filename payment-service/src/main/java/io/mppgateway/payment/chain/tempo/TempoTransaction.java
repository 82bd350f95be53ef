package io.mppgateway.payment.chain.tempo;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.web3j.crypto.ECDSASignature;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.rlp.RlpDecoder;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;
import org.web3j.utils.Numeric;

/**
 * A signed Tempo transaction (EIP-2718 type 0x76), or the 0x78 fee-payer envelope a sponsored client sends, decoded
 * with web3j RLP (layout of {@code ox/tempo/TxEnvelopeTempo}):
 * {@code rlp([chainId, maxPriorityFeePerGas, maxFeePerGas, gas, calls[[to,value,data]], accessList, nonceKey, nonce,
 * validBefore, validAfter, feeToken, feePayerSignatureOrSender, authorizationList, keyAuthorization?, signature])}.
 * The original RLP items are kept so re-serialisation changes nothing but what the fee payer adds.
 */
public final class TempoTransaction {
    public static final byte TYPE = 0x76;
    public static final byte FEE_PAYER_TYPE = 0x78;
    /** nonceKey of Tempo's expiring-nonce lane (2^256 - 1), the one mppx clients use. */
    public static final BigInteger EXPIRING_NONCE_KEY = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

    public record Call(String to, BigInteger value, byte[] data) {
    }

    private final byte type;
    private final List<RlpType> items;
    private final boolean hasKeyAuthorization;

    private TempoTransaction(byte type, List<RlpType> items, boolean hasKeyAuthorization) {
        this.type = type;
        this.items = items;
        this.hasKeyAuthorization = hasKeyAuthorization;
    }

    /** @throws IllegalArgumentException when this is not a signed 0x76/0x78 Tempo transaction */
    public static TempoTransaction decode(String hex) {
        byte[] raw;
        try {
            raw = Numeric.hexStringToByteArray(hex);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("transaction is not hex");
        }
        if (raw.length < 2 || (raw[0] != TYPE && raw[0] != FEE_PAYER_TYPE)) {
            throw new IllegalArgumentException("only Tempo (0x76/0x78) transactions are supported");
        }
        List<RlpType> items;
        try {
            RlpList outer = RlpDecoder.decode(Arrays.copyOfRange(raw, 1, raw.length));
            if (outer.getValues().size() != 1 || !(outer.getValues().get(0) instanceof RlpList list)) {
                throw new IllegalArgumentException("transaction is not one RLP list");
            }
            items = list.getValues();
            // the decoder is lenient about trailing bytes: re-encoding must give back exactly what was sent
            if (!Arrays.equals(RlpEncoder.encode(list), Arrays.copyOfRange(raw, 1, raw.length))) {
                throw new IllegalArgumentException("transaction has trailing or non-canonical bytes");
            }
        } catch (RuntimeException e) {
            throw e instanceof IllegalArgumentException iae ? iae
                    : new IllegalArgumentException("transaction is not valid RLP");
        }
        if (items.size() != 14 && items.size() != 15) {
            throw new IllegalArgumentException("a signed Tempo transaction has 14 or 15 fields, not " + items.size());
        }
        boolean keyAuth = items.size() == 15;
        if (keyAuth && !(items.get(13) instanceof RlpList)) {
            throw new IllegalArgumentException("key authorization must be a list");
        }
        for (int i : new int[] { 0, 1, 2, 3, 6, 7, 8, 9, 10 }) {
            if (!(items.get(i) instanceof RlpString)) {
                throw new IllegalArgumentException("field " + i + " must be a string");
            }
        }
        if (!(items.get(4) instanceof RlpList) || !(items.get(5) instanceof RlpList)
                || !(items.get(12) instanceof RlpList) || !(items.get(items.size() - 1) instanceof RlpString)) {
            throw new IllegalArgumentException("calls, accessList and authorizationList must be lists");
        }
        checkRanges(items);
        TempoTransaction tx = new TempoTransaction(raw[0], List.copyOf(items), keyAuth);
        tx.calls(); // every call well-formed, or the whole transaction is malformed
        return tx;
    }

    /**
     * Numbers wider than their field's type (the node could not decode them either) or than this server reads
     * (chainId, validBefore and validAfter as signed 64-bit) make the transaction malformed, never a server error.
     */
    private static void checkRanges(List<RlpType> items) {
        String[] names = { "chainId", "maxPriorityFeePerGas", "maxFeePerGas", "gas", null, null, "nonceKey", "nonce",
                "validBefore", "validAfter" };
        int[] bits = { 63, 128, 128, 64, 0, 0, 256, 64, 63, 63 };
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null && new BigInteger(1, ((RlpString) items.get(i)).getBytes()).bitLength() > bits[i]) {
                throw new IllegalArgumentException(names[i] + " is out of range (at most " + bits[i] + " bits)");
            }
        }
        int feeToken = ((RlpString) items.get(10)).getBytes().length;
        if (feeToken != 0 && feeToken != 20) {
            throw new IllegalArgumentException("feeToken must be empty or an address");
        }
    }

    public boolean isFeePayerEnvelope() {
        return type == FEE_PAYER_TYPE;
    }

    /** The sender asked for sponsorship: the fee-payer slot is the 0x00 marker, the sender address or a signature. */
    public boolean isSponsored() {
        return !(feePayerSlot() instanceof RlpString s) || s.getBytes().length > 0;
    }

    public boolean hasFeePayerSignature() {
        return feePayerSlot() instanceof RlpList;
    }

    public long chainId() {
        return number(0).longValueExact();
    }

    public BigInteger maxPriorityFeePerGas() {
        return number(1);
    }

    public BigInteger maxFeePerGas() {
        return number(2);
    }

    public BigInteger gas() {
        return number(3);
    }

    public BigInteger nonceKey() {
        return number(6);
    }

    public BigInteger nonce() {
        return number(7);
    }

    /** Unix seconds, or null when unbounded. */
    public Long validBefore() {
        return bytes(8).length == 0 ? null : number(8).longValueExact();
    }

    public Long validAfter() {
        return bytes(9).length == 0 ? null : number(9).longValueExact();
    }

    /** The fee token address, or null when the network's default rules apply. */
    public String feeToken() {
        byte[] b = bytes(10);
        return b.length == 0 ? null : Numeric.toHexString(b);
    }

    public boolean hasAccessList() {
        return !((RlpList) items.get(5)).getValues().isEmpty();
    }

    public boolean hasAuthorizations() {
        return !((RlpList) items.get(12)).getValues().isEmpty() || hasKeyAuthorization;
    }

    public List<Call> calls() {
        List<Call> calls = new ArrayList<>();
        for (RlpType c : ((RlpList) items.get(4)).getValues()) {
            if (!(c instanceof RlpList tuple) || tuple.getValues().size() != 3
                    || !tuple.getValues().stream().allMatch(RlpString.class::isInstance)) {
                throw new IllegalArgumentException("a call must be [to, value, data]");
            }
            byte[] to = ((RlpString) tuple.getValues().get(0)).getBytes();
            BigInteger value = new BigInteger(1, ((RlpString) tuple.getValues().get(1)).getBytes());
            if (value.bitLength() > 256) {
                throw new IllegalArgumentException("a call's value is out of range (at most 256 bits)");
            }
            byte[] data = ((RlpString) tuple.getValues().get(2)).getBytes();
            calls.add(new Call(to.length == 20 ? Numeric.toHexString(to) : null, value, data));
        }
        return calls;
    }

    /** The address that signed, recovered from the secp256k1 signature over the sender's signing payload. */
    public String recoverSender() {
        byte[] sig = bytes(items.size() - 1);
        if (sig.length != 65) {
            throw new IllegalArgumentException("only secp256k1 sender signatures are accepted");
        }
        int v = sig[64] & 0xff;
        int recId = v >= 27 ? v - 27 : v;
        if (recId != 0 && recId != 1) {
            throw new IllegalArgumentException("signature has an invalid recovery id");
        }
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(sig, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64));
        // reject malleable high-s signatures as the node does
        if (r.signum() == 0 || s.signum() == 0 || r.compareTo(Sign.CURVE_PARAMS.getN()) >= 0
                || s.compareTo(Sign.CURVE_PARAMS.getN().shiftRight(1)) > 0) {
            throw new IllegalArgumentException("signature is not canonical");
        }
        BigInteger key = Sign.recoverFromSignature(recId, new ECDSASignature(r, s), senderSignPayload());
        if (key == null) {
            throw new IllegalArgumentException("signature does not recover a sender");
        }
        return Numeric.prependHexPrefix(Keys.getAddress(key));
    }

    /** keccak256(0x76 || rlp(fields without signature)); a sponsored sender signs the 0x00 marker, no fee token. */
    public byte[] senderSignPayload() {
        List<RlpType> fields = new ArrayList<>(unsigned());
        if (isSponsored()) {
            fields.set(10, RlpString.create(new byte[0]));
            fields.set(11, RlpString.create(new byte[] { 0 }));
        } else {
            fields.set(11, RlpString.create(new byte[0]));
        }
        return Hash.sha3(typed(TYPE, fields));
    }

    /** keccak256(0x78 || rlp(fields with the fee token and the sender in the fee-payer slot, no signature)). */
    public byte[] feePayerSignPayload(String feeToken, String sender) {
        List<RlpType> fields = new ArrayList<>(unsigned());
        fields.set(10, RlpString.create(Numeric.hexStringToByteArray(feeToken)));
        fields.set(11, RlpString.create(Numeric.hexStringToByteArray(sender)));
        return Hash.sha3(typed(FEE_PAYER_TYPE, fields));
    }

    /** The 0x76 transaction to broadcast: the fee token and the fee payer's [yParity, r, s] filled in. */
    public String withFeePayer(String feeToken, Sign.SignatureData signature) {
        List<RlpType> fields = new ArrayList<>(items);
        fields.set(10, RlpString.create(Numeric.hexStringToByteArray(feeToken)));
        int yParity = (signature.getV()[0] & 0xff) >= 27 ? (signature.getV()[0] & 0xff) - 27 : signature.getV()[0];
        fields.set(11, new RlpList(
                RlpString.create(yParity == 0 ? new byte[0] : new byte[] { 1 }),
                RlpString.create(new BigInteger(1, signature.getR())),
                RlpString.create(new BigInteger(1, signature.getS()))));
        return Numeric.toHexString(typed(TYPE, fields));
    }

    /** The bytes as sent, re-encoded (identical to the input: decode checks that). */
    public String encoded() {
        return Numeric.toHexString(typed(type, items));
    }

    private List<RlpType> unsigned() {
        return items.subList(0, items.size() - 1);
    }

    private RlpType feePayerSlot() {
        return items.get(11);
    }

    private byte[] bytes(int i) {
        return ((RlpString) items.get(i)).getBytes();
    }

    private BigInteger number(int i) {
        return new BigInteger(1, bytes(i));
    }

    private static byte[] typed(byte type, List<RlpType> fields) {
        byte[] body = RlpEncoder.encode(new RlpList(fields));
        byte[] out = new byte[body.length + 1];
        out[0] = type;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }
}
