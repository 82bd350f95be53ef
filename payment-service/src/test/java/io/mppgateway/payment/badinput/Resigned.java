package io.mppgateway.payment.badinput;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.rlp.RlpDecoder;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;
import org.web3j.utils.Numeric;

/**
 * A signed 0x76 Tempo transaction with one numeric field replaced by any number (TempoTx holds them as long) and
 * signed again, so the only thing wrong with it is that number.
 */
final class Resigned {
    static final int CHAIN_ID = 0, MAX_PRIORITY_FEE = 1, MAX_FEE = 2, GAS = 3, CALLS = 4, NONCE_KEY = 6, NONCE = 7,
            VALID_BEFORE = 8, VALID_AFTER = 9;

    private Resigned() {
    }

    static String withField(String signedTx, int field, BigInteger value, Credentials key) {
        List<RlpType> fields = fields(signedTx);
        fields.set(field, RlpString.create(value));
        return sign(fields, key);
    }

    /** The first call's native value replaced. */
    static String withCallValue(String signedTx, BigInteger value, Credentials key) {
        List<RlpType> fields = fields(signedTx);
        RlpList call = (RlpList) ((RlpList) fields.get(CALLS)).getValues().get(0);
        fields.set(CALLS, new RlpList(new RlpList(call.getValues().get(0), RlpString.create(value),
                call.getValues().get(2))));
        return sign(fields, key);
    }

    private static List<RlpType> fields(String signedTx) {
        byte[] raw = Numeric.hexStringToByteArray(signedTx);
        RlpList list = (RlpList) RlpDecoder.decode(java.util.Arrays.copyOfRange(raw, 1, raw.length)).getValues().get(0);
        List<RlpType> fields = new ArrayList<>(list.getValues());
        fields.remove(fields.size() - 1);
        return fields;
    }

    private static String sign(List<RlpType> unsigned, Credentials key) {
        Sign.SignatureData sig = Sign.signMessage(Hash.sha3(typed(unsigned)), key.getEcKeyPair(), false);
        byte[] signature = new byte[65];
        System.arraycopy(sig.getR(), 0, signature, 0, 32);
        System.arraycopy(sig.getS(), 0, signature, 32, 32);
        signature[64] = sig.getV()[0];
        List<RlpType> signed = new ArrayList<>(unsigned);
        signed.add(RlpString.create(signature));
        return Numeric.toHexString(typed(signed));
    }

    private static byte[] typed(List<RlpType> fields) {
        byte[] body = RlpEncoder.encode(new RlpList(fields));
        byte[] out = new byte[body.length + 1];
        out[0] = 0x76;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }
}
