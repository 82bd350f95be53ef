package io.mppgateway.grok.chat.service;

import java.util.List;

import io.mppgateway.grok.chat.client.XaiClient;
import io.mppgateway.paywall.pricing.ChatPricing;
import io.mppgateway.paywall.pricing.ChatQuote;
import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.service.PaidRequest;
import io.mppgateway.paywall.service.PaidRouteHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/** A paid Grok chat completion: validate and price, then let the paywall take payment and call xAI. */
@ApplicationScoped
public class ChatService {
    private final ChatPricing pricing;
    private final PaidRouteHandler paywall;
    private final XaiClient xai;

    public ChatService(ChatPricing pricing, PaidRouteHandler paywall, XaiClient xai) {
        this.pricing = pricing;
        this.paywall = paywall;
        this.xai = xai;
    }

    public Response complete(String route, byte[] body, List<String> authorization) {
        // xAI caps output with max_completion_tokens; max_tokens is its deprecated alias
        ChatQuote quote = pricing.quote(body, "max_completion_tokens", "max_tokens");
        if (quote.stream()) {
            throw new InvalidRequestException("stream", "unsupported_parameter",
                    "stream:true is not available yet on this gateway; send stream:false");
        }
        return paywall.serve(new PaidRequest(route, quote.model(), quote.amount(), body, authorization,
                "Grok chat completion (" + quote.model() + ")"), () -> xai.chatCompletions(body));
    }
}
