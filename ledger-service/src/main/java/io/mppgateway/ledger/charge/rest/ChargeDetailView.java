package io.mppgateway.ledger.charge.rest;

import java.time.Instant;
import java.util.List;

import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeSplit;
import io.mppgateway.ledger.charge.service.ChargeDetail;
import io.mppgateway.ledger.journal.domain.JournalTransaction;
import io.mppgateway.ledger.journal.domain.Posting;
import io.mppgateway.ledger.refund.domain.Refund;
import io.mppgateway.ledger.usage.domain.UsageRecord;

/**
 * One charge with its splits, its usage (one entry per delivery attempt), its refunds and its journal transactions.
 * {@code walletAmount} is what the recipient received: the amount minus the splits, which the buyer paid straight to
 * their recipients; {@code upstreamCost} what its attempts cost upstream, {@code quotedUpstreamCost} the worst case its
 * price was computed from.
 */
public record ChargeDetailView(
        String chargeId,
        String challengeId,
        String provider,
        String route,
        String realm,
        String model,
        long amount,
        long walletAmount,
        String currency,
        long chainId,
        String txHash,
        String payer,
        String recipient,
        String mode,
        String status,
        Instant settledAt,
        long upstreamCost,
        long quotedUpstreamCost,
        List<SplitView> splits,
        List<UsageView> usage,
        List<RefundView> refunds,
        List<JournalTransactionView> journal) {

    /** One split, in the order of the settlement event; memo null when the transfer could carry any. */
    public record SplitView(String recipient, long amount, String memo) {

        static SplitView of(ChargeSplit s) {
            return new SplitView(s.recipient(), s.amount(), s.memo());
        }
    }

    /**
     * One delivery attempt. {@code units} is the former name of {@code pages} (OCR), kept for existing readers;
     * costs in base units, {@code costInUsdTicks} xAI's own figure (10^-10 USD) when it sent one.
     */
    public record UsageView(String eventId, String outcome, boolean delivered, String model, long promptTokens,
            long completionTokens, long totalTokens, long reasoningTokens, long cachedTokens, long images,
            long characters, long pages, long toolCalls, long units, int upstreamStatus, long latencyMs,
            long upstreamCost, long quotedUpstreamCost, Long costInUsdTicks, Instant recordedAt) {

        static UsageView of(UsageRecord u) {
            return new UsageView(u.eventId(), u.outcome().name(), u.delivered(), u.model(), u.promptTokens(),
                    u.completionTokens(), u.totalTokens(), u.reasoningTokens(), u.cachedTokens(), u.images(),
                    u.characters(), u.pages(), u.toolCalls(), u.pages(), u.upstreamStatus(), u.latencyMs(),
                    u.upstreamCost(), u.quotedUpstreamCost(), u.costInUsdTicks(), u.recordedAt());
        }
    }

    /** An on-chain refund of the charge (amount in base units, its tx, why). */
    public record RefundView(String eventId, String refundTxHash, long amount, String reason, Instant refundedAt) {

        static RefundView of(Refund r) {
            return new RefundView(r.eventId(), r.refundTxHash(), r.amount(), r.reason(), r.refundedAt());
        }
    }

    public record JournalTransactionView(long id, String kind, Instant postedAt, String description,
            List<PostingView> postings) {

        static JournalTransactionView of(JournalTransaction t) {
            return new JournalTransactionView(t.id(), t.kind().dbValue(), t.postedAt(), t.description(),
                    t.postings().stream().map(PostingView::of).toList());
        }
    }

    public record PostingView(String account, long debit, long credit) {
        static PostingView of(Posting p) {
            return new PostingView(p.account(), p.debit(), p.credit());
        }
    }

    static ChargeDetailView of(ChargeDetail detail) {
        Charge c = detail.charge();
        return new ChargeDetailView(c.chargeId(), c.challengeId(), c.provider(), c.route(), c.realm(), c.model(),
                c.amount(), detail.walletAmount(), c.currency(), c.chainId(), c.txHash(), c.payer(), c.recipient(),
                c.mode(), c.status().dbValue(), c.settledAt(), c.upstreamCost(), c.quotedUpstreamCost(),
                detail.splits().stream().map(SplitView::of).toList(),
                detail.usage().stream().map(UsageView::of).toList(),
                detail.refunds().stream().map(RefundView::of).toList(),
                detail.journal().stream().map(JournalTransactionView::of).toList());
    }
}
