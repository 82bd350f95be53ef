package io.mppgateway.payment.mpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.contracts.mpp.Challenge;
import io.mppgateway.contracts.mpp.Jcs;
import io.mppgateway.payment.SharedFixtures;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * conformance/vectors/www-authenticate.json, the format side (a server formats challenges; parsing them is the
 * client's job): every format vector's object, formatted by {@link Challenge}, carries exactly the wire's parameters
 * (order and JSON key order do not matter, per HARNESS_SPEC); CR/LF in a value is a format error.
 */
class WwwAuthenticateConformanceTest {
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TestFactory
    Stream<DynamicTest> formatVectors() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode s : SharedFixtures.scenarios("www-authenticate.json")) {
            JsonNode format = s.path("tests").path("format");
            if (format.isMissingNode()) {
                continue;
            }
            tests.add(DynamicTest.dynamicTest(s.path("name").asText(), () -> {
                Challenge challenge = fromObject(s.path("object"));
                if (format.isBoolean() && format.asBoolean()) {
                    assertEquals(params(s.path("wire").asText()), params(challenge.toWwwAuthenticate()));
                } else {
                    assertEquals("format_error", format.path("error_type").asText());
                    assertThrows(IllegalArgumentException.class, challenge::toWwwAuthenticate);
                }
            }));
        }
        return tests.stream();
    }

    private static Challenge fromObject(JsonNode o) {
        return new Challenge(text(o, "id"), text(o, "realm"), text(o, "method"), text(o, "intent"),
                Jcs.encode(o.path("request").toString()), text(o, "description"), text(o, "digest"),
                text(o, "expires"), !o.has("opaque") ? null
                        : o.path("opaque").isTextual() ? o.path("opaque").asText() : Jcs.encode(o.path("opaque").toString()));
    }

    /** The parameters with their unescaped values; the request compared as decoded JSON, canonicalised. */
    private static Map<String, String> params(String header) {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(header);
        while (m.find()) {
            String value = m.group(2).replaceAll("\\\\(.)", "$1");
            if (m.group(1).equals("request")) {
                value = Jcs.recanonicalize(value);
            }
            params.put(m.group(1), value);
        }
        return new java.util.TreeMap<>(params);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
