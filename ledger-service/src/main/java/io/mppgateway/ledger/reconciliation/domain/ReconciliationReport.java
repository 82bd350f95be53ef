package io.mppgateway.ledger.reconciliation.domain;

import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The ledger against the chain for [from, to): each charge re-checked by its receipt, and per UTC day and recipient
 * the ledger total against the TIP-20 transfers the chain shows. Amounts in base units.
 */
public record ReconciliationReport(Instant from, Instant to, List<String> recipients, Summary summary,
        List<ChargeCheck> matched, List<ChargeCheck> ledgerOnly, List<ChainOnly> chainOnly,
        List<ChargeCheck> amountMismatches, List<DayTotal> days) {

    public record Summary(int chargesChecked, int matched, int ledgerOnly, int chainOnly, int amountMismatches,
            int daysWithDifference) {
    }

    /**
     * One charge and what the chain says about its tx. ledgerAmount is what the recipient should have received (the
     * charge amount minus its splits), chainAmount the sum of the tx's transfers to the recipient (transfers that
     * are a split's are not counted); chargeAmount is the whole amount the buyer paid.
     */
    public record ChargeCheck(String chargeId, String challengeId, String txHash, String recipient, long ledgerAmount,
            BigInteger chainAmount, String detail, long chargeAmount, List<SplitCheck> splits) {
    }

    /**
     * One split of a charge: matched when the tx holds a transfer of the charge currency to the split recipient for
     * exactly the split amount; chainAmount is that transfer, or else what the tx transfers to that address (0 when
     * nothing).
     */
    public record SplitCheck(int position, String recipient, long ledgerAmount, BigInteger chainAmount,
            boolean matched) {
    }

    /** A transfer to a recipient that no charge of the ledger claims. */
    public record ChainOnly(String txHash, String token, String from, String to, BigInteger amount, long blockNumber,
            Instant timestamp) {
    }

    public record DayTotal(LocalDate day, String recipient, long ledgerTotal, BigInteger chainTotal,
            BigInteger difference, boolean matched) {
    }
}
