package io.mppgateway.mistral.embeddings.service;

import java.util.List;

import io.mppgateway.mistral.upstream.client.MistralClient;
import io.mppgateway.mistral.upstream.client.MistralOperation;
import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.pricing.CallPricing;
import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.pricing.ModelUse;
import io.mppgateway.paywall.service.PaidRequest;
import io.mppgateway.paywall.service.PaidRouteHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/** Paid embeddings at a fixed price per call. */
@ApplicationScoped
public class EmbeddingsService {
    private final CallPricing pricing;
    private final PaidRouteHandler paywall;
    private final MistralClient mistral;
    private final PaywallConfig paywallConfig;

    public EmbeddingsService(CallPricing pricing, PaidRouteHandler paywall, MistralClient mistral,
            PaywallConfig paywallConfig) {
        this.pricing = pricing;
        this.paywall = paywall;
        this.mistral = mistral;
        this.paywallConfig = paywallConfig;
    }

    public Response embed(String route, byte[] body, List<String> authorization) {
        InvalidRequestException.requireAtMost(body, paywallConfig.maxBodyBytes());
        CallPricing.CallQuote quote = pricing.fixed(body, ModelUse.EMBED, "input");
        return paywall.serve(new PaidRequest(route, quote.model(), quote.amount(), body, authorization,
                "Mistral embeddings (" + quote.model() + ")"), () -> mistral.call(MistralOperation.EMBEDDINGS, body));
    }
}
