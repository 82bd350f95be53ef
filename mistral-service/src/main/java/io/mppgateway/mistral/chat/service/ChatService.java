package io.mppgateway.mistral.chat.service;

import java.util.List;

import io.mppgateway.mistral.upstream.client.MistralClient;
import io.mppgateway.mistral.upstream.client.MistralOperation;
import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.pricing.ChatPricing;
import io.mppgateway.paywall.pricing.ChatQuote;
import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.service.PaidRequest;
import io.mppgateway.paywall.service.PaidRouteHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/**
 * A paid Mistral chat or fill-in-the-middle completion: validate and price, then let the paywall take payment and
 * call Mistral, as one JSON answer or as the upstream's event stream.
 */
@ApplicationScoped
public class ChatService {
    private final ChatPricing pricing;
    private final PaidRouteHandler paywall;
    private final MistralClient mistral;
    private final PaywallConfig paywallConfig;

    public ChatService(ChatPricing pricing, PaidRouteHandler paywall, MistralClient mistral,
            PaywallConfig paywallConfig) {
        this.pricing = pricing;
        this.paywall = paywall;
        this.mistral = mistral;
        this.paywallConfig = paywallConfig;
    }

    public Response complete(String route, byte[] body, List<String> authorization) {
        InvalidRequestException.requireAtMost(body, paywallConfig.maxBodyBytes());
        ChatQuote quote = pricing.quote(body, "max_tokens");
        return serve(route, MistralOperation.CHAT_COMPLETIONS, quote, "Mistral chat completion", body,
                authorization);
    }

    public Response fillInTheMiddle(String route, byte[] body, List<String> authorization) {
        InvalidRequestException.requireAtMost(body, paywallConfig.maxBodyBytes());
        ChatQuote quote = pricing.quoteFim(body, "max_tokens");
        return serve(route, MistralOperation.FIM_COMPLETIONS, quote, "Mistral FIM completion", body, authorization);
    }

    private Response serve(String route, MistralOperation operation, ChatQuote quote, String what, byte[] body,
            List<String> authorization) {
        PaidRequest paid = new PaidRequest(route, quote.model(), quote.amount(), body, authorization,
                what + " (" + quote.model() + (quote.stream() ? ", streamed" : "") + ")");
        if (quote.stream()) {
            return paywall.serveStream(paid, () -> mistral.openStream(operation, body));
        }
        return paywall.serve(paid, () -> mistral.call(operation, body));
    }
}
