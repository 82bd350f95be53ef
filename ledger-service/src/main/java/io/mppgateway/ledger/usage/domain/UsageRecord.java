package io.mppgateway.ledger.usage.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.contracts.events.UsageRecorded;

/**
 * One {@code usage.recorded} event (one delivery attempt) as stored; {@code applied} once it has been booked against
 * its charge. Costs in base units of the charge currency.
 *
 * @param delivered          anything reached the buyer (a whole answer, or part of a stream): revenue is recognised
 *                           on the first delivered attempt of a charge
 * @param upstreamCost       what this attempt cost upstream (from the usage and the price table, or xAI's ticks)
 * @param quotedUpstreamCost the worst-case upstream cost the charge's price was computed from
 * @param costInUsdTicks     xAI's own figure (1 tick = 10^-10 USD), null when the upstream sent none
 */
public record UsageRecord(
        String eventId,
        String challengeId,
        String chargeId,
        String provider,
        String route,
        String model,
        UsageOutcome outcome,
        boolean delivered,
        long promptTokens,
        long completionTokens,
        long totalTokens,
        long reasoningTokens,
        long cachedTokens,
        long images,
        long characters,
        long pages,
        long toolCalls,
        int upstreamStatus,
        long latencyMs,
        long upstreamCost,
        long quotedUpstreamCost,
        Long costInUsdTicks,
        Instant recordedAt,
        boolean applied) {

    /**
     * As received. An event from before v2 has no {@code delivered}: FULFILLED and REDEEMED count as delivered then.
     * recordedAt at the database's precision (microseconds), so that stored and read back are equal.
     */
    public static UsageRecord pending(UsageRecorded e) {
        return new UsageRecord(e.eventId(), e.challengeId(), e.chargeId(), e.provider(), e.route(), e.model(),
                e.outcome(), e.deliveredToBuyer(), e.promptTokens(), e.completionTokens(), e.totalTokens(),
                e.reasoningTokens(), e.cachedTokens(), e.images(), e.characters(), e.pages(), e.toolCalls(),
                e.upstreamStatus(), e.latencyMs(), e.upstreamCost(), e.quotedUpstreamCost(), e.costInUsdTicks(),
                e.recordedAt().truncatedTo(ChronoUnit.MICROS), false);
    }

    public UsageRecord withApplied(boolean value) {
        return new UsageRecord(eventId, challengeId, chargeId, provider, route, model, outcome, delivered, promptTokens,
                completionTokens, totalTokens, reasoningTokens, cachedTokens, images, characters, pages, toolCalls,
                upstreamStatus, latencyMs, upstreamCost, quotedUpstreamCost, costInUsdTicks, recordedAt, value);
    }
}
