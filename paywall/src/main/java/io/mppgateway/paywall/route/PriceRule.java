package io.mppgateway.paywall.route;

import java.util.OptionalLong;
import java.util.function.Function;

/**
 * How a paid route prices a request, before any payment: validate it (a bad request throws
 * {@link io.mppgateway.paywall.pricing.InvalidRequestException}, answered in the provider's error shape and never
 * charged) and quote it. The standard rules are in {@link io.mppgateway.paywall.pricing.PriceRules}.
 */
@FunctionalInterface
public interface PriceRule {

    Quote quote(PaidCall call);

    /** The amount every call pays when it does not depend on the request (discovery publishes it), else empty. */
    default OptionalLong fixedAmount() {
        return OptionalLong.empty();
    }

    /** A rule whose every call pays {@code amount} (validated and described by {@code quote}). */
    static PriceRule fixed(long amount, Function<PaidCall, Quote> quote) {
        return new PriceRule() {
            @Override
            public Quote quote(PaidCall call) {
                return quote.apply(call);
            }

            @Override
            public OptionalLong fixedAmount() {
                return OptionalLong.of(amount);
            }
        };
    }
}
