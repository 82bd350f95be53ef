package io.mppgateway.paywall.pricing;

/**
 * The price of one chat or fill-in-the-middle call, and the worst case it covers.
 *
 * @param inputTokens         input tokens priced at the input price: the body sent upstream, byte by byte, but for
 *                            its images (capped at the model's context window)
 * @param images              images in the messages, each priced at the model's image tokens and image rate
 * @param outputTokens        the output limit per choice: the buyer's, or the default one, which is then sent upstream
 * @param choices             {@code n}: every choice is billed its output
 * @param reasoningTokens     reasoning per choice priced in beyond the output limit (0 when the limit bounds it)
 * @param tools               the server-side tool calls priced in (none for a chat completion)
 * @param upstreamCostCeiling the most the upstream can charge us for it, base units
 * @param amount              what the buyer pays, base units
 * @param stream              the buyer asked for server-sent events
 * @param upstreamBody        what goes upstream when it is not the buyer's bytes (the output limit added), or null
 */
public record ChatQuote(String model, long inputTokens, long images, long outputTokens, long choices,
        long reasoningTokens, ToolCalls tools, long upstreamCostCeiling, long amount, boolean stream, byte[] upstreamBody) {
}
