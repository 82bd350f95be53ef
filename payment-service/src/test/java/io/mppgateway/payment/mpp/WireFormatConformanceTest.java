package io.mppgateway.payment.mpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.mpp.Base64Url;
import io.mppgateway.contracts.mpp.Challenge;
import io.mppgateway.contracts.mpp.ChallengeIdSigner;
import io.mppgateway.contracts.mpp.Jcs;
import io.mppgateway.payment.SharedFixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The cross-SDK conformance vectors in ../shared/conformance that apply to a server's wire format. */
class WireFormatConformanceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> challengeIdVectors() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode s : SharedFixtures.scenarios("challenge-id.json")) {
            JsonNode in = s.path("input");
            tests.add(DynamicTest.dynamicTest(s.path("name").asText(), () -> {
                if (s.path("tests").path("generate").path("success").isBoolean()) {
                    assertThrows(IllegalArgumentException.class,
                            () -> new ChallengeIdSigner(in.path("secretKey").asText()));
                    return;
                }
                ChallengeIdSigner signer = new ChallengeIdSigner(in.path("secretKey").asText());
                String request = Jcs.encode(in.path("request").toString());
                String id = signer.sign(in.path("realm").asText(), in.path("method").asText(),
                        in.path("intent").asText(), request, text(in, "expires"), text(in, "digest"),
                        text(in, "header"), text(in, "opaque"));
                assertEquals(s.path("expected").asText(), id);
                if (text(in, "header") == null) {
                    assertTrue(signer.verify(id, in.path("realm").asText(), in.path("method").asText(),
                            in.path("intent").asText(), request, text(in, "expires"), text(in, "digest"),
                            text(in, "opaque")));
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> base64urlVectors() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode s : SharedFixtures.scenarios("base64url.json")) {
            tests.add(DynamicTest.dynamicTest(s.path("name").asText(), () -> {
                if (s.path("tests").path("parse").isObject()) {
                    assertThrows(IllegalArgumentException.class,
                            () -> Base64Url.decodeToString(s.path("encoded").asText()));
                    return;
                }
                assertEquals(s.path("encoded").asText(), Base64Url.encode(s.path("decoded").asText()));
                assertArrayEquals(s.path("decoded").asText().getBytes(StandardCharsets.UTF_8),
                        Base64Url.decode(s.path("encoded").asText()));
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> receiptFormatVectors() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode s : SharedFixtures.scenarios("receipt.json")) {
            if (!s.path("tests").path("format").asBoolean(false)) {
                continue;
            }
            JsonNode o = s.path("object");
            tests.add(DynamicTest.dynamicTest(s.path("name").asText(), () -> {
                String wire = new PaymentReceipt(o.path("method").asText(), o.path("status").asText(),
                        o.path("timestamp").asText(), o.path("reference").asText()).encode(MAPPER);
                // key order does not matter on the wire; the decoded JSON must be identical
                assertEquals(MAPPER.readTree(Base64Url.decodeToString(s.path("wire").asText())),
                        MAPPER.readTree(Base64Url.decodeToString(wire)));
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> authorizationParseVectors() {
        CredentialParser parser = new CredentialParser(MAPPER);
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode s : SharedFixtures.scenarios("authorization.json")) {
            JsonNode parse = s.path("tests").path("parse");
            tests.add(DynamicTest.dynamicTest(s.path("name").asText(), () -> {
                if (parse.isObject()) {
                    assertThrows(CredentialParser.MalformedCredentialException.class,
                            () -> parser.parse(List.of(s.path("wire").asText())));
                    return;
                }
                Credential c = parser.parse(List.of(s.path("wire").asText()));
                JsonNode expected = s.path("object").path("challenge");
                assertEquals(expected.path("id").asText(), c.challenge().id());
                assertEquals(expected.path("realm").asText(), c.challenge().realm());
                assertEquals(expected.path("method").asText(), c.challenge().method());
                assertEquals(expected.path("intent").asText(), c.challenge().intent());
                assertEquals(expected.path("request"),
                        MAPPER.readTree(Base64Url.decodeToString(c.challenge().request())));
                assertEquals(text(expected, "expires"), c.challenge().expires());
                assertEquals(text(s.path("object"), "source"), c.source());
                assertEquals(text(s.path("object").path("payload"), "type"), c.payloadType());
            }));
        }
        return tests.stream();
    }

    @Test
    void moreThanOnePaymentCredentialIsRefused() {
        CredentialParser parser = new CredentialParser(MAPPER);
        String one = "Payment " + Base64Url.encode("{\"challenge\":{},\"payload\":{}}");
        assertThrows(CredentialParser.MultipleCredentialsException.class, () -> parser.parse(List.of(one, one)));
        assertThrows(CredentialParser.MultipleCredentialsException.class,
                () -> parser.parse(List.of(one + ", " + one)));
    }

    @Test
    void wwwAuthenticateFollowsMppxOrderAndQuoting() {
        Challenge c = new Challenge("abc", "api.example.com", "tempo", "charge", "e30", "say \"hi\" \\ café ☕",
                "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:", "2026-01-01T00:00:00.000Z", "e30");
        assertEquals("Payment id=\"abc\", realm=\"api.example.com\", method=\"tempo\", intent=\"charge\", "
                + "request=\"e30\", description=\"say \\\"hi\\\" \\\\ café \\u2615\", "
                + "digest=\"sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:\", "
                + "expires=\"2026-01-01T00:00:00.000Z\", opaque=\"e30\"", c.toWwwAuthenticate());
        Challenge crlf = new Challenge("abc", "r", "tempo", "charge", "e30", "a\r\nb", null, null, null);
        assertThrows(IllegalArgumentException.class, crlf::toWwwAuthenticate);
    }

    @Test
    void rotatedSecretStillVerifiesButNeverSigns() {
        String old = "previous-secret-at-least-32-bytes-long!!";
        String current = "current-secret-at-least-32-bytes-long!!!";
        String id = new ChallengeIdSigner(old).sign("r", "tempo", "charge", "e30", "x", null, null, null);
        ChallengeIdSigner rotated = new ChallengeIdSigner(current, List.of(old));
        assertTrue(rotated.verify(id, "r", "tempo", "charge", "e30", "x", null, null));
        assertTrue(!new ChallengeIdSigner(current).verify(id, "r", "tempo", "charge", "e30", "x", null, null));
        assertTrue(!rotated.sign("r", "tempo", "charge", "e30", "x", null, null, null).equals(id));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
