package io.mppgateway.mistral.chat.service;

import java.util.List;

import io.mppgateway.mistral.chat.client.MistralClient;
import io.mppgateway.paywall.pricing.ChatPricing;
import io.mppgateway.paywall.pricing.ChatQuote;
import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.service.PaidRequest;
import io.mppgateway.paywall.service.PaidRouteHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/** A paid Mistral chat completion: validate and price, then let the paywall take payment and call Mistral. */
@ApplicationScoped
public class ChatService {
    private final ChatPricing pricing;
    private final PaidRouteHandler paywall;
    private final MistralClient mistral;

    public ChatService(ChatPricing pricing, PaidRouteHandler paywall, MistralClient mistral) {
        this.pricing = pricing;
        this.paywall = paywall;
        this.mistral = mistral;
    }

    public Response complete(String route, byte[] body, List<String> authorization) {
        ChatQuote quote = pricing.quote(body, "max_tokens");
        if (quote.stream()) {
            throw new InvalidRequestException("stream", "unsupported_parameter",
                    "stream:true is not available yet on this gateway; send stream:false");
        }
        return paywall.serve(new PaidRequest(route, quote.model(), quote.amount(), body, authorization,
                "Mistral chat completion (" + quote.model() + ")"), () -> mistral.chatCompletions(body));
    }
}
