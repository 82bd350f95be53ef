package io.mppgateway.payment.badinput;

import static io.mppgateway.payment.badinput.Resigned.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import io.mppgateway.contracts.mpp.PaymentTerms;
import io.mppgateway.contracts.testing.TempoTx;
import io.mppgateway.payment.chain.service.PullTransactionVerifier;
import io.mppgateway.payment.chain.service.TransferMatcher.ExpectedPayment;
import io.mppgateway.payment.chain.tempo.TempoTransaction;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import io.mppgateway.payment.settlement.rest.PaymentProblemMapper;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/** Numbers a buyer can put in a transaction that no field (or this server) can hold: malformed, never a crash. */
class OutOfRangeTransactionTest {
    static final BigInteger TWO = BigInteger.TWO;
    static final String TOKEN = "0x20c0000000000000000000000000000000000000";
    static final String RECIPIENT = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
    final Credentials key = key();

    static Credentials key() {
        try {
            return Credentials.create(Keys.createEcKeyPair());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String good() {
        return new TempoTx().call(TOKEN, TempoTx.transferWithMemo(RECIPIENT, 5_000,
                AttributionMemo.encode("realm", "challenge"))).sign(key);
    }

    record Case(String field, int index, BigInteger value) {
    }

    @TestFactory
    Stream<DynamicTest> everyNumberWiderThanItsFieldIsMalformed() {
        return Stream.of(
                new Case("chainId", CHAIN_ID, TWO.pow(63)), new Case("chainId", CHAIN_ID, TWO.pow(64)),
                new Case("chainId", CHAIN_ID, TWO.pow(256).subtract(BigInteger.ONE)),
                new Case("maxPriorityFeePerGas", MAX_PRIORITY_FEE, TWO.pow(128)),
                new Case("maxFeePerGas", MAX_FEE, TWO.pow(128)), new Case("maxFeePerGas", MAX_FEE, TWO.pow(255)),
                new Case("gas", GAS, TWO.pow(64)), new Case("nonceKey", NONCE_KEY, TWO.pow(256)),
                new Case("nonce", NONCE, TWO.pow(64)), new Case("validBefore", VALID_BEFORE, TWO.pow(63)),
                new Case("validBefore", VALID_BEFORE, TWO.pow(64).subtract(BigInteger.ONE)),
                new Case("validAfter", VALID_AFTER, TWO.pow(63)))
                .map(c -> DynamicTest.dynamicTest(c.field + " = " + c.value, () -> {
                    String tx = withField(good(), c.index, c.value, key);
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> TempoTransaction.decode(tx));
                    assertTrue(e.getMessage().contains(c.field + " is out of range"), e.getMessage());
                }));
    }

    @Test
    void aCallValueBeyond256BitsIsMalformed() {
        String tx = withCallValue(good(), TWO.pow(256), key);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TempoTransaction.decode(tx));
        assertTrue(e.getMessage().contains("value is out of range"), e.getMessage());
    }

    @Test
    void theLargestNumbersEachFieldHoldsAreRead() {
        TempoTransaction tx = TempoTransaction.decode(withField(withField(withField(good(), CHAIN_ID,
                BigInteger.valueOf(Long.MAX_VALUE), key), GAS, TWO.pow(64).subtract(BigInteger.ONE), key),
                MAX_FEE, TWO.pow(128).subtract(BigInteger.ONE), key));
        assertEquals(Long.MAX_VALUE, tx.chainId());
        assertEquals(TWO.pow(64).subtract(BigInteger.ONE), tx.gas());
        assertEquals(TWO.pow(128).subtract(BigInteger.ONE), tx.maxFeePerGas());
    }

    /** validBefore/validAfter that fit in a long but not in an Instant are simply too late. */
    @Test
    void aValidityBeyondTheCalendarIsTooLateNotAnError() {
        for (int field : new int[] { VALID_BEFORE, VALID_AFTER }) {
            TempoTransaction tx = TempoTransaction.decode(withField(good(), field,
                    BigInteger.valueOf(Long.MAX_VALUE), key));
            PaymentRejectedException e = assertThrows(PaymentRejectedException.class,
                    () -> PullTransactionVerifier.verify(tx, expected()));
            assertEquals(PaymentProblem.VERIFICATION_FAILED, e.problem());
            assertTrue(e.getMessage().contains(Long.toString(Long.MAX_VALUE)), e.getMessage());
        }
    }

    @Test
    void anOpenCircuitBreakerIs503WithRetryAfter() {
        Response r = new PaymentProblemMapper().toUnavailable(new CircuitBreakerOpenException("open"));
        assertEquals(503, r.getStatus());
        assertEquals("2", r.getHeaderString("Retry-After"));
        assertEquals("application/problem+json", r.getMediaType().toString());
    }

    private static PullTransactionVerifier.Expected expected() {
        Instant now = Instant.now();
        return new PullTransactionVerifier.Expected(1337, new ExpectedPayment(TOKEN, RECIPIENT,
                new PaymentTerms(5_000, null, List.of()), "realm", "challenge", null), now.plusSeconds(300), now,
                Duration.ofMinutes(15), false, 2_000_000, 1_000_000_000_000L);
    }
}
