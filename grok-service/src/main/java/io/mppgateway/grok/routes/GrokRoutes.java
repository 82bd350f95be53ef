package io.mppgateway.grok.routes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mppgateway.grok.image.ImagePricing;
import io.mppgateway.grok.responses.ResponsesPricing;
import io.mppgateway.grok.speech.SpeechPricing;
import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.pricing.PriceRules;
import io.mppgateway.paywall.route.PaidRoute;
import io.mppgateway.paywall.route.ProviderDescription;
import io.mppgateway.paywall.route.RouteTable;
import io.mppgateway.paywall.route.UpstreamRequest;
import io.mppgateway.paywall.upstream.UpstreamOperation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Everything grok-service sells, declared once: the Locus-style routes and the xAI/OpenAI-compatible ones, each
 * with its price rule and the xAI operation it calls. The paywall serves them, and derives /openapi.json,
 * /llms.txt and the price table from this table.
 */
@ApplicationScoped
public class GrokRoutes {
    private static final ProviderDescription ABOUT = new ProviderDescription("xAI Grok",
            "Grok chat completions and responses (xAI/OpenAI-compatible, streaming included), web search, X search "
                    + "and code execution, image generation, text to speech and the model list with prices", "xAI API", "https://api.x.ai",
            List.of("ai", "llm"), "https://docs.x.ai/docs/api-reference", "https://x.ai",
            "https://api.x.ai/api-docs/openapi.json",
            "an OpenAI-compatible SDK (npm openai, @ai-sdk/xai) with its base URL set to this service's /v1");

    @Produces
    @Singleton
    RouteTable routes(PriceRules prices, ImagePricing images, SpeechPricing speech, ResponsesPricing responses) {
        return new RouteTable(List.of(
                PaidRoute.named("chat")
                        .post("/grok/chat", "locusChat", "Chat completion (Locus-compatible)")
                        .post("/v1/chat/completions", "chatCompletions",
                                "Chat completion (xAI/OpenAI API), stream:true for server-sent events")
                        .describedAs("Grok chat completion")
                        // xAI caps output with max_completion_tokens (sent upstream when the buyer gives no
                        // limit); max_tokens is its deprecated alias
                        .pricedBy(prices.chat("max_completion_tokens", "max_tokens"))
                        // a stream always asks xAI for its usage chunk (validated before the challenge too)
                        .shapedBy((call, quote) -> quote.stream()
                                ? StreamedChatRequest.of(quote.upstreamBody(call), call.mapper()).toUpstream()
                                : UpstreamRequest.asQuoted(call, quote))
                        .upstream(UpstreamOperation.post("/v1/chat/completions")).streams()
                        .requestSchema("ChatRequest").build(),
                PaidRoute.named("responses")
                        .post("/v1/responses", "createResponse", "Response (xAI/OpenAI Responses API) with function "
                                + "and server-side tools, stream:true for typed server-sent events")
                        .describedAs("Grok response")
                        .pricedBy(responses.rule())
                        .upstream(UpstreamOperation.post("/v1/responses")).streams()
                        .requestSchema("ModelRequest").build(),
                searchTool("web-search", "web_search", "Web search", responses),
                searchTool("x-search", "x_search", "X search", responses),
                PaidRoute.named("code-execution")
                        .post("/grok/code-execution", "locusCodeExecution",
                                "Grok with code execution (a Responses API request; the code_interpreter tool added)")
                        .describedAs("Grok code execution")
                        .pricedBy(responses.withTool("code_interpreter"))
                        .upstream(UpstreamOperation.post("/v1/responses")).streams()
                        .requestSchema("ModelRequest").build(),
                PaidRoute.named("image-generate")
                        .post("/grok/image-generate", "locusImageGenerate", "Image generation (Locus-compatible)")
                        .post("/v1/images/generations", "imageGenerations",
                                "Image generation (xAI/OpenAI API), url or b64_json")
                        .describedAs("Grok image generation")
                        .pricedBy(images.rule())
                        .usageFrom(ImagePricing.USAGE)
                        .upstream(UpstreamOperation.post("/v1/images/generations"))
                        .requestSchema("GenerateImageRequest").build(),
                PaidRoute.named("image-edit")
                        .post("/grok/image-edit", "locusImageEdit", "Image editing (Locus-compatible)")
                        .post("/v1/images/edits", "imageEdits", "Image editing (xAI/OpenAI API), url or b64_json")
                        .describedAs("Grok image editing")
                        .pricedBy(images.editRule())
                        .usageFrom(ImagePricing.USAGE)
                        .upstream(UpstreamOperation.post("/v1/images/edits"))
                        .requestSchema("EditImageRequest").build(),
                PaidRoute.named("tts")
                        .post("/grok/tts", "locusTts", "Text to speech, priced per 1,000 characters (Locus-compatible)")
                        .post("/v1/tts", "tts", "Text to speech (xAI API): audio bytes, or JSON with timestamps")
                        .describedAs("Grok text to speech")
                        .pricedBy(speech.rule())
                        .usageFrom(SpeechPricing.USAGE)
                        .upstream(UpstreamOperation.post("/v1/tts")).build(),
                PaidRoute.named("models")
                        .get("/grok/models", "locusModels", "List the models with this gateway's prices")
                        .get("/v1/models", "listModels", "List the models (xAI API), priced as sold here")
                        .describedAs("Grok model list")
                        .pricedBy(prices.fixedWithoutModel())
                        // each model sold here says what it costs here: gateway_pricing, and xAI's own price fields
                        .answeredWith(prices.modelsWithGatewayPrices(true))
                        .upstream(UpstreamOperation.get("/v1/models")).build(),
                PaidRoute.named("model-card")
                        .get("/v1/models/{model_id}", "retrieveModel", "One model (xAI API), priced as sold here")
                        .describedAs("Grok model card")
                        .pricedBy(prices.modelCard("model_id"))
                        .answeredWith(prices.modelsWithGatewayPrices(true))
                        .upstream(UpstreamOperation.get("/v1/models/{model_id}")).build()),
                ABOUT, GrokRoutes::error);
    }

    /** A Locus-style search route: a Responses API request with its search tool added, answered with citations. */
    private static PaidRoute searchTool(String name, String toolType, String title, ResponsesPricing responses) {
        return PaidRoute.named(name)
                .post("/grok/" + name, "locus" + title.replace(" ", ""), title + " by Grok (a Responses API request; "
                        + "the " + toolType + " tool added), with the cited URLs as citations")
                .describedAs("Grok " + title.toLowerCase(java.util.Locale.ROOT))
                .pricedBy(responses.withTool(toolType))
                .answeredWith(ResponsesPricing.WITH_CITATIONS)
                .upstream(UpstreamOperation.post("/v1/responses")).streams()
                .requestSchema("ModelRequest").build();
    }

    /** The OpenAI-compatible nested error shape that xAI's and OpenAI's SDKs parse. */
    static Object error(InvalidRequestException refused) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", refused.getMessage());
        error.put("type", "invalid_request_error");
        error.put("param", refused.param());
        error.put("code", refused.code());
        return Map.of("error", error);
    }
}
