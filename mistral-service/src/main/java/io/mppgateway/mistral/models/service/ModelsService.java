package io.mppgateway.mistral.models.service;

import java.util.List;

import io.mppgateway.mistral.upstream.client.MistralClient;
import io.mppgateway.paywall.pricing.CallPricing;
import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.pricing.ModelCatalogue;
import io.mppgateway.paywall.service.PaidRequest;
import io.mppgateway.paywall.service.PaidRouteHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;

/** The upstream's model cards, sold at the fixed price like Locus does. */
@ApplicationScoped
public class ModelsService {
    /** usage.recorded needs a model; a listing is about none in particular. */
    private static final String NO_MODEL = "none";

    private final CallPricing pricing;
    private final ModelCatalogue catalogue;
    private final PaidRouteHandler paywall;
    private final MistralClient mistral;

    public ModelsService(CallPricing pricing, ModelCatalogue catalogue, PaidRouteHandler paywall,
            MistralClient mistral) {
        this.pricing = pricing;
        this.catalogue = catalogue;
        this.paywall = paywall;
        this.mistral = mistral;
    }

    /** @param body the request body of the Locus-style POST (ignored but digest-bound), empty for GET */
    public Response list(String route, byte[] body, String provider, String model, List<String> authorization) {
        return paywall.serve(new PaidRequest(route, NO_MODEL, pricing.fixedWithoutModel(), body, authorization,
                "Mistral model list"), () -> mistral.listModels(provider, model));
    }

    public Response retrieve(String route, String modelId, List<String> authorization) {
        if (!catalogue.sells(modelId)) {
            throw new InvalidRequestException(404, "model_id", "model_not_found",
                    "Model " + modelId + " is not sold here. See GET /v1/models or /llms.txt.");
        }
        return paywall.serve(new PaidRequest(route, modelId, pricing.fixedWithoutModel(), new byte[0],
                authorization, "Mistral model card (" + modelId + ")"), () -> mistral.retrieveModel(modelId));
    }
}
