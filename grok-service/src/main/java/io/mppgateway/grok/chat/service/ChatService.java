package io.mppgateway.grok.chat.service;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.grok.chat.client.XaiClient;
import io.mppgateway.paywall.pricing.ChatPricing;
import io.mppgateway.paywall.pricing.ChatQuote;
import io.mppgateway.paywall.service.PaidRequest;
import io.mppgateway.paywall.service.PaidRouteHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/**
 * A paid Grok chat completion: validate and price, then let the paywall take payment and call xAI, as one JSON
 * answer or as xAI's event stream.
 */
@ApplicationScoped
public class ChatService {
    private final ChatPricing pricing;
    private final PaidRouteHandler paywall;
    private final XaiClient xai;
    private final ObjectMapper mapper;

    public ChatService(ChatPricing pricing, PaidRouteHandler paywall, XaiClient xai, ObjectMapper mapper) {
        this.pricing = pricing;
        this.paywall = paywall;
        this.xai = xai;
        this.mapper = mapper;
    }

    public Response complete(String route, byte[] body, List<String> authorization) {
        // xAI caps output with max_completion_tokens; max_tokens is its deprecated alias
        ChatQuote quote = pricing.quote(body, "max_completion_tokens", "max_tokens");
        // validated before the challenge too, so a bad stream_options never costs anything
        StreamedChatRequest streamed = quote.stream() ? StreamedChatRequest.of(body, mapper) : null;
        // the challenge binds the buyer's bytes; only the upstream sees the usage request added to them
        PaidRequest paid = new PaidRequest(route, quote.model(), quote.amount(), body, authorization,
                "Grok chat completion (" + quote.model() + (quote.stream() ? ", streamed" : "") + ")");
        if (streamed != null) {
            return paywall.serveStream(paid, () -> xai.openChatCompletionsStream(streamed.upstreamBody()),
                    streamed::withheldFromBuyer);
        }
        return paywall.serve(paid, () -> xai.chatCompletions(body));
    }
}
