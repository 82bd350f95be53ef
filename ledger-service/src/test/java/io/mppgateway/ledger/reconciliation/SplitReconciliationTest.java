package io.mppgateway.ledger.reconciliation;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mppgateway.ledger.ingest.messaging.LedgerEventConsumer;
import io.mppgateway.ledger.support.Chain;
import io.mppgateway.ledger.support.Chain.Payment;
import io.mppgateway.ledger.support.Chain.Transfer;
import io.mppgateway.ledger.support.FinanceAuth;
import io.mppgateway.ledger.support.Ingest;
import io.mppgateway.ledger.support.TestEvents;
import io.mppgateway.ledger.support.TestEvents.Settled;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Charges with splits against real Tempo transactions on the local chain: each buyer pays the recipient and the
 * partner in ONE transaction with two transfer calls (as an MPP client does). The recipient must have received the
 * amount minus the splits, and every split must be a transfer of exactly its amount to its recipient.
 */
@QuarkusTest
class SplitReconciliationTest {
    @Inject
    LedgerEventConsumer consumer;

    @BeforeEach
    void financeToken() {
        FinanceAuth.asFinance();
    }

    @Test
    void splitsPaidInTheSameTransactionMatchAndMissingOrDifferentSplitsAreMismatches() {
        Instant start = Instant.now().minusSeconds(60);
        String recipient = TestEvents.address();
        String partner = TestEvents.address();
        // the event may carry a checksum-cased address; the chain's logs are lower-case
        String partnerChecksummed = "0x" + partner.substring(2).toUpperCase();

        Payment paid = Chain.payPathUsdInOneTransaction(new Transfer(recipient, 7_000), new Transfer(partner, 3_000));
        Payment splitMissing = Chain.payPathUsdInOneTransaction(new Transfer(recipient, 7_000));
        Payment splitShort = Chain.payPathUsdInOneTransaction(new Transfer(recipient, 6_000),
                new Transfer(partner, 2_500));
        Payment primaryShort = Chain.payPathUsdInOneTransaction(new Transfer(recipient, 5_000),
                new Transfer(partner, 3_000));

        Settled matched = settle(recipient, paid, 10_000, partnerChecksummed, 3_000);
        Settled missing = settle(recipient, splitMissing, 10_000, partner, 3_000);
        Settled wrongSplit = settle(recipient, splitShort, 9_000, partner, 3_000);
        Settled wrongPrimary = settle(recipient, primaryShort, 10_000, partner, 3_000);
        Instant end = Instant.now().plusSeconds(60);

        JsonPath r = given().queryParam("from", start.toString()).queryParam("to", end.toString())
                .queryParam("recipient", recipient).get("/ledger/reconciliation").then().statusCode(200)
                .extract().jsonPath();

        assertEquals(4, r.getInt("summary.chargesChecked"));
        assertEquals(1, r.getInt("summary.matched"));
        assertEquals(0, r.getInt("summary.ledgerOnly"));
        assertEquals(0, r.getInt("summary.chainOnly"));
        assertEquals(3, r.getInt("summary.amountMismatches"));

        // recipient got amount - splits, the partner its split: matched
        assertEquals(matched.chargeId(), r.getString("matched[0].chargeId"));
        assertEquals(paid.txHash(), r.getString("matched[0].txHash"));
        assertEquals(10_000L, r.getLong("matched[0].chargeAmount"));
        assertEquals(7_000L, r.getLong("matched[0].ledgerAmount"));
        assertEquals(7_000L, r.getLong("matched[0].chainAmount"));
        assertEquals("matched", r.getString("matched[0].detail"));
        assertEquals(partner, r.getString("matched[0].splits[0].recipient"));
        assertEquals(3_000L, r.getLong("matched[0].splits[0].ledgerAmount"));
        assertEquals(3_000L, r.getLong("matched[0].splits[0].chainAmount"));
        assertEquals(true, r.getBoolean("matched[0].splits[0].matched"));

        Map<String, Map<String, Object>> mismatches = r.<Map<String, Object>>getList("amountMismatches").stream()
                .collect(java.util.stream.Collectors.toMap(m -> (String) m.get("chargeId"), m -> m));
        // the recipient's transfer is right, but the split is not in the transaction
        Map<String, Object> m = mismatches.get(missing.chargeId());
        assertEquals(7_000L, number(m.get("ledgerAmount")));
        assertEquals(7_000L, number(m.get("chainAmount")));
        assertEquals("split 0 to " + partner + " for 3000 is not in the transaction", m.get("detail"));
        assertEquals(false, split(m).get("matched"));
        assertEquals(0L, number(split(m).get("chainAmount")));
        // the split's transfer is for a different amount
        m = mismatches.get(wrongSplit.chargeId());
        assertEquals(6_000L, number(m.get("ledgerAmount")));
        assertEquals(6_000L, number(m.get("chainAmount")));
        assertEquals("split 0 to " + partner + " for 3000: the transaction transfers 2500 to the split recipient",
                m.get("detail"));
        assertEquals(2_500L, number(split(m).get("chainAmount")));
        // the split is there, the recipient got less than amount - splits
        m = mismatches.get(wrongPrimary.chargeId());
        assertEquals(7_000L, number(m.get("ledgerAmount")));
        assertEquals(5_000L, number(m.get("chainAmount")));
        assertEquals("chain amount differs from the ledger", m.get("detail"));
        assertEquals(true, split(m).get("matched"));

        // daily totals per recipient use what the charges left it: 7000 + 7000 + 6000 + 7000 in the ledger,
        // 7000 + 7000 + 6000 + 5000 on chain (the partner's transfers are not the recipient's)
        List<Map<String, Object>> days = r.getList("days");
        assertEquals(27_000L, days.stream().mapToLong(d -> number(d.get("ledgerTotal"))).sum());
        assertEquals(25_000L, days.stream().mapToLong(d -> number(d.get("chainTotal"))).sum());
        assertEquals(List.of(recipient), r.getList("recipients"));
    }

    @Test
    void aChargeWithAllItsSplitsPaidReconcilesCleanlyDayByDay() {
        Instant start = Instant.now().minusSeconds(60);
        String recipient = TestEvents.address();
        String partnerA = TestEvents.address();
        String partnerB = TestEvents.address();
        Payment tx = Chain.payPathUsdInOneTransaction(new Transfer(recipient, 8_000), new Transfer(partnerA, 1_500),
                new Transfer(partnerB, 500));
        Settled s = TestEvents.settled().with("recipient", recipient).with("payer", tx.payer())
                .with("txHash", tx.txHash()).with("amount", 10_000L).with("settledAt", Instant.now())
                .withSplit(partnerA, 1_500L, TestEvents.memo()).withSplit(partnerB, 500L, null);
        book(s);
        Instant end = Instant.now().plusSeconds(60);

        JsonPath r = given().queryParam("from", start.toString()).queryParam("to", end.toString())
                .queryParam("recipient", recipient).get("/ledger/reconciliation").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(1, r.getInt("summary.matched"));
        assertEquals(0, r.getInt("summary.amountMismatches"));
        assertEquals(0, r.getInt("summary.chainOnly"));
        assertEquals(List.of(true, true), r.getList("matched[0].splits.matched"));
        List<Map<String, Object>> days = r.getList("days");
        assertEquals(8_000L, days.stream().mapToLong(d -> number(d.get("ledgerTotal"))).sum());
        assertEquals(8_000L, days.stream().mapToLong(d -> number(d.get("chainTotal"))).sum());
    }

    private Settled settle(String recipient, Payment tx, long amount, String partner, long split) {
        Settled s = TestEvents.settled().with("recipient", recipient).with("payer", tx.payer())
                .with("txHash", tx.txHash()).with("amount", amount).with("settledAt", Instant.now())
                .withSplit(partner, split, null);
        book(s);
        return s;
    }

    private void book(Settled s) {
        Ingest.book(consumer, s);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> split(Map<String, Object> check) {
        return ((List<Map<String, Object>>) check.get("splits")).get(0);
    }

    private static long number(Object o) {
        return ((Number) o).longValue();
    }
}
