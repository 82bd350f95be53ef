package io.mppgateway.mistral.moderation.service;

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

/** Paid moderation of text or of a conversation, at a fixed price per call. */
@ApplicationScoped
public class ModerationService {
    private final CallPricing pricing;
    private final PaidRouteHandler paywall;
    private final MistralClient mistral;
    private final PaywallConfig paywallConfig;

    public ModerationService(CallPricing pricing, PaidRouteHandler paywall, MistralClient mistral,
            PaywallConfig paywallConfig) {
        this.pricing = pricing;
        this.paywall = paywall;
        this.mistral = mistral;
        this.paywallConfig = paywallConfig;
    }

    /** @param operation {@code MODERATIONS} (text input) or {@code CHAT_MODERATIONS} (messages input) */
    public Response moderate(String route, MistralOperation operation, byte[] body, List<String> authorization) {
        InvalidRequestException.requireAtMost(body, paywallConfig.maxBodyBytes());
        CallPricing.CallQuote quote = pricing.fixed(body, ModelUse.MODERATE, "input");
        return paywall.serve(new PaidRequest(route, quote.model(), quote.amount(), body, authorization,
                "Mistral moderation (" + quote.model() + ")"), () -> mistral.call(operation, body));
    }
}
