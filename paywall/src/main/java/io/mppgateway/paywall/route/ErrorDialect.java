package io.mppgateway.paywall.route;

import io.mppgateway.paywall.pricing.InvalidRequestException;

/**
 * How the provider's API spells an error, so that SDKs show a pre-payment refusal as they would the provider's own:
 * the JSON body for a refused request (its status is the exception's).
 */
@FunctionalInterface
public interface ErrorDialect {
    Object body(InvalidRequestException refused);
}
