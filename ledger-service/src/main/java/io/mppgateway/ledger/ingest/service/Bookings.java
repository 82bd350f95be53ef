package io.mppgateway.ledger.ingest.service;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;

import io.mppgateway.ledger.journal.domain.JournalEntry;
import io.mppgateway.ledger.journal.domain.Posting;
import io.mppgateway.ledger.report.domain.ReportFigures;
import io.mppgateway.ledger.report.domain.RollupKey;

/**
 * What one event transaction adds to the derived tables (account balances, report rollups). Collected while
 * posting and written once at the end, in key order: concurrent transactions then lock the shared rows in the same
 * order and cannot deadlock on them.
 */
public final class Bookings {
    private final Map<String, long[]> balances = new TreeMap<>();
    private final Map<RollupKey, ReportFigures> byModel = new TreeMap<>();
    private final Map<RollupKey, ReportFigures> byPayer = new TreeMap<>();

    void posted(JournalEntry entry) {
        for (Posting p : entry.postings()) {
            long[] t = balances.computeIfAbsent(p.account(), a -> new long[2]);
            t[0] = Math.addExact(t[0], p.debit());
            t[1] = Math.addExact(t[1], p.credit());
        }
    }

    void figures(Instant occurredAt, String provider, String model, String payer, ReportFigures figures) {
        LocalDate day = LocalDate.ofInstant(occurredAt, ZoneOffset.UTC);
        byModel.merge(new RollupKey(day, provider, model == null ? "" : model), figures, ReportFigures::plus);
        byPayer.merge(new RollupKey(day, provider, payer), figures, ReportFigures::plus);
    }

    /**
     * Moves a charge's split cost, booked at settlement under no model, to the model that became known later
     * (by-model rollups only: the payer rollups have no model), on the day it was booked.
     */
    void attributeSplitCost(Instant bookedAt, String provider, String model, long splitCost) {
        LocalDate day = LocalDate.ofInstant(bookedAt, ZoneOffset.UTC);
        byModel.merge(new RollupKey(day, provider, ""), ReportFigures.splitCost(-splitCost), ReportFigures::plus);
        byModel.merge(new RollupKey(day, provider, model), ReportFigures.splitCost(splitCost), ReportFigures::plus);
    }

    /** Account -> {debit, credit}, sorted by account. */
    public Map<String, long[]> balances() {
        return balances;
    }

    public Map<RollupKey, ReportFigures> byModel() {
        return byModel;
    }

    public Map<RollupKey, ReportFigures> byPayer() {
        return byPayer;
    }
}
