package io.mppgateway.paywall.discovery;

import java.util.Map;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.mppgateway.paywall.config.PaywallConfig;
import io.mppgateway.paywall.pricing.ModelCatalogue;
import io.mppgateway.paywall.pricing.ModelUse;
import io.mppgateway.paywall.pricing.PricingConfig;
import io.mppgateway.paywall.route.PaidRoute;
import io.mppgateway.paywall.route.ProviderDescription;
import io.mppgateway.paywall.route.RouteTable;
import io.mppgateway.paywall.route.SoldPath;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

/**
 * The MPP discovery document ({@code /openapi.json}, draft-payment-discovery-00: x-service-info, x-payment-info and a
 * declared 402 per paid operation) and {@code /llms.txt}, both derived from the route table and the live price table
 * so they cannot drift from what the 402s quote. Built once: neither changes while the service runs.
 */
@ApplicationScoped
public class DiscoveryDocuments {
    private final Instance<RouteTable> tables;
    private final ModelCatalogue catalogue;
    private final PaywallConfig paywall;
    private final ObjectMapper mapper;
    private volatile Buffer openApi;
    private volatile Buffer llmsTxt;

    public DiscoveryDocuments(Instance<RouteTable> tables, ModelCatalogue catalogue, PaywallConfig paywall,
            ObjectMapper mapper) {
        this.tables = tables;
        this.catalogue = catalogue;
        this.paywall = paywall;
        this.mapper = mapper;
    }

    public Buffer openApiJson() {
        if (openApi == null) {
            try {
                openApi = Buffer.buffer(mapper.writeValueAsBytes(openApi()));
            } catch (Exception e) {
                throw new IllegalStateException("the discovery document is not serialisable", e);
            }
        }
        return openApi;
    }

    public Buffer llmsTxt() {
        if (llmsTxt == null) {
            llmsTxt = Buffer.buffer(llmsText());
        }
        return llmsTxt;
    }

    public ObjectNode openApi() {
        RouteTable table = tables.get();
        ProviderDescription about = table.description();
        String currency = paywall.discovery().currency();
        ObjectNode doc = mapper.createObjectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", about.name() + ", paid per call over MPP");
        info.put("version", "1.0.0");
        info.put("description", about.offer() + ", paid per call with the Machine Payments Protocol (HTTP 402, "
                + "method tempo, intent charge). No account, no API key.");
        paywall.discovery().publicUrl().ifPresent(url -> doc.putArray("servers").addObject().put("url", url));
        ObjectNode serviceInfo = doc.putObject("x-service-info");
        about.categories().forEach(serviceInfo.putArray("categories")::add);
        ObjectNode docs = serviceInfo.putObject("docs");
        docs.put("apiReference", about.apiReference());
        docs.put("homepage", about.homepage());
        docs.put("llms", "/llms.txt");

        ObjectNode paths = doc.putObject("paths");
        for (PaidRoute route : table.routes()) {
            OptionalLong amount = route.price().fixedAmount();
            for (SoldPath sold : route.paths()) {
                ObjectNode pathItem = paths.has(sold.path()) ? (ObjectNode) paths.get(sold.path())
                        : paths.putObject(sold.path());
                ObjectNode operation = pathItem.putObject(sold.method().toLowerCase());
                operation.put("operationId", sold.operationId());
                operation.put("summary", sold.summary());
                var params = java.util.regex.Pattern.compile("\\{([A-Za-z0-9_]+)}").matcher(sold.path());
                while (params.find()) {
                    if (!operation.has("parameters")) {
                        operation.putArray("parameters");
                    }
                    operation.withArray("parameters").addObject().put("name", params.group(1)).put("in", "path")
                            .put("required", true).putObject("schema").put("type", "string");
                }
                if (route.requestSchema() != null && "POST".equals(sold.method())) {
                    ObjectNode body = operation.putObject("requestBody");
                    body.put("required", true);
                    body.putObject("content").putObject("application/json").putObject("schema")
                            .put("$ref", about.schemaBase() + "#/components/schemas/" + route.requestSchema());
                }
                ObjectNode payment = operation.putObject("x-payment-info");
                payment.put("intent", "charge");
                payment.put("method", "tempo");
                if (amount.isPresent()) {
                    payment.put("amount", Long.toString(amount.getAsLong()));
                } else {
                    payment.putNull("amount");
                    String formula = route.price().formula();
                    payment.put("description", (formula == null ? "priced per request (" + route.description()
                            + ")" : formula) + "; amounts in base units, prices per model in /llms.txt; the 402 "
                            + "challenge quotes the exact amount");
                }
                payment.put("currency", currency);
                ObjectNode responses = operation.putObject("responses");
                responses.putObject("200").put("description", "The " + about.apiName() + " answer, with a "
                        + "Payment-Receipt header" + (route.streaming() ? " (text/event-stream with stream:true)"
                                : ""));
                ObjectNode required = responses.putObject("402");
                required.put("description", "Payment Required: WWW-Authenticate: Payment challenge (problem+json)");
                required.putObject("headers").putObject("WWW-Authenticate").putObject("schema").put("type",
                        "string");
                responses.putObject("400").put("description", "Invalid request, refused before any payment ("
                        + about.apiName() + " error format)");
                responses.putObject("502").put("description", "Upstream failed after payment: the payment is kept "
                        + "and the same credential can be presented again");
            }
        }
        return doc;
    }

    public String llmsText() {
        RouteTable table = tables.get();
        ProviderDescription about = table.description();
        PricingConfig pricing = catalogue.config();
        StringBuilder text = new StringBuilder();
        text.append("# ").append(about.name()).append(" over MPP (").append(paywall.realm()).append(")\n\n");
        text.append("> ").append(about.offer()).append(", paid per call with the Machine Payments Protocol: HTTP "
                + "402, WWW-Authenticate: Payment, method tempo, intent charge, currency pathUSD (")
                .append(paywall.discovery().currency()).append(", 6 decimals). No account, no API key. Use any MPP "
                        + "client (e.g. mppx) or ").append(about.sdkHint()).append(" and an MPP-aware fetch.\n\n");
        text.append("## How a call works\n\n"
                + "1. Send the request as you would to ").append(about.apiHost()).append(" (bodies are passed "
                        + "through, but for the bounds the price covers: without an output limit the quoted one is "
                        + "added, without OCR pages the quoted pages).\n"
                        + "2. Get 402 with a challenge bound to your body's digest; pay it on Tempo; send the same "
                        + "request with Authorization: Payment <credential>.\n"
                        + "3. Get the ").append(about.apiName()).append(" answer with a Payment-Receipt header. "
                                + "stream:true returns text/event-stream.\n"
                                + "4. If the upstream fails after you paid and nothing was delivered, you get "
                                + "502/503/504 saying the payment is kept: present the same credential again to "
                                + "re-run the call without paying again.\n"
                                + "Invalid requests (unknown model, output limits above the model's, quotes above "
                                + "the largest charge per call, bodies over the size limit, invalid JSON) are refused "
                                + "before any payment, in the ")
                .append(about.apiName()).append("'s error format.\n\n");
        text.append("## Routes (amounts in base units; 1000000 = 1 USD)\n\n");
        for (PaidRoute route : table.routes()) {
            OptionalLong amount = route.price().fixedAmount();
            for (SoldPath sold : route.paths()) {
                text.append("- ").append(sold.method()).append(' ').append(sold.path()).append(": ")
                        .append(sold.summary()).append(" — ")
                        .append(amount.isPresent() ? amount.getAsLong() + " per call"
                                : "dynamic price, quoted in the 402")
                        .append('\n');
            }
        }
        text.append("\n## How prices are computed\n\n");
        text.append("Every quote covers the worst-case upstream cost of exactly what is sent upstream, plus a ")
                .append(pricing.marginBps() / 100).append('.').append(String.format("%02d", pricing.marginBps() % 100))
                .append("% margin, at least ").append(pricing.minPerCall()).append(" per call. A quote above the "
                        + "route's largest charge per call is refused before payment with the largest acceptable "
                        + "value.\n\n");
        for (PaidRoute route : table.routes()) {
            String formula = route.price().formula();
            if (formula != null) {
                text.append("- ").append(route.name()).append(": ").append(formula).append('\n');
            }
        }
        text.append("\nUpstream prices as of ").append(pricing.asOf().orElse("(undated)")).append(", from ")
                .append(pricing.source().orElse("(unsourced)")).append(".\n\n");
        text.append("## Models and prices (upstream price per million tokens; this gateway adds the margin)\n\n");
        for (ModelUse use : ModelUse.values()) {
            Map<String, PricingConfig.ModelPrice> models = catalogue.modelsFor(use);
            if (models.isEmpty()) {
                continue;
            }
            text.append("### ").append(use.configName()).append("\n\n");
            models.forEach((id, price) -> {
                text.append("- ").append(id).append(": ");
                switch (use) {
                    case CHAT, FIM -> {
                        text.append("input ").append(price.inputPerMillion()).append(" / output ")
                                .append(price.outputPerMillion()).append(" per million tokens, output limit <= ")
                                .append(price.maxOutputTokens());
                        if (price.reasoningTokens() > 0) {
                            text.append(", reasoning priced in: ").append(price.reasoningTokens())
                                    .append(" tokens per choice");
                        }
                    }
                    case OCR -> text.append(price.perPage().orElse(0L)).append(" per page")
                            .append(price.perPageAnnotated().map(p -> ", " + p + " per annotated page").orElse(""));
                    default -> text.append("input ").append(price.inputPerMillion())
                            .append(" per million tokens, at least ")
                            .append(price.perCall().orElse(pricing.fixedPerCall())).append(" per call");
                }
                text.append('\n');
            });
            text.append('\n');
        }
        text.append("## Discovery\n\n- OpenAPI with x-payment-info: /openapi.json\n");
        return text.toString();
    }
}
