package io.mppgateway.ledger.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.mppgateway.contracts.Topics;
import io.mppgateway.ledger.support.FinanceAuth;
import io.mppgateway.ledger.support.Kafka;
import io.mppgateway.ledger.support.LedgerDb;
import io.mppgateway.ledger.support.TestEvents;
import io.mppgateway.ledger.support.TestEvents.Settled;
import io.mppgateway.ledger.support.TestEvents.Usage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Events produced to the real Kafka broker, booked into the real PostgreSQL ledger, read back over the API. */
@QuarkusTest
class LedgerIngestFlowTest {
    @org.junit.jupiter.api.BeforeEach
    void financeToken() {
        FinanceAuth.asFinance();
    }

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    DataSource dataSource;

    @Test
    void settlementThenFulfilledUsageEarnsRevenueWithExactTokens() {
        String model = "mistral-small-" + TestEvents.suffix();
        Settled settled = TestEvents.settled().with("amount", 12_345L);
        Usage usage = TestEvents.usage(settled, "FULFILLED").with("model", model)
                .tokens(120, 80, 200, 7, 30).with("upstreamStatus", 200).with("latencyMs", 842L);

        Kafka.send(settled);
        awaitStatus(settled.challengeId(), "settled");
        Kafka.send(usage);
        JsonPath charge = awaitStatus(settled.challengeId(), "fulfilled");

        assertEquals(settled.chargeId(), charge.getString("chargeId"));
        assertEquals(12_345L, charge.getLong("amount"));
        assertEquals(model, charge.getString("model"));
        assertEquals(settled.txHashValue(), charge.getString("txHash"));
        assertEquals(settled.recipient(), charge.getString("recipient"));
        assertEquals("push", charge.getString("mode"));
        assertEquals(1337L, charge.getLong("chainId"));

        assertEquals(1, charge.getList("usage").size());
        assertEquals("FULFILLED", charge.getString("usage[0].outcome"));
        assertEquals(model, charge.getString("usage[0].model"));
        assertEquals(120L, charge.getLong("usage[0].promptTokens"));
        assertEquals(80L, charge.getLong("usage[0].completionTokens"));
        assertEquals(200L, charge.getLong("usage[0].totalTokens"));
        assertEquals(7L, charge.getLong("usage[0].reasoningTokens"));
        assertEquals(30L, charge.getLong("usage[0].cachedTokens"));
        assertEquals(200, charge.getInt("usage[0].upstreamStatus"));
        assertEquals(842L, charge.getLong("usage[0].latencyMs"));

        String wallet = "assets:wallet:" + settled.recipient();
        assertEquals(2, charge.getList("journal").size());
        assertJournal(charge, 0, "settlement", wallet, "liabilities:unearned:mistral", 12_345L);
        assertJournal(charge, 1, "delivery", "liabilities:unearned:mistral", "revenue:mistral:" + model, 12_345L);

        // the charge id finds the same charge
        given().get("/ledger/charges/" + settled.chargeId()).then().statusCode(200)
                .body("challengeId", is(settled.challengeId()));

        Map<String, Long> balances = balances();
        assertEquals(12_345L, balances.get(wallet));
        assertEquals(-12_345L, balances.get("revenue:mistral:" + model));
    }

    @Test
    void theSameSettlementDeliveredTwiceIsBookedOnce() {
        Settled settled = TestEvents.settled().with("amount", 8_000L);
        Kafka.send(settled);
        Kafka.send(settled); // Kafka redelivery: same event id
        Settled republished = settled.withNewEventId(); // same fact, new event id
        String republishedId = republished.eventId();
        Kafka.send(republished);

        // the republished event was produced last on the same partition (same key): once it is processed, all are
        await().atMost(WAIT).until(() -> LedgerDb.count(dataSource,
                "SELECT count(*) FROM processed_events WHERE event_id = ?", republishedId) == 1);

        assertEquals(1, LedgerDb.count(dataSource, "SELECT count(*) FROM charges WHERE challenge_id = ?",
                settled.challengeId()));
        assertEquals(1, LedgerDb.count(dataSource,
                "SELECT count(*) FROM journal_transactions WHERE challenge_id = ? AND kind = 'settlement'",
                settled.challengeId()));
        JsonPath charge = given().get("/ledger/charges/" + settled.challengeId()).then().statusCode(200)
                .extract().jsonPath();
        assertEquals("settled", charge.getString("status"));
        assertEquals(1, charge.getList("journal").size());
        assertJournal(charge, 0, "settlement", "assets:wallet:" + settled.recipient(), "liabilities:unearned:mistral",
                8_000L);
        assertEquals(8_000L, balances().get("assets:wallet:" + settled.recipient()));
    }

    @Test
    void usageArrivingBeforeItsSettlementIsAppliedWhenTheSettlementArrives() {
        String model = "grok-4-" + TestEvents.suffix();
        Settled settled = TestEvents.settled().with("provider", "grok").with("route", "/grok/chat")
                .with("realm", "grok.gateway.local").with("amount", 25_000L);
        Usage usage = TestEvents.usage(settled, "FULFILLED").with("model", model).tokens(1000, 500, 1500, 0, 0);

        Kafka.send(usage);
        await().atMost(WAIT).until(() -> LedgerDb.count(dataSource,
                "SELECT count(*) FROM usage_records WHERE event_id = ? AND NOT applied", usage.eventId()) == 1);
        given().get("/ledger/charges/" + settled.challengeId()).then().statusCode(404);

        Kafka.send(settled);
        JsonPath charge = awaitStatus(settled.challengeId(), "fulfilled");

        assertEquals(1, LedgerDb.count(dataSource,
                "SELECT count(*) FROM usage_records WHERE event_id = ? AND applied", usage.eventId()));
        assertEquals(1500L, charge.getLong("usage[0].totalTokens"));
        assertEquals(2, charge.getList("journal").size());
        assertJournal(charge, 0, "settlement", "assets:wallet:" + settled.recipient(), "liabilities:unearned:grok",
                25_000L);
        assertJournal(charge, 1, "delivery", "liabilities:unearned:grok", "revenue:grok:" + model, 25_000L);
    }

    @Test
    void upstreamFailureLeavesTheChargeUnfulfilledWithoutRevenue() {
        Settled settled = TestEvents.settled().with("amount", 9_000L);
        Usage failed = TestEvents.usage(settled, "UPSTREAM_FAILED").with("upstreamStatus", 502).with("latencyMs", 30_000L);

        Kafka.send(settled);
        Kafka.send(failed);
        JsonPath charge = awaitStatus(settled.challengeId(), "unfulfilled");

        assertEquals(1, charge.getList("usage").size());
        assertEquals("UPSTREAM_FAILED", charge.getString("usage[0].outcome"));
        assertEquals(502, charge.getInt("usage[0].upstreamStatus"));
        assertEquals(1, charge.getList("journal").size());
        assertEquals("settlement", charge.getString("journal[0].kind"));
        List<String> accounts = charge.getList("journal.postings.flatten().account");
        assertFalse(accounts.stream().anyMatch(a -> a.startsWith("revenue:")), accounts::toString);
        assertEquals(0, LedgerDb.count(dataSource, """
                SELECT count(*) FROM postings p JOIN journal_transactions t ON t.id = p.journal_transaction_id
                WHERE t.challenge_id = ? AND p.account LIKE 'revenue:%'""", settled.challengeId()));
    }

    @Test
    void aRedeemedCallEarnsRevenueAndBooksTheUpstreamCostEstimate() {
        Settled settled = TestEvents.settled().with("amount", 40_000L);
        Usage gone = TestEvents.usage(settled, "CLIENT_GONE").with("upstreamStatus", 200);
        Usage redeemed = TestEvents.usage(settled, "REDEEMED").tokens(300, 200, 500, 0, 100)
                .with("upstreamCost", 1_800L);

        Kafka.send(settled);
        Kafka.send(gone);
        awaitStatus(settled.challengeId(), "unfulfilled");
        Kafka.send(redeemed);
        JsonPath charge = awaitStatus(settled.challengeId(), "fulfilled");

        assertEquals(2, charge.getList("usage").size());
        assertEquals(3, charge.getList("journal").size());
        assertJournal(charge, 0, "settlement", "assets:wallet:" + settled.recipient(), "liabilities:unearned:mistral",
                40_000L);
        assertJournal(charge, 1, "delivery", "liabilities:unearned:mistral", "revenue:mistral:mistral-small-latest",
                40_000L);
        assertJournal(charge, 2, "upstream_cost", "expenses:upstream:mistral", "liabilities:upstream-payable:mistral",
                1_800L);
    }

    @Test
    void aRefundReversesTheLiabilityAgainstTheWallet() {
        Settled settled = TestEvents.settled().with("amount", 15_000L);
        Kafka.send(settled);
        Kafka.send(TestEvents.usage(settled, "UPSTREAM_FAILED").with("upstreamStatus", 503));
        awaitStatus(settled.challengeId(), "unfulfilled");
        Kafka.send(TestEvents.refunded(settled, 15_000L));
        JsonPath charge = awaitStatus(settled.challengeId(), "refunded");

        String wallet = "assets:wallet:" + settled.recipient();
        assertEquals(2, charge.getList("journal").size());
        assertJournal(charge, 1, "refund", "liabilities:unearned:mistral", wallet, 15_000L);
        assertEquals(0L, balances().get(wallet));
    }

    @Test
    void aRefundArrivingBeforeItsSettlementIsAppliedWhenTheSettlementArrives() {
        Settled settled = TestEvents.settled().with("amount", 6_000L);
        TestEvents.Refunded refund = TestEvents.refunded(settled, 6_000L);
        Kafka.send(refund);
        await().atMost(WAIT).until(() -> LedgerDb.count(dataSource,
                "SELECT count(*) FROM refunds WHERE event_id = ? AND NOT applied", refund.eventId()) == 1);

        Kafka.send(settled);
        JsonPath charge = awaitStatus(settled.challengeId(), "refunded");
        assertJournal(charge, 0, "settlement", "assets:wallet:" + settled.recipient(), "liabilities:unearned:mistral",
                6_000L);
        assertJournal(charge, 1, "refund", "liabilities:unearned:mistral", "assets:wallet:" + settled.recipient(),
                6_000L);
    }

    @Test
    void malformedEventsAreKeptAsRejectedAndDoNotStopTheConsumer() {
        String badKey = TestEvents.challengeId();
        Kafka.send(Topics.USAGE_RECORDED, badKey, "{not json");
        Settled fractional = TestEvents.settled();
        String fractionalJson = fractional.json().replace("\"amount\":10000", "\"amount\":100.5");
        Kafka.send(Topics.PAYMENTS_SETTLED, fractional.challengeId(), fractionalJson);

        await().atMost(WAIT).until(() -> LedgerDb.count(dataSource,
                "SELECT count(*) FROM rejected_events WHERE message_key IN (?, ?)", badKey,
                fractional.challengeId()) == 2);
        String reason = LedgerDb.string(dataSource, "SELECT reason FROM rejected_events WHERE message_key = ?",
                fractional.challengeId());
        assertTrue(reason.contains("amount") || reason.contains("100.5"), reason);
        given().get("/ledger/charges/" + fractional.challengeId()).then().statusCode(404);

        // both channels keep consuming after a rejection
        Settled next = TestEvents.settled();
        Kafka.send(next);
        Kafka.send(TestEvents.usage(next, "FULFILLED"));
        awaitStatus(next.challengeId(), "fulfilled");
        assertNull(LedgerDb.string(dataSource, "SELECT reason FROM rejected_events WHERE message_key = ?",
                next.challengeId()));
    }

    private static JsonPath awaitStatus(String challengeId, String status) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> given()
                .get("/ledger/charges/" + challengeId).then().statusCode(200).body("status", is(status)));
        return given().get("/ledger/charges/" + challengeId).then().statusCode(200).extract().jsonPath();
    }

    /** Journal transaction {@code index}: exactly one debit and one credit line of {@code amount}, balanced. */
    private static void assertJournal(JsonPath charge, int index, String kind, String debitAccount,
            String creditAccount, long amount) {
        String tx = "journal[" + index + "]";
        assertEquals(kind, charge.getString(tx + ".kind"));
        assertEquals(2, charge.getList(tx + ".postings").size(), tx + " postings");
        assertEquals(debitAccount, charge.getString(tx + ".postings[0].account"));
        assertEquals(amount, charge.getLong(tx + ".postings[0].debit"));
        assertEquals(0L, charge.getLong(tx + ".postings[0].credit"));
        assertEquals(creditAccount, charge.getString(tx + ".postings[1].account"));
        assertEquals(0L, charge.getLong(tx + ".postings[1].debit"));
        assertEquals(amount, charge.getLong(tx + ".postings[1].credit"));
        long debits = charge.<Number>getList(tx + ".postings.debit").stream().mapToLong(Number::longValue).sum();
        long credits = charge.<Number>getList(tx + ".postings.credit").stream().mapToLong(Number::longValue).sum();
        assertEquals(debits, credits, tx + " balances");
    }

    private static Map<String, Long> balances() {
        List<Map<String, Object>> rows = given().get("/ledger/balances").then().statusCode(200)
                .extract().jsonPath().getList("$");
        return rows.stream().collect(java.util.stream.Collectors.toMap(r -> (String) r.get("account"),
                r -> ((Number) r.get("balance")).longValue()));
    }
}
