package io.mppgateway.mistral.discovery.service;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mppgateway.mistral.discovery.config.DiscoveryConfig;
import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.pricing.ModelCatalogue;
import io.mppgateway.paywall.pricing.ModelUse;
import io.mppgateway.paywall.pricing.PricingConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The MPP discovery document ({@code /openapi.json}, draft-payment-discovery-00: x-service-info, x-payment-info and a
 * declared 402 per paid operation) and {@code /llms.txt}, both built from the live price table so they cannot drift
 * from what the 402s quote.
 */
@ApplicationScoped
public class DiscoveryDocuments {
    private final ModelCatalogue catalogue;
    private final PaywallConfig paywall;
    private final DiscoveryConfig config;
    private final ObjectMapper mapper;

    public DiscoveryDocuments(ModelCatalogue catalogue, PaywallConfig paywall, DiscoveryConfig config,
            ObjectMapper mapper) {
        this.catalogue = catalogue;
        this.paywall = paywall;
        this.config = config;
        this.mapper = mapper;
    }

    List<PaidOperation> operations() {
        long fixed = catalogue.config().fixedPerCall();
        return List.of(
                new PaidOperation("post", "/mistral/chat", "locusChat", "Chat completion (Locus-compatible)", null,
                        "ChatCompletionRequest"),
                new PaidOperation("post", "/v1/chat/completions", "chatCompletions",
                        "Chat completion (Mistral API), stream:true for server-sent events", null,
                        "ChatCompletionRequest"),
                new PaidOperation("post", "/mistral/fim", "locusFim", "Fill-in-the-middle code completion", null,
                        "FIMCompletionRequest"),
                new PaidOperation("post", "/v1/fim/completions", "fimCompletions",
                        "Fill-in-the-middle completion (Mistral API)", null, "FIMCompletionRequest"),
                new PaidOperation("post", "/mistral/embed", "locusEmbed", "Embeddings (Locus-compatible)", fixed,
                        "EmbeddingRequest"),
                new PaidOperation("post", "/v1/embeddings", "embeddings", "Embeddings (Mistral API)", fixed,
                        "EmbeddingRequest"),
                new PaidOperation("post", "/mistral/moderate", "locusModerate", "Text moderation (Locus-compatible)",
                        fixed, "ClassificationRequest"),
                new PaidOperation("post", "/v1/moderations", "moderations", "Text moderation (Mistral API)", fixed,
                        "ClassificationRequest"),
                new PaidOperation("post", "/v1/chat/moderations", "chatModerations",
                        "Conversation moderation (Mistral API)", fixed, "ChatModerationRequest"),
                new PaidOperation("post", "/mistral/ocr", "locusOcr", "Document OCR, priced per page", null,
                        "OCRRequest"),
                new PaidOperation("post", "/v1/ocr", "ocr", "Document OCR (Mistral API), priced per page", null,
                        "OCRRequest"),
                new PaidOperation("get", "/mistral/models", "locusModels", "List the models (Locus-compatible)", fixed,
                        null),
                new PaidOperation("post", "/mistral/models", "locusModelsPost", "List the models (Locus-compatible)",
                        fixed, null),
                new PaidOperation("get", "/v1/models", "listModels", "List the models (Mistral API)", fixed, null),
                new PaidOperation("get", "/v1/models/{model_id}", "retrieveModel", "One model card (Mistral API)",
                        fixed, null));
    }

    public ObjectNode openApi() {
        ObjectNode doc = mapper.createObjectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Mistral AI, paid per call over MPP");
        info.put("version", "1.0.0");
        info.put("description", "Mistral chat, FIM, embeddings, moderation, OCR and model cards, paid per call "
                + "with the Machine Payments Protocol (HTTP 402, method tempo, intent charge). No account, no API key.");
        config.publicUrl().ifPresent(url -> doc.putArray("servers").addObject().put("url", url));
        ObjectNode serviceInfo = doc.putObject("x-service-info");
        serviceInfo.putArray("categories").add("ai").add("llm").add("embeddings").add("ocr");
        ObjectNode docs = serviceInfo.putObject("docs");
        docs.put("apiReference", "https://docs.mistral.ai/api/");
        docs.put("homepage", "https://mistral.ai");
        docs.put("llms", "/llms.txt");

        ObjectNode paths = doc.putObject("paths");
        for (PaidOperation op : operations()) {
            ObjectNode pathItem = paths.has(op.path()) ? (ObjectNode) paths.get(op.path()) : paths.putObject(op.path());
            ObjectNode operation = pathItem.putObject(op.method());
            operation.put("operationId", op.operationId());
            operation.put("summary", op.summary());
            if (op.path().contains("{model_id}")) {
                operation.putArray("parameters").addObject().put("name", "model_id").put("in", "path")
                        .put("required", true).putObject("schema").put("type", "string");
            }
            if (op.request() != null) {
                ObjectNode body = operation.putObject("requestBody");
                body.put("required", true);
                body.putObject("content").putObject("application/json").putObject("schema")
                        .put("$ref", "https://raw.githubusercontent.com/mistralai/platform-docs-public/main/openapi.yaml#/components/schemas/"
                                + op.request());
            }
            ObjectNode payment = operation.putObject("x-payment-info");
            payment.put("intent", "charge");
            payment.put("method", "tempo");
            if (op.amount() == null) {
                payment.putNull("amount");
                payment.put("description", "priced per request from the model and max_tokens (or pages); the 402 "
                        + "challenge quotes the exact amount");
            } else {
                payment.put("amount", Long.toString(op.amount()));
            }
            payment.put("currency", config.currency());
            ObjectNode responses = operation.putObject("responses");
            responses.putObject("200").put("description", "The Mistral API answer, with a Payment-Receipt header");
            ObjectNode required = responses.putObject("402");
            required.put("description", "Payment Required: WWW-Authenticate: Payment challenge (problem+json)");
            required.putObject("headers").putObject("WWW-Authenticate").putObject("schema").put("type", "string");
            responses.putObject("400").put("description", "Invalid request, refused before any payment (Mistral "
                    + "error format)");
            responses.putObject("502").put("description", "Upstream failed after payment: the payment is kept and "
                    + "the same credential can be presented again");
        }
        return doc;
    }

    public String llmsTxt() {
        PricingConfig pricing = catalogue.config();
        StringBuilder text = new StringBuilder();
        text.append("# Mistral AI over MPP (").append(paywall.realm()).append(")\n\n");
        text.append("> Mistral chat, code completion (FIM), embeddings, moderation, OCR and model cards, paid per call "
                + "with the Machine Payments Protocol: HTTP 402, WWW-Authenticate: Payment, method tempo, intent "
                + "charge, currency pathUSD (").append(config.currency()).append(", 6 decimals). No account, no API key. "
                + "Use any MPP client (e.g. mppx) or the official Mistral SDK with serverURL set to this service and an "
                + "MPP-aware fetch.\n\n");
        text.append("## How a call works\n\n"
                + "1. Send the request as you would to https://api.mistral.ai (bodies are passed through untouched).\n"
                + "2. Get 402 with a challenge bound to the body digest; pay it on Tempo; send the same request with "
                + "Authorization: Payment <credential>.\n"
                + "3. Get the Mistral answer with a Payment-Receipt header. stream:true returns text/event-stream.\n"
                + "4. If Mistral fails after you paid, you get 502/503/504 saying the payment is kept: present the same "
                + "credential again to re-run the call without paying again.\n"
                + "Invalid requests (unknown model, max_tokens above the model's limit, bodies over the size limit, "
                + "invalid JSON) are refused before any payment, in Mistral's error format.\n\n");
        text.append("## Routes (amounts in base units; 1000000 = 1 USD)\n\n");
        for (PaidOperation op : operations()) {
            text.append("- ").append(op.method().toUpperCase()).append(' ').append(op.path()).append(": ")
                    .append(op.summary()).append(" — ")
                    .append(op.amount() == null ? "dynamic price, quoted in the 402" : op.amount() + " per call")
                    .append('\n');
        }
        text.append("\n## Models and prices\n\n");
        text.append("Chat and FIM: (input tokens estimated from the body x input price + max_tokens x output price) "
                + "+ ").append(pricing.marginBps() / 100.0).append("% margin, between ").append(pricing.minPerCall())
                .append(" and ").append(pricing.maxPerCall()).append(" per call. Without max_tokens, ")
                .append(pricing.defaultOutputTokens()).append(" output tokens are quoted. OCR: page price x pages "
                        + "listed in `pages` (or ").append(pricing.defaultPagesQuoted()).append(" pages) + margin.\n\n");
        for (ModelUse use : ModelUse.values()) {
            Map<String, PricingConfig.ModelPrice> models = catalogue.modelsFor(use);
            if (models.isEmpty()) {
                continue;
            }
            text.append("### ").append(use.configName()).append("\n\n");
            models.forEach((id, price) -> {
                text.append("- ").append(id).append(": ");
                switch (use) {
                    case CHAT, FIM -> text.append("input ").append(price.inputPerMillion()).append(" / output ")
                            .append(price.outputPerMillion()).append(" per million tokens, max_tokens <= ")
                            .append(price.maxOutputTokens());
                    case OCR -> text.append(price.perPage().orElse(0L)).append(" per page");
                    default -> text.append(price.perCall().orElse(pricing.fixedPerCall())).append(" per call");
                }
                text.append('\n');
            });
            text.append('\n');
        }
        text.append("## Discovery\n\n- OpenAPI with x-payment-info: /openapi.json\n");
        return text.toString();
    }

}
