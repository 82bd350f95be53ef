package io.mppgateway.contracts.events;

import java.time.Instant;

/**
 * What a provider service delivered for a settled charge. Published on {@code usage.recorded}, keyed by challenge id.
 *
 * @param units               non-token units (images, characters, pages) where tokens do not apply, else 0
 * @param upstreamCostEstimate estimated upstream cost in base units of the charge currency
 * @param latencyMs           upstream latency in milliseconds
 */
public record UsageRecorded(
        String eventId,
        String chargeId,
        String challengeId,
        String provider,
        String route,
        String model,
        UsageOutcome outcome,
        long promptTokens,
        long completionTokens,
        long totalTokens,
        long reasoningTokens,
        long cachedTokens,
        long units,
        int upstreamStatus,
        long latencyMs,
        long upstreamCostEstimate,
        Instant recordedAt) {
}
