package io.mppgateway.paywall.route;

import java.util.List;

/**
 * A provider service's paid routes, declared once, with what discovery says about the provider and how its API
 * spells a refusal. A service produces one (a CDI producer); the paywall serves its routes, publishes them in
 * /openapi.json and /llms.txt, and refuses bad requests in its error dialect.
 */
public record RouteTable(List<PaidRoute> routes, ProviderDescription description, ErrorDialect errors) {

    public RouteTable {
        routes = List.copyOf(routes);
    }
}
