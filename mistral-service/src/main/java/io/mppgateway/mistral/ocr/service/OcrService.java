package io.mppgateway.mistral.ocr.service;

import java.util.List;

import io.mppgateway.mistral.upstream.client.MistralClient;
import io.mppgateway.mistral.upstream.client.MistralOperation;
import io.mppgateway.mistral.upstream.config.MistralUpstreamConfig;
import io.mppgateway.paywall.pricing.CallPricing;
import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.pricing.ModelUse;
import io.mppgateway.paywall.service.PaidRequest;
import io.mppgateway.paywall.service.PaidRouteHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/** Paid document OCR, priced per page quoted (the pages the request lists, or a default number of pages). */
@ApplicationScoped
public class OcrService {
    private final CallPricing pricing;
    private final PaidRouteHandler paywall;
    private final MistralClient mistral;
    private final MistralUpstreamConfig config;

    public OcrService(CallPricing pricing, PaidRouteHandler paywall, MistralClient mistral,
            MistralUpstreamConfig config) {
        this.pricing = pricing;
        this.paywall = paywall;
        this.mistral = mistral;
        this.config = config;
    }

    public Response read(String route, byte[] body, List<String> authorization) {
        InvalidRequestException.requireAtMost(body, config.ocrMaxBodyBytes());
        CallPricing.CallQuote quote = pricing.perPage(body, ModelUse.OCR);
        return paywall.serve(new PaidRequest(route, quote.model(), quote.amount(), body, authorization,
                "Mistral OCR (" + quote.model() + ", up to " + quote.units() + " pages quoted)"),
                () -> mistral.call(MistralOperation.OCR, body));
    }
}
