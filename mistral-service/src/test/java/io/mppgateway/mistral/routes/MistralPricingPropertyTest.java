package io.mppgateway.mistral.routes;

import io.mppgateway.paywall.route.RouteTable;
import io.mppgateway.paywall.testing.RoutePricingProperties;

/** Every mistral-service route and model, over random valid bodies: the quote covers the worst case (issue 12). */
class MistralPricingPropertyTest extends RoutePricingProperties {

    @Override
    protected RouteTable routes() {
        return new MistralRoutes().routes(rules, () -> 10_485_760L);
    }

    @Override
    protected String[] outputFields(String route) {
        return new String[] {"max_tokens"};
    }
}
