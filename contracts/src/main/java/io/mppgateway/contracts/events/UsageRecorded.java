package io.mppgateway.contracts.events;

import java.time.Instant;

/**
 * What a provider service delivered for a settled charge. Published on {@code usage.recorded}, keyed by challenge id.
 * One event per delivery attempt (the first use of a payment, or a redemption); {@code eventId} identifies the
 * attempt, so an event that is sent twice is booked once.
 *
 * @param delivered          whether anything reached the buyer: a whole answer, a stream whose upstream finished
 *                           (even if the buyer left before its end), or part of a stream. Null in events written
 *                           before this field existed: then FULFILLED and REDEEMED count as delivered.
 * @param images             images generated or edited
 * @param characters         characters synthesised (text to speech)
 * @param pages              document pages read (OCR)
 * @param toolCalls          server-side tool invocations the upstream billed (web search, X search, code execution)
 * @param upstreamCost       what this call cost upstream, in base units of the charge currency, from the actual usage
 *                           and the provider's price table (or xAI's {@code cost_in_usd_ticks} when present)
 * @param quotedUpstreamCost the worst-case upstream cost the charged amount was computed from, base units
 * @param costInUsdTicks     xAI's own cost figure for the call (1 tick = 10^-10 USD), when the upstream sent one
 * @param latencyMs          upstream latency in milliseconds
 */
public record UsageRecorded(
        String eventId,
        String chargeId,
        String challengeId,
        String provider,
        String route,
        String model,
        UsageOutcome outcome,
        Boolean delivered,
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
        Instant recordedAt) {

    /** Whether the buyer received something for this attempt (see {@link #delivered}). */
    public boolean deliveredToBuyer() {
        return delivered != null ? delivered : outcome == UsageOutcome.FULFILLED || outcome == UsageOutcome.REDEEMED;
    }
}
