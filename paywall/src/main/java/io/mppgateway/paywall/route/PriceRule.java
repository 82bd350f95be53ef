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

    /** How the amount is computed, in one sentence for discovery (a dynamic rule's formula); null when fixed. */
    default String formula() {
        return null;
    }

    /** A rule whose every call pays {@code amount} (validated and described by {@code quote}). */
    static PriceRule fixed(long amount, Function<PaidCall, Quote> quote) {
        return new Declared(quote, OptionalLong.of(amount), null);
    }

    /** A rule whose amount depends on the request, computed as {@code formula} says. */
    static PriceRule dynamic(String formula, Function<PaidCall, Quote> quote) {
        return new Declared(quote, OptionalLong.empty(), formula);
    }

    /** A rule as declared: how it quotes, and what discovery says about it. */
    record Declared(Function<PaidCall, Quote> rule, OptionalLong fixedAmount, String formula) implements PriceRule {
        @Override
        public Quote quote(PaidCall call) {
            return rule.apply(call);
        }
    }
}
