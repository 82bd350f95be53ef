package io.mppgateway.payment.chain;

import io.smallrye.mutiny.Uni;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.contracts.mpp.PaymentTerms;
import io.mppgateway.contracts.testing.TempoTx;
import io.mppgateway.payment.SharedFixtures;
import io.mppgateway.payment.chain.service.FeePayerCosigner;
import io.mppgateway.payment.chain.service.PullTransactionVerifier;
import io.mppgateway.payment.chain.service.SponsorGuard;
import io.mppgateway.payment.chain.service.TransferMatcher.ExpectedPayment;
import io.mppgateway.payment.chain.tempo.TempoTransaction;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.web3j.crypto.Credentials;

/**
 * conformance/vectors/tempo-fee-payer-cosign.json (tempo.fee_payer.cosign): the buyer's 0x78 envelope goes through
 * our sponsor policy ({@link PullTransactionVerifier} with fee sponsorship on) and then {@link FeePayerCosigner}.
 * Rejections must be verification-failed (the vector's verification_error) for the reason the case is about; our
 * messages are our own, so each case names the substring it expects from us.
 */
class FeePayerCosignConformanceTest {
    /** Why each rejection case must fail, in this server's words. */
    private static final Map<String, String> OUR_REASON = Map.of(
            "plain_transfer_without_challenge_memo_rejected", "has no TransferWithMemo",
            "wrong_challenge_memo_rejected", "memo is not bound to this challenge",
            "extra_call_rejected", "exactly one call",
            "gas_limit_above_policy_rejected", "exceeds the sponsor's limit",
            "attacker_fee_token_rejected", "leaves the fee token to the fee payer",
            "wrong_nonce_key_rejected", "expiring nonce",
            "validity_window_above_policy_rejected", "is later than",
            "access_list_rejected", "access list");
    /** Our sponsor limits at their defaults (payment.fee-payer.max-gas, payment.max-validity). */
    private static final long MAX_GAS = 2_000_000;
    private static final long MAX_FEE_PER_GAS = 1_000_000_000_000L;
    private static final Duration MAX_VALIDITY = Duration.ofMinutes(15);

    @TestFactory
    Stream<DynamicTest> cosignVectors() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode s : SharedFixtures.scenarios("tempo-fee-payer-cosign.json")) {
            tests.add(DynamicTest.dynamicTest(s.path("name").asText(), () -> run(s)));
        }
        assertEquals(9, tests.size());
        return tests.stream();
    }

    private static void run(JsonNode s) {
        JsonNode in = s.path("input");
        JsonNode t = in.path("transaction");
        JsonNode request = in.path("request");
        Instant now = Instant.now();

        TempoTx tx = new TempoTx();
        tx.sponsored = true;
        tx.chainId = t.path("chainId").asLong();
        tx.maxPriorityFeePerGas = BigInteger.valueOf(t.path("maxPriorityFeePerGas").asLong());
        tx.maxFeePerGas = BigInteger.valueOf(t.path("maxFeePerGas").asLong());
        tx.gas = BigInteger.valueOf(t.path("gasLimit").asLong());
        for (JsonNode c : t.path("calls")) {
            assertEquals(0, c.path("value").asLong(), "vector calls carry no native value");
            tx.call(c.path("to").asText(), c.path("data").asText());
        }
        for (JsonNode entry : t.path("accessList")) {
            List<String> e = new ArrayList<>();
            e.add(entry.get(0).asText());
            entry.get(1).forEach(k -> e.add(k.asText()));
            tx.accessList.add(e.toArray(String[]::new));
        }
        tx.nonceKey = "max".equals(t.path("nonceKey").asText()) ? TempoTransaction.EXPIRING_NONCE_KEY
                : new BigInteger(t.path("nonceKey").asText());
        tx.nonce = BigInteger.valueOf(t.path("nonce").asLong());
        tx.validBefore = now.getEpochSecond()
                + Long.parseLong(t.path("validBefore").asText().replaceFirst("^now\\+", ""));
        if (t.hasNonNull("feeToken")) {
            tx.feeToken = t.path("feeToken").asText();
            tx.feeTokenInEnvelope = true;
        }
        TempoTransaction decoded = TempoTransaction.decode(tx.sign(Credentials.create(in.path("payerPrivateKey")
                .asText())));

        JsonNode challenge = in.path("challenge");
        PullTransactionVerifier.Expected expected = new PullTransactionVerifier.Expected(
                request.path("methodDetails").path("chainId").asLong(), new ExpectedPayment(
                        request.path("currency").asText(), request.path("recipient").asText(),
                        new PaymentTerms(Long.parseLong(request.path("amount").asText()), null, List.of()),
                        challenge.path("realm").asText("api.example.com"),
                        challenge.path("id").asText("challenge-123"), null),
                null, now, MAX_VALIDITY, true, MAX_GAS, MAX_FEE_PER_GAS);

        JsonNode result = s.path("expected");
        if (!result.path("ok").asBoolean()) {
            assertEquals("verification_error", result.path("error").path("type").asText());
            PaymentRejectedException e = assertThrows(PaymentRejectedException.class,
                    () -> PullTransactionVerifier.verify(decoded, expected));
            assertEquals(PaymentProblem.VERIFICATION_FAILED, e.problem(), e.getMessage());
            String reason = OUR_REASON.get(s.path("name").asText());
            assertNotNull(reason, "no expected reason for " + s.path("name").asText());
            assertTrue(e.getMessage().contains(reason), e.getMessage());
            return;
        }
        String sender = PullTransactionVerifier.verify(decoded, expected);
        PaymentConfig config = config(in.path("feeToken").asText(), in.path("feePayerPrivateKey").asText());
        // the signing alone: the sponsor's checks against the chain are SponsorGuard's (FeePayerTest)
        SponsorGuard passing = new SponsorGuard(null, null, config, null, null) {
            @Override
            public Uni<Void> check(TempoTransaction tx, String from, String challengeId) {
                return Uni.createFrom().voidItem();
            }
        };
        TempoTransaction cosigned = TempoTransaction.decode(new FeePayerCosigner(config, passing)
                .cosign(decoded, sender, "challenge-123").await().indefinitely());
        JsonNode value = result.path("value");
        assertEquals(value.path("type").asText(), cosigned.isFeePayerEnvelope() ? "0x78" : "0x76");
        assertEquals(value.path("feeToken").asText().toLowerCase(), cosigned.feeToken().toLowerCase());
        assertEquals(value.path("feePayerSignaturePresent").asBoolean(), cosigned.hasFeePayerSignature());
        assertEquals(value.path("accessListLength").asInt() > 0, cosigned.hasAccessList());
        assertEquals(value.path("callCount").asInt(), cosigned.calls().size());
        assertEquals(sender.toLowerCase(), cosigned.recoverSender().toLowerCase());
    }

    /** Only fee-payer settings are read by the cosigner. */
    private static PaymentConfig config(String feeToken, String key) {
        PaymentConfig.FeePayer feePayer = (PaymentConfig.FeePayer) Proxy.newProxyInstance(
                PaymentConfig.class.getClassLoader(), new Class<?>[] { PaymentConfig.FeePayer.class },
                (p, m, a) -> switch (m.getName()) {
                    case "enabled" -> true;
                    case "privateKey" -> Optional.of(key);
                    case "feeToken" -> feeToken;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (PaymentConfig) Proxy.newProxyInstance(PaymentConfig.class.getClassLoader(),
                new Class<?>[] { PaymentConfig.class }, (p, m, a) -> {
                    if (m.getName().equals("feePayer")) {
                        return feePayer;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }
}
