package io.mppgateway.ledger.journal.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class JournalEntryTest {

    private static JournalEntry entry(Posting... postings) {
        return new JournalEntry(JournalKind.SETTLEMENT, "challenge", "event", Instant.EPOCH, "test", List.of(postings));
    }

    @Test
    void aBalancedEntryPasses() {
        JournalEntry entry = entry(Posting.debit("assets:wallet:0xabc", 10_000), Posting.credit("revenue:x:y", 7_000),
                Posting.credit("liabilities:unearned:x", 3_000));
        assertSame(entry, entry.requireBalanced());
        assertEquals(10_000, entry.totalDebit());
        assertEquals(10_000, entry.totalCredit());
    }

    @Test
    void debitsThatDoNotEqualCreditsAreRefused() {
        JournalEntry entry = entry(Posting.debit("assets:wallet:0xabc", 10_000),
                Posting.credit("liabilities:unearned:mistral", 9_999));
        UnbalancedJournalException e = assertThrows(UnbalancedJournalException.class, entry::requireBalanced);
        assertTrue(e.getMessage().contains("10000") && e.getMessage().contains("9999"), e.getMessage());
    }

    @Test
    void aOneSidedEntryIsRefused() {
        assertThrows(UnbalancedJournalException.class, () -> entry(Posting.debit("a", 5)).requireBalanced());
        assertThrows(UnbalancedJournalException.class, () -> entry().requireBalanced());
    }

    @Test
    void aPostingHasExactlyOnePositiveSide() {
        assertThrows(IllegalArgumentException.class, () -> new Posting("a", 5, 5));
        assertThrows(IllegalArgumentException.class, () -> new Posting("a", 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Posting("a", -5, 0));
        assertThrows(IllegalArgumentException.class, () -> new Posting("a", 0, -5));
        assertThrows(IllegalArgumentException.class, () -> Posting.debit(" ", 5));
    }

    @Test
    void overflowingTotalsFailInsteadOfWrapping() {
        JournalEntry entry = entry(Posting.debit("a", Long.MAX_VALUE), Posting.debit("b", 1), Posting.credit("c", 1));
        assertThrows(ArithmeticException.class, entry::requireBalanced);
    }
}
