package io.mppgateway.ledger.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeSplit;
import io.mppgateway.ledger.charge.domain.ChargeStatus;
import io.mppgateway.ledger.journal.domain.JournalEntry;
import io.mppgateway.ledger.journal.domain.Posting;

class JournalEntriesTest {
    private static final String WALLET = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

    private static Charge charge(long amount) {
        return new Charge("challenge", "charge", "mistral", "/mistral/ocr", "mistral.gateway.local", null, amount,
                "0x20c0000000000000000000000000000000000000", 1337, "0xtx", "0xpayer", WALLET, "push", null,
                ChargeStatus.SETTLED, Instant.parse("2026-11-21T10:00:00Z"), null, 0, 0);
    }

    @Test
    void aSettlementWithoutSplitsIsTheWholeAmountInTheWalletAsBefore() {
        JournalEntry e = JournalEntries.settlement(charge(10_000), List.of(), "event").requireBalanced();
        assertEquals(List.of(Posting.debit("assets:wallet:" + WALLET, 10_000),
                Posting.credit("liabilities:unearned:mistral", 10_000)), e.postings());
    }

    @Test
    void splitsAreExpensesOfTheChargeAndTheLiabilityIsTheWholeAmount() {
        List<ChargeSplit> splits = List.of(new ChargeSplit(0, "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", 1_500, null),
                new ChargeSplit(1, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", 500, "0x" + "00".repeat(32)));
        JournalEntry e = JournalEntries.settlement(charge(10_000), splits, "event").requireBalanced();
        assertEquals(List.of(Posting.debit("assets:wallet:" + WALLET, 8_000),
                Posting.debit("expenses:splits:0x15d34aaf54267db7d7c367839aaf71a00a2c6a65", 1_500),
                Posting.debit("expenses:splits:0x70997970c51812dc3a010c7d01b50e0d17dc79c8", 500),
                Posting.credit("liabilities:unearned:mistral", 10_000)), e.postings());
        assertEquals(10_000, e.totalDebit());
    }
}
