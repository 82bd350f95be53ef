package io.mppgateway.paywall.route;

import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What is sent upstream for a paid call, and what of a streamed answer is kept from the buyer.
 *
 * @param body              the bytes sent upstream (the buyer's, unless the route adapts them)
 * @param withheldFromBuyer stream chunks read for their usage but not relayed (e.g. a usage chunk the gateway asked
 *                          for on the buyer's behalf)
 */
public record UpstreamRequest(byte[] body, Predicate<JsonNode> withheldFromBuyer) {

    /** The buyer's own bytes, everything relayed. */
    public static UpstreamRequest asSent(PaidCall call) {
        return new UpstreamRequest(call.body(), chunk -> false);
    }

    /** The body the quote covers (the buyer's, with the bounds the price rule added), everything relayed. */
    public static UpstreamRequest asQuoted(PaidCall call, Quote quote) {
        return new UpstreamRequest(quote.upstreamBody(call), chunk -> false);
    }

    /**
     * Adapts a paid call before it goes upstream. Runs before the challenge, so it may refuse a request too (with
     * {@link io.mppgateway.paywall.pricing.InvalidRequestException}); the challenge still binds the buyer's bytes.
     */
    @FunctionalInterface
    public interface Shaper {
        UpstreamRequest shape(PaidCall call, Quote quote);
    }
}
