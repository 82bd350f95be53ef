package io.mppgateway.paywall.pricing;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Quotes for the calls that are not priced by an output limit: calls priced by their input size (embeddings,
 * moderation), documents priced per page (OCR) and calls at a fixed price.
 */
@ApplicationScoped
public class CallPricing {
    /** The largest page index a request may name (Mistral reads pages by their 0-based index). */
    private static final int MAX_PAGE_INDEX = 100_000;

    private final ModelCatalogue catalogue;

    public CallPricing(ModelCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /**
     * A call whose whole input is billed as tokens (embeddings, moderation): every body byte a token at the model's
     * input price, plus margin, at least the model's per-call price (or {@code fixed-per-call}).
     */
    public CallQuote byInputSize(JsonNode root, String route, ModelUse use, String requiredField) {
        ModelCatalogue.Priced model = catalogue.model(root, use);
        JsonNode required = root.get(requiredField);
        if (required == null || required.isNull()) {
            throw new InvalidRequestException(requiredField, "missing_required_parameter",
                    requiredField + " is required");
        }
        PricingConfig.ModelPrice price = model.price();
        long minimum = minimum(price);
        long bytes = root.toString().getBytes(StandardCharsets.UTF_8).length;
        long upstream = inputCost(bytes, price);
        long amount = catalogue.charge(upstream, price, minimum);
        long max = catalogue.maxPerCall(price, route);
        if (amount > max) {
            long fitting = ModelCatalogue.largestWithin(bytes, max,
                    b -> catalogue.charge(inputCost(b, price), price, minimum));
            throw new InvalidRequestException(requiredField, "request_too_large", requiredField + " must be ≤ "
                    + ModelCatalogue.grouped(fitting) + " bytes of JSON for one paid call to " + model.id()
                    + " (this request has " + ModelCatalogue.grouped(bytes) + ")");
        }
        return new CallQuote(model.id(), amount, upstream, bytes, null);
    }

    /** The smallest charge of a call priced by input size. */
    public long minimum(PricingConfig.ModelPrice price) {
        return price.perCall().orElse(catalogue.config().fixedPerCall());
    }

    /** {@code bytes} of input at one token a byte (the worst case), at the model's input price. */
    public long inputCost(long bytes, PricingConfig.ModelPrice price) {
        return ModelCatalogue.tokenCost(Math.ceilDiv(bytes, catalogue.config().bytesPerInputToken()),
                price.inputPerMillion());
    }

    /** A call that names no model (listing the models). */
    public long fixedWithoutModel() {
        return catalogue.config().fixedPerCall();
    }

    /**
     * A document read page by page: the pages the request lists, or the first {@code default-pages-quoted} pages when
     * it lists none (then sent upstream as its {@code pages}, so Mistral reads no more than were paid for), at the
     * model's page price (its annotated page price when annotations are asked for) plus margin.
     */
    public CallQuote perPage(JsonNode root, String route, ModelUse use) {
        ModelCatalogue.Priced model = catalogue.model(root, use);
        JsonNode document = root.get("document");
        if (document == null || !document.isObject()) {
            throw new InvalidRequestException("document", "missing_required_parameter",
                    "document is required (a document_url, image_url or file chunk)");
        }
        PricingConfig.ModelPrice price = model.price();
        long perPage = pagePrice(root, model);
        JsonNode pages = root.get("pages");
        byte[] upstreamBody = null;
        long pageCount;
        boolean listed = pages != null && !pages.isNull();
        if (listed) {
            pageCount = pagesListed(pages);
        } else {
            pageCount = catalogue.config().defaultPagesQuoted();
            ObjectNode bounded = root.deepCopy();
            ArrayNode quoted = bounded.putArray("pages");
            for (int page = 0; page < pageCount; page++) {
                quoted.add(page);
            }
            upstreamBody = bounded.toString().getBytes(StandardCharsets.UTF_8);
        }
        long amount = catalogue.charge(pageCount * perPage, price);
        long max = catalogue.maxPerCall(price, route);
        if (amount > max) {
            long fitting = ModelCatalogue.largestWithin(pageCount, max, p -> catalogue.charge(p * perPage, price));
            throw new InvalidRequestException("pages", "invalid_value", "pages must list ≤ "
                    + ModelCatalogue.grouped(fitting) + " pages for one paid call to " + model.id()
                    + (listed ? "" : " (none were listed: " + pageCount + " would be quoted and read)"));
        }
        return new CallQuote(model.id(), amount, pageCount * perPage, pageCount, upstreamBody);
    }

    /** The page price of this request: annotations (bbox or document) are billed at the annotated page price. */
    public long pagePrice(JsonNode root, ModelCatalogue.Priced model) {
        long perPage = model.price().perPage().orElseThrow(() -> new IllegalStateException(
                "model " + model.id() + " is sold for OCR but has no per-page price"));
        boolean annotated = isSet(root.get("bbox_annotation_format")) || isSet(root.get("document_annotation_format"));
        return annotated ? model.price().perPageAnnotated().orElse(perPage) : perPage;
    }

    private static boolean isSet(JsonNode node) {
        return node != null && !node.isNull();
    }

    /** Distinct pages of {@code pages}: a list of 0-based indexes, or a string such as "0,2-4". */
    static long pagesListed(JsonNode pages) {
        BitSet read = new BitSet();
        if (pages.isArray()) {
            for (JsonNode page : pages) {
                if (!page.isIntegralNumber() || !page.canConvertToInt() || page.asInt() < 0
                        || page.asInt() > MAX_PAGE_INDEX) {
                    throw invalidPages();
                }
                read.set(page.asInt());
            }
        } else if (pages.isTextual()) {
            for (String part : pages.asText().split(",", -1)) {
                String[] range = part.trim().split("-", -1);
                if (range.length > 2) {
                    throw invalidPages();
                }
                int from = pageIndex(range[0]);
                int to = range.length == 2 ? pageIndex(range[1]) : from;
                if (to < from) {
                    throw invalidPages();
                }
                read.set(from, to + 1);
            }
        } else {
            throw invalidPages();
        }
        if (read.isEmpty()) {
            throw invalidPages();
        }
        return read.cardinality();
    }

    private static int pageIndex(String text) {
        try {
            int page = Integer.parseInt(text.trim());
            if (page < 0 || page > MAX_PAGE_INDEX) {
                throw invalidPages();
            }
            return page;
        } catch (NumberFormatException e) {
            throw invalidPages();
        }
    }

    private static InvalidRequestException invalidPages() {
        return new InvalidRequestException("pages", "invalid_value", "pages must be a non-empty list of page "
                + "numbers from 0 to " + MAX_PAGE_INDEX + ", or a string such as \"0,2-4\"");
    }

    /**
     * @param upstreamCostCeiling the worst-case upstream cost, base units
     * @param units               bytes of input or pages quoted
     * @param upstreamBody        what goes upstream when the gateway bounded the body (the pages quoted), or null
     */
    public record CallQuote(String model, long amount, long upstreamCostCeiling, long units, byte[] upstreamBody) {
    }
}
