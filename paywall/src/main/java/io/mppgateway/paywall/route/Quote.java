package io.mppgateway.paywall.route;

import java.util.function.ToLongFunction;

import io.mppgateway.paywall.usage.Usage;

/**
 * The price of one call, decided before payment.
 *
 * @param model              the model the call is for ({@code none} for calls about no model in particular)
 * @param amount             what the buyer pays, base units
 * @param quotedUpstreamCost the worst-case upstream cost the amount was computed from, base units
 * @param stream             the buyer asked for server-sent events
 * @param detail             shown in the challenge's description after the route's, e.g. the model
 * @param upstreamCost       what the call cost upstream once its usage is known (base units); 0 when unknown
 * @param upstreamBody       the body the quote covers when it is not the buyer's: the buyer's with the bounds the
 *                           gateway adds (an output limit, the pages to read); null = the buyer's bytes. The
 *                           challenge's digest still binds the buyer's body.
 */
public record Quote(String model, long amount, long quotedUpstreamCost, boolean stream, String detail,
        ToLongFunction<Usage> upstreamCost, byte[] upstreamBody) {

    /** A quote for a model at an amount; refine it with the withers. */
    public static Quote of(String model, long amount) {
        return new Quote(model, amount, 0, false, model, usage -> 0, null);
    }

    public Quote withQuotedUpstreamCost(long cost) {
        return new Quote(model, amount, cost, stream, detail, upstreamCost, upstreamBody);
    }

    public Quote streamed(boolean streamed) {
        return new Quote(model, amount, quotedUpstreamCost, streamed, detail, upstreamCost, upstreamBody);
    }

    public Quote withDetail(String newDetail) {
        return new Quote(model, amount, quotedUpstreamCost, stream, newDetail, upstreamCost, upstreamBody);
    }

    public Quote withUpstreamCost(ToLongFunction<Usage> cost) {
        return new Quote(model, amount, quotedUpstreamCost, stream, detail, cost, upstreamBody);
    }

    /** The body to send upstream instead of the buyer's (null: the buyer's). */
    public Quote withUpstreamBody(byte[] body) {
        return new Quote(model, amount, quotedUpstreamCost, stream, detail, upstreamCost, body);
    }

    /** What goes upstream: the quoted body, or the buyer's. */
    public byte[] upstreamBody(PaidCall call) {
        return upstreamBody == null ? call.body() : upstreamBody;
    }
}
