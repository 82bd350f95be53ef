package io.mppgateway.paywall.pricing;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.enterprise.context.ApplicationScoped;

/** Quotes for the calls that are not priced by tokens: fixed-price calls and documents priced per page. */
@ApplicationScoped
public class CallPricing {
    private final ModelCatalogue catalogue;

    public CallPricing(ModelCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** A fixed-price call that names a model (embeddings, moderation). */
    public CallQuote fixed(byte[] body, ModelUse use, String requiredField) {
        return fixed(catalogue.parse(body), use, requiredField);
    }

    /** The same, for a body already parsed into a JSON object. */
    public CallQuote fixed(JsonNode root, ModelUse use, String requiredField) {
        ModelCatalogue.Priced model = catalogue.model(root, use);
        JsonNode required = root.get(requiredField);
        if (required == null || required.isNull()) {
            throw new InvalidRequestException(requiredField, "missing_required_parameter",
                    requiredField + " is required");
        }
        return new CallQuote(model.id(), model.price().perCall().orElse(catalogue.config().fixedPerCall()), 0);
    }

    /** A call that names no model (listing the models). */
    public long fixedWithoutModel() {
        return catalogue.config().fixedPerCall();
    }

    /**
     * A document read page by page: the pages the request lists, or {@code default-pages-quoted} when it lists none,
     * at the model's page price plus margin.
     */
    public CallQuote perPage(byte[] body, ModelUse use) {
        return perPage(catalogue.parse(body), use);
    }

    /** The same, for a body already parsed into a JSON object. */
    public CallQuote perPage(JsonNode root, ModelUse use) {
        ModelCatalogue.Priced model = catalogue.model(root, use);
        JsonNode document = root.get("document");
        if (document == null || !document.isObject()) {
            throw new InvalidRequestException("document", "missing_required_parameter",
                    "document is required (a document_url, image_url or file chunk)");
        }
        JsonNode pages = root.get("pages");
        long pageCount = pages != null && pages.isArray() && !pages.isEmpty() ? pages.size()
                : catalogue.config().defaultPagesQuoted();
        long perPage = model.price().perPage().orElseThrow(() -> new IllegalStateException(
                "model " + model.id() + " is sold for " + use.configName() + " but has no per-page price"));
        return new CallQuote(model.id(), catalogue.withMarginClamped(pageCount * perPage, model.price()), pageCount);
    }

    /** @param units pages quoted, or 0 */
    public record CallQuote(String model, long amount, long units) {
    }
}
