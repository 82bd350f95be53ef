package io.mppgateway.payment.chain.tempo;

import java.math.BigInteger;
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

/** Signs a self-paid Tempo (0x76) transaction with one call, for the server's own transfers (refunds). */
public final class TempoTransactionSigner {
    private TempoTransactionSigner() {
    }

    public record Unsigned(long chainId, BigInteger maxPriorityFeePerGas, BigInteger maxFeePerGas, BigInteger gas,
            String to, String data, BigInteger nonceKey, String feeToken) {
    }

    /** @return the raw transaction, 0x76-prefixed hex; nonce 0 on {@code nonceKey}'s lane */
    public static String sign(Unsigned tx, Credentials key) {
        List<RlpType> fields = new ArrayList<>();
        fields.add(RlpString.create(BigInteger.valueOf(tx.chainId())));
        fields.add(RlpString.create(tx.maxPriorityFeePerGas()));
        fields.add(RlpString.create(tx.maxFeePerGas()));
        fields.add(RlpString.create(tx.gas()));
        fields.add(new RlpList(new RlpList(RlpString.create(Numeric.hexStringToByteArray(tx.to())),
                RlpString.create(new byte[0]), RlpString.create(Numeric.hexStringToByteArray(tx.data())))));
        fields.add(new RlpList());
        fields.add(RlpString.create(tx.nonceKey()));
        fields.add(RlpString.create(BigInteger.ZERO));
        fields.add(RlpString.create(new byte[0]));
        fields.add(RlpString.create(new byte[0]));
        fields.add(RlpString.create(Numeric.hexStringToByteArray(tx.feeToken())));
        fields.add(RlpString.create(new byte[0]));
        fields.add(new RlpList());
        Sign.SignatureData sig = Sign.signMessage(Hash.sha3(typed(fields)), key.getEcKeyPair(), false);
        byte[] signature = new byte[65];
        System.arraycopy(sig.getR(), 0, signature, 0, 32);
        System.arraycopy(sig.getS(), 0, signature, 32, 32);
        signature[64] = sig.getV()[0];
        fields.add(RlpString.create(signature));
        return Numeric.toHexString(typed(fields));
    }

    private static byte[] typed(List<RlpType> fields) {
        byte[] body = RlpEncoder.encode(new RlpList(fields));
        byte[] out = new byte[body.length + 1];
        out[0] = TempoTransaction.TYPE;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }
}
