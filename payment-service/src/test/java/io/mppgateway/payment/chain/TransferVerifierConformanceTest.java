package io.mppgateway.payment.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.contracts.mpp.PaymentTerms;
import io.mppgateway.payment.SharedFixtures;
import io.mppgateway.payment.chain.client.TransactionReceipt;
import io.mppgateway.payment.chain.service.TransferMatcher.ExpectedPayment;
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
            ExpectedPayment expected = expected(request.path("currency").asText(),
                    request.path("recipient").asText(), request.path("amount").asLong(),
                    challenge.path("realm").asText(), challenge.path("id").asText());
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
        ExpectedPayment expected = expected("0x1234567890123456789012345678901234567890",
                "0x4567890123456789012345678901234567890123", 1001, "api.example.com", "challenge-123");
        PaymentRejectedException e = assertThrows(PaymentRejectedException.class,
                () -> TransferVerifier.verify(receipt, expected));
        assertEquals("transfer amount 1000 does not equal the charge amount 1001", e.getMessage());
    }

    @Test
    void aRevertedTransactionIsRefused() {
        TransactionReceipt reverted = new TransactionReceipt("0x11", "0x0", "0xabc", List.of());
        assertThrows(PaymentRejectedException.class, () -> TransferVerifier.verify(reverted,
                expected("0x12", "0x45", 1, "r", "c")));
    }

    @Test
    void aTransferWithMemoLogPairCountsOnceSoItCannotPayTwoEqualSplits() {
        String token = "0x20c0000000000000000000000000000000000000";
        String payer = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
        String wallet = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
        String partner = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
        String memo = AttributionMemo.encode("r", "c");
        PaymentTerms twoEqualSplits = new PaymentTerms(3_000, null, List.of(
                new io.mppgateway.contracts.events.PaymentSplit(partner, 1_000, null),
                new io.mppgateway.contracts.events.PaymentSplit(partner, 1_000, null)));
        ExpectedPayment expected = new ExpectedPayment(token, wallet, twoEqualSplits, "r", "c", null);
        // transferWithMemo emits Transfer + TransferWithMemo for one movement of 1,000 to the partner
        List<TransactionReceipt.Log> oneSplitPaid = List.of(
                log(token, TransferVerifier.TRANSFER_TOPIC, payer, wallet, 1_000, null),
                log(token, TransferVerifier.TRANSFER_WITH_MEMO_TOPIC, payer, wallet, 1_000, memo),
                log(token, TransferVerifier.TRANSFER_TOPIC, payer, partner, 1_000, null),
                log(token, TransferVerifier.TRANSFER_WITH_MEMO_TOPIC, payer, partner, 1_000, "0x" + "00".repeat(32)));
        PaymentRejectedException e = assertThrows(PaymentRejectedException.class,
                () -> TransferVerifier.verify(new TransactionReceipt("0x1", "0x1", payer, oneSplitPaid), expected));
        assertEquals("transaction makes no transfer for the split transfer to " + partner + " of 1000", e.getMessage());

        List<TransactionReceipt.Log> bothPaid = new ArrayList<>(oneSplitPaid);
        bothPaid.add(log(token, TransferVerifier.TRANSFER_TOPIC, payer, partner, 1_000, null));
        assertEquals(payer, TransferVerifier.verify(new TransactionReceipt("0x1", "0x1", payer, bothPaid), expected));

        // a split paid by someone else than the wallet's payer does not count for this buyer
        List<TransactionReceipt.Log> thirdParty = new ArrayList<>(oneSplitPaid);
        thirdParty.add(log(token, TransferVerifier.TRANSFER_TOPIC, partner, partner, 1_000, null));
        e = assertThrows(PaymentRejectedException.class,
                () -> TransferVerifier.verify(new TransactionReceipt("0x1", "0x1", payer, thirdParty), expected));
        assertEquals("split transfer to " + partner + " was not sent by the payer " + payer, e.getMessage());
    }

    private static TransactionReceipt.Log log(String token, String topic, String from, String to, long amount,
            String memo) {
        List<String> topics = new ArrayList<>(List.of(topic, word(from), word(to)));
        if (memo != null) {
            topics.add(memo);
        }
        return new TransactionReceipt.Log(token, topics, "0x" + String.format("%064x", amount));
    }

    private static String word(String address) {
        return "0x" + "0".repeat(24) + address.substring(2);
    }

    private static ExpectedPayment expected(String currency, String recipient, long amount, String realm,
            String challengeId) {
        return new ExpectedPayment(currency, recipient, new PaymentTerms(amount, null, List.of()),
                realm, challengeId, null);
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
