package io.mppgateway.ledger.support;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.restassured.path.json.JsonPath;

/** The checks every ledger test ends with: the journal balances, and the rollups agree with it. */
public final class LedgerAssertions {
    private LedgerAssertions() {
    }

    /** Whole database: no unbalanced journal transaction, debits = credits, account_balances = sum of postings. */
    public static void journalBalancesAndRollupsAgree(DataSource ds) {
        assertEquals(0, LedgerDb.count(ds, """
                SELECT count(*) FROM (SELECT journal_transaction_id FROM postings GROUP BY journal_transaction_id
                                      HAVING SUM(debit) <> SUM(credit)) x"""), "unbalanced journal transactions");
        assertEquals(0, LedgerDb.count(ds, "SELECT COALESCE(SUM(debit) - SUM(credit), 0) FROM postings"),
                "total debits - credits");
        assertEquals(0, LedgerDb.count(ds, """
                SELECT count(*) FROM (SELECT account, SUM(debit) AS d, SUM(credit) AS c FROM postings GROUP BY account) p
                FULL JOIN account_balances b USING (account)
                WHERE p.d IS DISTINCT FROM b.debit OR p.c IS DISTINCT FROM b.credit"""),
                "account_balances rows that differ from the postings");
        assertEquals(0, LedgerDb.count(ds, "SELECT count(*) FROM journal_transactions t WHERE NOT EXISTS "
                + "(SELECT 1 FROM postings p WHERE p.journal_transaction_id = t.id)"), "journal transactions without postings");
        // split cost: the rollups hold exactly the split expenses of the journal, and so does charge_splits (one
        // statement, so one snapshot even while a consumer commits)
        String splits = LedgerDb.string(ds, """
                SELECT concat_ws(' ',
                    (SELECT COALESCE(SUM(debit) - SUM(credit), 0) FROM postings WHERE account LIKE 'expenses:splits:%'),
                    (SELECT COALESCE(SUM(split_cost), 0) FROM report_daily),
                    (SELECT COALESCE(SUM(split_cost), 0) FROM report_daily_payer),
                    (SELECT COALESCE(SUM(amount), 0) FROM charge_splits))""");
        String journal = splits.split(" ")[0];
        assertEquals(String.join(" ", journal, journal, journal, journal), splits,
                "split expenses in the journal, report_daily, report_daily_payer and charge_splits");
        // upstream cost: the journal's expenses, both rollups, the booked usage and the charges' totals agree
        String costs = LedgerDb.string(ds, """
                SELECT concat_ws(' ',
                    (SELECT COALESCE(SUM(debit) - SUM(credit), 0) FROM postings WHERE account LIKE 'expenses:upstream:%'),
                    (SELECT COALESCE(SUM(upstream_cost), 0) FROM report_daily),
                    (SELECT COALESCE(SUM(upstream_cost), 0) FROM report_daily_payer),
                    (SELECT COALESCE(SUM(upstream_cost), 0) FROM usage_records WHERE applied),
                    (SELECT COALESCE(SUM(upstream_cost), 0) FROM charges))""");
        String expenses = costs.split(" ")[0];
        assertEquals(String.join(" ", expenses, expenses, expenses, expenses, expenses), costs,
                "upstream cost in the journal, report_daily, report_daily_payer, usage and charges");
    }

    /** The ledger's figures for one generated stream, exactly as the stream says. */
    public static void matchesStream(DataSource ds, EventStream stream, LocalDate day) {
        Map<String, Long> expected = stream.expectedBalances.entrySet().stream().filter(e -> e.getValue() != 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        // the journal of this stream's charges, account by account
        assertEquals(expected, LedgerDb.balances(ds, stream.challengeIds()), "journal of the stream");
        // the API's balances of the accounts that only this stream uses (its wallet, its models' revenue)
        Map<String, Long> own = expected.entrySet().stream().filter(e -> stream.isOwnAccount(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals(own, apiBalances(stream), "API balances of " + own.keySet());

        JsonPath report = given().queryParam("from", day.toString()).queryParam("to", day.plusDays(1).toString())
                .queryParam("provider", stream.provider).queryParam("groupBy", "provider").get("/ledger/reports")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(1, report.getList("rows").size());
        assertEquals(stream.calls, report.getLong("rows[0].calls"), "calls");
        assertEquals(stream.fulfilledCalls, report.getLong("rows[0].fulfilledCalls"), "fulfilled calls");
        assertEquals(stream.revenue, report.getLong("rows[0].revenue"), "revenue");
        assertEquals(stream.refunds, report.getLong("rows[0].refunds"), "refunds");
        assertEquals(stream.upstreamCost, report.getLong("rows[0].upstreamCost"), "upstream cost");
        assertEquals(stream.splitCost, report.getLong("rows[0].splitCost"), "split cost");
        assertEquals(stream.revenue - stream.upstreamCost - stream.splitCost, report.getLong("rows[0].margin"),
                "margin");
        assertEquals(stream.promptTokens, report.getLong("rows[0].promptTokens"), "prompt tokens");
        assertEquals(stream.completionTokens, report.getLong("rows[0].completionTokens"), "completion tokens");
        assertEquals(stream.totalTokens, report.getLong("rows[0].totalTokens"), "total tokens");
        assertEquals(stream.reasoningTokens, report.getLong("rows[0].reasoningTokens"), "reasoning tokens");
        assertEquals(stream.cachedTokens, report.getLong("rows[0].cachedTokens"), "cached tokens");
        assertEquals(stream.images, report.getLong("rows[0].images"), "images");
        assertEquals(stream.characters, report.getLong("rows[0].characters"), "characters");
        assertEquals(stream.pages, report.getLong("rows[0].pages"), "pages");
        assertEquals(stream.toolCalls, report.getLong("rows[0].toolCalls"), "tool calls");
        assertEquals(stream.quotedUpstreamCost, report.getLong("rows[0].quotedUpstreamCost"), "quoted upstream cost");
        assertEquals(stream.quotedUpstreamCost - stream.upstreamCost, report.getLong("rows[0].quoteSlack"), "quote slack");

        // the report's revenue per model is the journal's revenue per model
        JsonPath byModel = given().queryParam("from", day.toString()).queryParam("to", day.plusDays(1).toString())
                .queryParam("provider", stream.provider).queryParam("groupBy", "model").get("/ledger/reports")
                .then().statusCode(200).extract().jsonPath();
        Map<String, Long> revenueByModel = byModel.<Map<String, Object>>getList("rows").stream()
                .filter(r -> ((Number) r.get("revenue")).longValue() != 0)
                .collect(Collectors.toMap(r -> "revenue:" + stream.provider + ":" + r.get("model"),
                        r -> ((Number) r.get("revenue")).longValue()));
        assertEquals(stream.revenueByModel, revenueByModel, "revenue by model");

        for (Map.Entry<String, String> e : stream.expectedStatus.entrySet()) {
            assertEquals(e.getValue(), LedgerDb.string(ds, "SELECT status FROM charges WHERE challenge_id = ?",
                    e.getKey()), "status of " + e.getKey());
            assertEquals(stream.chargeUpstreamCost.getOrDefault(e.getKey(), 0L), LedgerDb.count(ds,
                    "SELECT upstream_cost FROM charges WHERE challenge_id = ?", e.getKey()),
                    "upstream cost of " + e.getKey());
        }
    }

    private static Map<String, Long> apiBalances(EventStream stream) {
        List<Map<String, Object>> rows = given().get("/ledger/balances").then().statusCode(200)
                .extract().jsonPath().getList("$");
        return rows.stream()
                .filter(r -> stream.isOwnAccount((String) r.get("account")))
                .filter(r -> ((Number) r.get("balance")).longValue() != 0)
                .collect(Collectors.toMap(r -> (String) r.get("account"), r -> ((Number) r.get("balance")).longValue()));
    }
}
