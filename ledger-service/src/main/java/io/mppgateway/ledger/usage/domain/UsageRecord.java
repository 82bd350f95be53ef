package io.mppgateway.ledger.usage.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.events.UsageRecorded;

/** One {@code usage.recorded} event as stored; {@code applied} once it has been booked against its charge. */
public record UsageRecord(
        String eventId,
        String challengeId,
        String chargeId,
        String provider,
        String route,
        String model,
        UsageOutcome outcome,
        long promptTokens,
        long completionTokens,
        long totalTokens,
        long reasoningTokens,
        long cachedTokens,
        long units, // pages read (OCR)
        int upstreamStatus,
        long latencyMs,
        long upstreamCostEstimate, // the event's upstreamCost
        Instant recordedAt,
        boolean applied) {

    /** As received; recordedAt at the database's precision (microseconds). */
    public static UsageRecord pending(UsageRecorded e) {
        return new UsageRecord(e.eventId(), e.challengeId(), e.chargeId(), e.provider(), e.route(), e.model(),
                e.outcome(), e.promptTokens(), e.completionTokens(), e.totalTokens(), e.reasoningTokens(),
                e.cachedTokens(), e.pages(), e.upstreamStatus(), e.latencyMs(), e.upstreamCost(),
                e.recordedAt().truncatedTo(ChronoUnit.MICROS), false);
    }

    public UsageRecord withApplied(boolean value) {
        return new UsageRecord(eventId, challengeId, chargeId, provider, route, model, outcome, promptTokens,
                completionTokens, totalTokens, reasoningTokens, cachedTokens, units, upstreamStatus, latencyMs,
                upstreamCostEstimate, recordedAt, value);
    }

    /** Whether the buyer got the service (and the charge therefore becomes revenue). */
    public boolean delivered() {
        return outcome == UsageOutcome.FULFILLED || outcome == UsageOutcome.REDEEMED;
    }
}
