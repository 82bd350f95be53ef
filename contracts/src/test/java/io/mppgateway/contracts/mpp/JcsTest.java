package io.mppgateway.contracts.mpp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** The direct canonical writer against the RFC 8785 library it short-cuts (JSON written, parsed, canonicalized). */
class JcsTest {

    @Property(tries = 1000)
    void writesWhatTheLibraryWrites(@ForAll("values") Object value) throws Exception {
        assertEquals(Jcs.canonicalize(Jcs.MAPPER.writeValueAsString(value)), Jcs.canonicalValue(value));
    }

    @Example
    void sortsKeysByUtf16CodeUnitsAndEscapesAsEcmaScriptDoes() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("\u00e9", 1);
        value.put("b", List.of("a\"\\\b\f\n\r\t\u0001\u001f\u007f\u2028/"));
        value.put("a", Map.of("z", true, "chainId", 42431L));
        value.put("B", null);
        assertEquals("{\"B\":null,\"a\":{\"chainId\":42431,\"z\":true},"
                + "\"b\":[\"a\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\u007f\u2028/\"],\"\u00e9\":1}",
                Jcs.canonicalValue(value));
    }

    @Example
    void leavesNumbersBeyondADoublesExactRangeAndSurrogatesToTheLibrary() throws Exception {
        for (Object value : List.of(Map.of("n", (1L << 53) + 1), Map.of("n", Long.MIN_VALUE),
                Map.of("n", BigInteger.TEN.pow(30)), Map.of("n", 1.5), Map.of("s", "\ud83d\ude00"))) {
            assertEquals(Jcs.canonicalize(Jcs.MAPPER.writeValueAsString(value)), Jcs.canonicalValue(value));
        }
    }

    /** Objects at the top, as MPP's request and opaque are (the library parses nothing else). */
    @Provide
    Arbitrary<Object> values() {
        return Arbitraries.maps(text(), value(3)).ofMaxSize(6).map(m -> (Object) new HashMap<>(m));
    }

    private static Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange('\u0000', '\u00ff').withChars("\u2028\u20ac\uffff").ofMaxLength(12);
    }

    private static Arbitrary<Object> value(int depth) {
        Arbitrary<String> text = text();
        Arbitrary<Object> leaf = Arbitraries.oneOf(text.map(s -> (Object) s),
                Arbitraries.longs().between(-(1L << 53), 1L << 53).map(n -> (Object) n),
                Arbitraries.integers().map(n -> (Object) n), Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(null));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<Object> inner = value(depth - 1);
        Arbitrary<Object> object = Arbitraries.maps(text, inner).ofMaxSize(5).map(m -> (Object) new HashMap<>(m));
        Arbitrary<Object> array = inner.list().ofMaxSize(4).map(l -> (Object) l);
        return Arbitraries.frequencyOf(Tuple.of(3, leaf), Tuple.of(2, object),
                Tuple.of(1, array));
    }
}
