package io.mppgateway.paywall.route;

import java.util.List;

/**
 * What the discovery documents say about a provider service beyond its routes and prices.
 *
 * @param name          e.g. {@code Mistral AI}
 * @param offer         what is sold, e.g. "Mistral chat, code completion (FIM), embeddings, ..."
 * @param apiName       e.g. {@code Mistral API}, in response descriptions
 * @param apiHost       the real API's base URL, e.g. {@code https://api.mistral.ai}
 * @param categories    x-service-info categories
 * @param apiReference  link to the provider's API reference
 * @param homepage      the provider's homepage
 * @param schemaBase    URL of the provider's OpenAPI document, which request schemas are referenced in
 * @param sdkHint       how to use an SDK with the gateway, e.g. "the official Mistral SDK with serverURL set to ..."
 */
public record ProviderDescription(String name, String offer, String apiName, String apiHost, List<String> categories,
        String apiReference, String homepage, String schemaBase, String sdkHint) {
}
