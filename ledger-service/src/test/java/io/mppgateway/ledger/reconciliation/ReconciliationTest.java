package io.mppgateway.ledger.reconciliation;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.mppgateway.ledger.ingest.messaging.LedgerEventConsumer;
import io.mppgateway.ledger.support.Chain;
import io.mppgateway.ledger.support.FinanceAuth;
import io.mppgateway.ledger.support.Ingest;
import io.mppgateway.ledger.support.TestEvents;
import io.mppgateway.ledger.support.TestEvents.Settled;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Real pathUSD transfers on the local chain to a fresh recipient, and charges in the ledger: one matches, one
 * claims more than was paid, one has no transaction on chain, and one transfer has no charge.
 */
@QuarkusTest
class ReconciliationTest {
    @Inject
    LedgerEventConsumer consumer;

    @BeforeEach
    void financeToken() {
        FinanceAuth.asFinance();
    }

    @Test
    void reportsMatchedLedgerOnlyChainOnlyAndAmountMismatches() {
        Instant start = Instant.now().minusSeconds(60);
        String recipient = TestEvents.address();
        String payer = Chain.DEV_ACCOUNT_5;

        String paidTx = Chain.transferPathUsd(payer, recipient, 7_000);
        String underpaidTx = Chain.transferPathUsd(payer, recipient, 5_000);
        String strayTx = Chain.transferPathUsd(payer, recipient, 3_000);
        String missingTx = TestEvents.txHash();

        Settled matched = settle(recipient, payer, paidTx, 7_000);
        Settled mismatched = settle(recipient, payer, underpaidTx, 6_000);
        Settled ledgerOnly = settle(recipient, payer, missingTx, 4_000);
        Instant end = Instant.now().plusSeconds(60);

        JsonPath r = given().queryParam("from", start.toString()).queryParam("to", end.toString())
                .queryParam("recipient", recipient).get("/ledger/reconciliation").then().statusCode(200)
                .extract().jsonPath();

        assertEquals(3, r.getInt("summary.chargesChecked"));
        assertEquals(1, r.getInt("summary.matched"));
        assertEquals(1, r.getInt("summary.ledgerOnly"));
        assertEquals(1, r.getInt("summary.chainOnly"));
        assertEquals(1, r.getInt("summary.amountMismatches"));

        assertEquals(matched.chargeId(), r.getString("matched[0].chargeId"));
        assertEquals(paidTx, r.getString("matched[0].txHash"));
        assertEquals(7_000L, r.getLong("matched[0].chainAmount"));

        assertEquals(ledgerOnly.chargeId(), r.getString("ledgerOnly[0].chargeId"));
        assertEquals(missingTx, r.getString("ledgerOnly[0].txHash"));
        assertEquals(4_000L, r.getLong("ledgerOnly[0].ledgerAmount"));
        assertEquals("no such transaction on chain", r.getString("ledgerOnly[0].detail"));

        assertEquals(mismatched.chargeId(), r.getString("amountMismatches[0].chargeId"));
        assertEquals(6_000L, r.getLong("amountMismatches[0].ledgerAmount"));
        assertEquals(5_000L, r.getLong("amountMismatches[0].chainAmount"));

        assertEquals(strayTx, r.getString("chainOnly[0].txHash"));
        assertEquals(3_000L, r.getLong("chainOnly[0].amount"));
        assertEquals(payer, r.getString("chainOnly[0].from"));
        assertEquals(recipient, r.getString("chainOnly[0].to"));

        // daily totals: ledger 7000 + 6000 + 4000, chain 7000 + 5000 + 3000 (one day, or two around midnight)
        List<Map<String, Object>> days = r.getList("days");
        assertFalse(days.isEmpty());
        assertEquals(17_000L, days.stream().mapToLong(d -> ((Number) d.get("ledgerTotal")).longValue()).sum());
        assertEquals(15_000L, days.stream().mapToLong(d -> ((Number) d.get("chainTotal")).longValue()).sum());
        assertEquals(true, days.stream().anyMatch(d -> !(Boolean) d.get("matched")));
        assertEquals(List.of(recipient), r.getList("recipients"));
    }

    @Test
    void aRangeWithoutChargesOrTransfersIsClean() {
        String recipient = TestEvents.address();
        Instant end = Instant.now();
        JsonPath r = given().queryParam("from", end.minus(1, ChronoUnit.HOURS).toString())
                .queryParam("to", end.toString()).queryParam("recipient", recipient)
                .get("/ledger/reconciliation").then().statusCode(200).extract().jsonPath();
        assertEquals(0, r.getInt("summary.chargesChecked"));
        assertEquals(0, r.getInt("summary.chainOnly"));
        assertEquals(0, r.getList("days").size());

        // without a recipient: the recipients of the range's charges (none here) and the configured ones (none)
        JsonPath all = given().queryParam("from", "1971-01-01T00:00:00Z").queryParam("to", "1971-01-02T00:00:00Z")
                .get("/ledger/reconciliation").then().statusCode(200).extract().jsonPath();
        assertEquals(0, all.getInt("summary.chargesChecked"));
        assertEquals(List.of(), all.getList("recipients"));
    }

    @Test
    void badRangesAre400() {
        given().queryParam("from", "2026-01-02T00:00:00Z").queryParam("to", "2026-01-01T00:00:00Z")
                .get("/ledger/reconciliation").then().statusCode(400);
        given().queryParam("from", "2026-01-01T00:00:00Z").queryParam("to", "2026-03-01T00:00:00Z")
                .get("/ledger/reconciliation").then().statusCode(400);
        given().queryParam("from", "2026-01-01T00:00:00Z").queryParam("to", "2026-01-02T00:00:00Z")
                .queryParam("recipient", "nobody").get("/ledger/reconciliation").then().statusCode(400);
    }

    private Settled settle(String recipient, String payer, String txHash, long amount) {
        Settled s = TestEvents.settled().with("recipient", recipient).with("payer", payer).with("txHash", txHash)
                .with("amount", amount).with("settledAt", Instant.now());
        Ingest.book(consumer, s);
        return s;
    }
}
