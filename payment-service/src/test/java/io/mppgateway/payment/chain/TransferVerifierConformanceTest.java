package io.mppgateway.payment.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.payment.SharedFixtures;
import io.mppgateway.payment.chain.client.TransactionReceipt;
import io.mppgateway.payment.chain.service.TransferVerifier;
import io.mppgateway.payment.mpp.AttributionMemo;
import io.mppgateway.payment.mpp.PaymentProblem;
import io.mppgateway.payment.mpp.PaymentRejectedException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** tempo-receipt-verification.json: the challenge-bound memo rules, plus amount and token checks of our own. */
class TransferVerifierConformanceTest {

    @TestFactory
    Stream<DynamicTest> receiptVerificationVectors() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode s : SharedFixtures.scenarios("tempo-receipt-verification.json")) {
            JsonNode credential = s.path("input").path("credential");
            JsonNode challenge = credential.path("challenge");
            JsonNode request = challenge.path("request");
            TransactionReceipt receipt = receipt(s.path("input").path("receipt"));
            TransferVerifier.ExpectedTransfer expected = new TransferVerifier.ExpectedTransfer(
                    request.path("currency").asText(), request.path("recipient").asText(),
                    request.path("amount").asLong(), null, challenge.path("realm").asText(),
                    challenge.path("id").asText());
            tests.add(DynamicTest.dynamicTest(s.path("name").asText(), () -> {
                if (s.path("expected").path("ok").asBoolean()) {
                    assertEquals("0xabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", TransferVerifier.verify(receipt, expected));
                } else {
                    PaymentRejectedException e = assertThrows(PaymentRejectedException.class,
                            () -> TransferVerifier.verify(receipt, expected));
                    assertEquals(PaymentProblem.VERIFICATION_FAILED, e.problem());
                }
            }));
        }
        return tests.stream();
    }

    @Test
    void memoMatchesTheConformanceExample() {
        assertEquals("0xef1ed712011ece072f76bd8b82350e00000000000000000000eb18f2d4402269",
                AttributionMemo.encode("api.example.com", "challenge-123"));
    }

    @Test
    void tooLittleOrTooMuchIsRefusedWithTheAmountsInTheDetail() {
        JsonNode s = SharedFixtures.scenarios("tempo-receipt-verification.json").iterator().next();
        TransactionReceipt receipt = receipt(s.path("input").path("receipt"));
        TransferVerifier.ExpectedTransfer expected = new TransferVerifier.ExpectedTransfer(
                "0x1234567890123456789012345678901234567890", "0x4567890123456789012345678901234567890123",
                1001, null, "api.example.com", "challenge-123");
        PaymentRejectedException e = assertThrows(PaymentRejectedException.class,
                () -> TransferVerifier.verify(receipt, expected));
        assertEquals("transfer amount 1000 does not equal the charge amount 1001", e.getMessage());
    }

    @Test
    void aRevertedTransactionIsRefused() {
        TransactionReceipt reverted = new TransactionReceipt("0x11", "0x0", "0xabc", List.of());
        assertThrows(PaymentRejectedException.class, () -> TransferVerifier.verify(reverted,
                new TransferVerifier.ExpectedTransfer("0x12", "0x45", 1, null, "r", "c")));
    }

    static TransactionReceipt receipt(JsonNode r) {
        List<TransactionReceipt.Log> logs = new ArrayList<>();
        for (JsonNode l : r.path("logs")) {
            List<String> topics = new ArrayList<>();
            l.path("topics").forEach(t -> topics.add(t.asText().toLowerCase()));
            logs.add(new TransactionReceipt.Log(l.path("address").asText().toLowerCase(), topics,
                    l.path("data").asText()));
        }
        return new TransactionReceipt(r.path("transactionHash").asText(), r.path("status").asText(), "", logs);
    }
}
