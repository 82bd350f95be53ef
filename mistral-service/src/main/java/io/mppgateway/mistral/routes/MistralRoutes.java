package io.mppgateway.mistral.routes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.pricing.ModelUse;
import io.mppgateway.paywall.pricing.PriceRules;
import io.mppgateway.paywall.route.PaidRoute;
import io.mppgateway.paywall.route.ProviderDescription;
import io.mppgateway.paywall.route.RouteTable;
import io.mppgateway.paywall.upstream.UpstreamOperation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Everything mistral-service sells, declared once: the Locus-style routes and the Mistral-API-compatible ones, each
 * with its price rule and the Mistral operation it calls. The paywall serves them, and derives /openapi.json,
 * /llms.txt and the price table from this table.
 */
@ApplicationScoped
public class MistralRoutes {
    private static final ProviderDescription ABOUT = new ProviderDescription("Mistral AI",
            "Mistral chat, code completion (FIM), embeddings, moderation, OCR and model cards", "Mistral API",
            "https://api.mistral.ai", List.of("ai", "llm", "embeddings", "ocr"), "https://docs.mistral.ai/api/",
            "https://mistral.ai", "https://raw.githubusercontent.com/mistralai/platform-docs-public/main/openapi.yaml",
            "the official Mistral SDK with serverURL set to this service");

    @Produces
    @Singleton
    RouteTable routes(PriceRules prices, MistralConfig config) {
        return new RouteTable(List.of(
                PaidRoute.named("chat")
                        .post("/mistral/chat", "locusChat", "Chat completion (Locus-compatible)")
                        .post("/v1/chat/completions", "chatCompletions",
                                "Chat completion (Mistral API), stream:true for server-sent events")
                        .describedAs("Mistral chat completion")
                        .pricedBy(prices.chat("max_tokens"))
                        .upstream(UpstreamOperation.post("/v1/chat/completions")).streams()
                        .requestSchema("ChatCompletionRequest").build(),
                PaidRoute.named("fim")
                        .post("/mistral/fim", "locusFim", "Fill-in-the-middle code completion")
                        .post("/v1/fim/completions", "fimCompletions", "Fill-in-the-middle completion (Mistral API)")
                        .describedAs("Mistral FIM completion")
                        .pricedBy(prices.fim("max_tokens"))
                        .upstream(UpstreamOperation.post("/v1/fim/completions")).streams()
                        .requestSchema("FIMCompletionRequest").build(),
                PaidRoute.named("embeddings")
                        .post("/mistral/embed", "locusEmbed", "Embeddings (Locus-compatible)")
                        .post("/v1/embeddings", "embeddings", "Embeddings (Mistral API)")
                        .describedAs("Mistral embeddings")
                        .pricedBy(prices.byInputSize(ModelUse.EMBED, "input"))
                        .upstream(UpstreamOperation.post("/v1/embeddings"))
                        .requestSchema("EmbeddingRequest").build(),
                PaidRoute.named("moderation")
                        .post("/mistral/moderate", "locusModerate", "Text moderation (Locus-compatible)")
                        .post("/v1/moderations", "moderations", "Text moderation (Mistral API)")
                        .describedAs("Mistral moderation")
                        .pricedBy(prices.byInputSize(ModelUse.MODERATE, "input"))
                        .upstream(UpstreamOperation.post("/v1/moderations"))
                        .requestSchema("ClassificationRequest").build(),
                PaidRoute.named("chat-moderation")
                        .post("/v1/chat/moderations", "chatModerations", "Conversation moderation (Mistral API)")
                        .describedAs("Mistral moderation")
                        .pricedBy(prices.byInputSize(ModelUse.MODERATE, "input"))
                        .upstream(UpstreamOperation.post("/v1/chat/moderations"))
                        .requestSchema("ChatModerationRequest").build(),
                PaidRoute.named("ocr")
                        .post("/mistral/ocr", "locusOcr", "Document OCR, priced per page")
                        .post("/v1/ocr", "ocr", "Document OCR (Mistral API), priced per page")
                        .describedAs("Mistral OCR")
                        .pricedBy(prices.perPage(ModelUse.OCR))
                        // documents may travel inline as base64
                        .maxBodyBytes(config.ocrMaxBodyBytes())
                        .upstream(UpstreamOperation.post("/v1/ocr"))
                        .requestSchema("OCRRequest").build(),
                PaidRoute.named("models")
                        .get("/mistral/models", "locusModels",
                                "List the models (Locus-compatible), with this gateway's prices")
                        .post("/mistral/models", "locusModelsPost", "List the models (Locus-compatible)")
                        .get("/v1/models", "listModels", "List the models (Mistral API)")
                        .describedAs("Mistral model list")
                        .pricedBy(prices.fixedWithoutModel())
                        // each model sold here says what it costs here, per million tokens
                        .answeredWith(prices.modelsWithGatewayPrices(false))
                        .upstream(UpstreamOperation.get("/v1/models")).build(),
                PaidRoute.named("model-card")
                        .get("/v1/models/{model_id}", "retrieveModel", "One model card (Mistral API)")
                        .describedAs("Mistral model card")
                        .pricedBy(prices.modelCard("model_id"))
                        .answeredWith(prices.modelsWithGatewayPrices(false))
                        .upstream(UpstreamOperation.get("/v1/models/{model_id}")).build()),
                ABOUT, MistralRoutes::error);
    }

    /** Mistral's documented error object, so that SDKs show a refusal as they would Mistral's own. */
    static Object error(InvalidRequestException refused) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "error");
        body.put("message", refused.getMessage());
        body.put("type", "invalid_request_error");
        body.put("param", refused.param());
        body.put("code", refused.code());
        return body;
    }
}
