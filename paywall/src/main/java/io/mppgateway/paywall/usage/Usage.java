package io.mppgateway.paywall.usage;

/**
 * What one call used upstream, in the units of {@code usage.recorded} v2: tokens (with reasoning and cached), images,
 * characters (text to speech), document pages, server-side tool calls, and xAI's own cost figure when it sent one.
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, long reasoningTokens,
        long cachedTokens, long images, long characters, long pages, long toolCalls, Long costInUsdTicks) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0, 0, 0, 0, null);

    /** Token counts only. */
    public static Usage tokens(long prompt, long completion, long total, long reasoning, long cached) {
        return new Usage(prompt, completion, total, reasoning, cached, 0, 0, 0, 0, null);
    }

    public Usage withPages(long newPages) {
        return new Usage(promptTokens, completionTokens, totalTokens, reasoningTokens, cachedTokens, images,
                characters, newPages, toolCalls, costInUsdTicks);
    }

    public Usage withImages(long newImages) {
        return new Usage(promptTokens, completionTokens, totalTokens, reasoningTokens, cachedTokens, newImages,
                characters, pages, toolCalls, costInUsdTicks);
    }

    public Usage withCharacters(long newCharacters) {
        return new Usage(promptTokens, completionTokens, totalTokens, reasoningTokens, cachedTokens, images,
                newCharacters, pages, toolCalls, costInUsdTicks);
    }

    public Usage withToolCalls(long newToolCalls) {
        return new Usage(promptTokens, completionTokens, totalTokens, reasoningTokens, cachedTokens, images,
                characters, pages, newToolCalls, costInUsdTicks);
    }

    public Usage withCostInUsdTicks(Long ticks) {
        return new Usage(promptTokens, completionTokens, totalTokens, reasoningTokens, cachedTokens, images,
                characters, pages, toolCalls, ticks);
    }

    /** xAI's ticks per base unit of pathUSD: 10^10 ticks per USD, 10^6 base units per USD. */
    public static final long TICKS_PER_BASE_UNIT = 10_000;

    /** xAI's own cost figure in base units, rounded up; empty when the answer carried none. */
    public java.util.OptionalLong upstreamCostFromTicks() {
        return costInUsdTicks == null ? java.util.OptionalLong.empty()
                : java.util.OptionalLong.of(Math.ceilDiv(Math.max(0, costInUsdTicks), TICKS_PER_BASE_UNIT));
    }

    /** Anything counted at all. */
    public boolean any() {
        return totalTokens > 0 || images > 0 || characters > 0 || pages > 0 || toolCalls > 0;
    }
}
