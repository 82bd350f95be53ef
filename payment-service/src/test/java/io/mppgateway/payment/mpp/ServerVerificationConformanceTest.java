package io.mppgateway.payment.mpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.contracts.mpp.Challenge;
import io.mppgateway.contracts.mpp.ChallengeIdSigner;
import io.mppgateway.contracts.mpp.Jcs;
import io.mppgateway.payment.SharedFixtures;
import io.mppgateway.payment.challenge.service.ChallengeKeys;
import io.mppgateway.payment.challenge.service.ChallengeService;
import io.mppgateway.payment.challenge.service.EchoedChallengeVerifier;
import jakarta.enterprise.inject.Vetoed;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * conformance/server-verification/cases.json (server.verify): the vector's route parameters and credential echo go
 * through our {@link EchoedChallengeVerifier}; our problem types are mapped to the vector's errorType names.
 */
class ServerVerificationConformanceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The vectors' receipts are stamped at this instant; it also decides which expires values are past. */
    private static final Instant NOW = Instant.parse("2026-01-29T12:00:00Z");

    @TestFactory
    Stream<DynamicTest> serverVerifyCases() throws IOException {
        JsonNode file = MAPPER.readTree(SharedFixtures.sharedDir()
                .resolve("conformance/conformance/server-verification/cases.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : file.path("cases")) {
            tests.add(DynamicTest.dynamicTest(c.path("name").asText(), () -> run(c)));
        }
        assertEquals(9, tests.size(), "server-verification case count");
        return tests.stream();
    }

    private static void run(JsonNode c) {
        JsonNode in = c.path("input");
        JsonNode expected = c.path("expected");
        // the vectors sign with "secret-key" (10 bytes); production keeps the 32-byte minimum
        ChallengeIdSigner signer = ChallengeIdSigner.withoutLengthCheck(in.path("secretKey").asText());
        RouteChallenges route = new RouteChallenges(Jcs.encode(in.path("request").toString()));
        EchoedChallengeVerifier verifier = new EchoedChallengeVerifier(new VectorKeys(signer), route, null, MAPPER,
                Clock.fixed(NOW, ZoneOffset.UTC));

        JsonNode ch = in.path("credential").path("challenge");
        Challenge echoed = new Challenge(text(ch, "id"), text(ch, "realm"), text(ch, "method"), text(ch, "intent"),
                Jcs.encode(ch.path("request").toString()), text(ch, "description"), text(ch, "digest"),
                text(ch, "expires"), null);
        long amount = Long.parseLong(in.path("request").path("amount").asText());
        try {
            verifier.verify(echoed, new EchoedChallengeVerifier.Expected(in.path("realm").asText(), "/", amount,
                    null));
            if (in.hasNonNull("verificationError")) {
                // stands in for the method's own check (on-chain transfer match), which answers verification-failed
                throw new PaymentRejectedException(PaymentProblem.VERIFICATION_FAILED,
                        in.path("verificationError").asText(), echoed.id());
            }
        } catch (PaymentRejectedException e) {
            if (expected.path("ok").asBoolean()) {
                fail("expected ok, got " + e.problem() + ": " + e.getMessage());
            }
            assertEquals(expected.path("errorType").asText(), errorType(e.problem()), e.getMessage());
            return;
        }
        assertTrue(expected.path("ok").asBoolean(), "expected " + expected.path("errorType").asText()
                + " but the credential was accepted");
        JsonNode r = expected.path("receipt");
        PaymentReceipt receipt = new PaymentReceipt(echoed.method(), "success", r.path("timestamp").asText(),
                r.path("reference").asText());
        assertEquals(r, MAPPER.valueToTree(receipt));
    }

    /** Our problem codes use '-', the vectors '_'. ServerVerifyResult has no method_unsupported: a method other
     * than the route's is an invalid challenge there (we answer 400 method-unsupported on the wire). */
    private static String errorType(PaymentProblem problem) {
        if (problem == PaymentProblem.METHOD_UNSUPPORTED) {
            return "invalid_challenge";
        }
        return problem.code.replace('-', '_');
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.path(field).asText() : null;
    }

    /** The vectors' ids are HMACs with their secret itself (mppx's scheme), not with a derived realm key. */
    @Vetoed
    static final class VectorKeys extends ChallengeKeys {
        private final ChallengeIdSigner signer;

        VectorKeys(ChallengeIdSigner signer) {
            this.signer = signer;
        }

        @Override
        public boolean verify(String id, String realm, String method, String intent, String request, String expires,
                String digest, String opaque) {
            return signer.verify(id, realm, method, intent, request, expires, digest, opaque);
        }
    }

    /**
     * The vector's route parameters: its request is the bare {amount, currency, recipient} and it binds no route
     * through opaque. Vetoed so Quarkus tests never see a second ChallengeService bean.
     */
    @Vetoed
    static final class RouteChallenges extends ChallengeService {
        private final String encodedRequest;

        RouteChallenges(String encodedRequest) {
            super(null, null, null, null);
            this.encodedRequest = encodedRequest;
        }

        @Override
        public String encodedRequest(String route, long amount) {
            return encodedRequest;
        }

        @Override
        public String encodedOpaque(String route) {
            return null;
        }

        @Override
        public boolean opaqueBindsRoute(String opaque, String route) {
            return opaque == null;
        }
    }
}
