package io.mppgateway.fuzz;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;

/**
 * Just enough RLP to build Tempo transactions (type 0x76) field by field, well-formed or not: items are
 * {@code byte[]} strings, {@link BigInteger} numbers (big-endian, no leading zeros) or lists of items.
 */
final class Rlp {
    private Rlp() {
    }

    static byte[] encode(Object item) {
        if (item instanceof BigInteger n) {
            return encode(unsigned(n));
        }
        if (item instanceof byte[] s) {
            if (s.length == 1 && (s[0] & 0xff) < 0x80) {
                return s;
            }
            return concat(length(s.length, 0x80), s);
        }
        if (item instanceof List<?> list) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (Object o : list) {
                body.writeBytes(encode(o));
            }
            byte[] b = body.toByteArray();
            return concat(length(b.length, 0xc0), b);
        }
        throw new IllegalArgumentException("not an RLP item: " + item);
    }

    static byte[] unsigned(BigInteger n) {
        if (n.signum() == 0) {
            return new byte[0];
        }
        byte[] b = n.abs().toByteArray();
        return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static byte[] length(int len, int offset) {
        if (len < 56) {
            return new byte[] {(byte) (offset + len)};
        }
        byte[] l = unsigned(BigInteger.valueOf(len));
        return concat(new byte[] {(byte) (offset + 55 + l.length)}, l);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String hex(byte[] b) {
        return "0x" + HexFormat.of().formatHex(b);
    }

    static byte[] unhex(String h) {
        return HexFormat.of().parseHex(h.startsWith("0x") ? h.substring(2) : h);
    }
}
