package io.mppgateway.grok.image;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.mppgateway.grok.routes.MediaCharge;
import io.mppgateway.grok.routes.RequestFields;
import io.mppgateway.paywall.pricing.InvalidRequestException;
import io.mppgateway.paywall.pricing.PricingConfig;
import io.mppgateway.paywall.route.PriceRule;
import io.mppgateway.paywall.route.Quote;
import io.mppgateway.paywall.route.UsageReader;
import io.mppgateway.paywall.usage.Usage;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Image generation and editing (xAI {@code /v1/images/generations}, {@code /v1/images/edits}), priced before payment per image × {@code n} at the
 * resolution's price ceiling plus margin: the worst case of exactly what goes upstream, since {@code n} and the
 * resolution are bounded by the request itself. The cost booked afterwards is xAI's own {@code cost_in_usd_ticks},
 * or the images delivered × the ceiling when the answer has none.
 */
@ApplicationScoped
public class ImagePricing {
    private static final Set<String> FORMATS = Set.of("url", "b64_json");
    private static final Set<String> QUALITIES = Set.of("low", "medium", "high", "auto");

    private final ImagePrices prices;
    private final PricingConfig pricing;

    public ImagePricing(ImagePrices prices, PricingConfig pricing) {
        this.prices = prices;
        this.pricing = pricing;
    }

    /** Image generation: {@code n} images from a prompt. */
    public PriceRule rule() {
        return call -> quote(call.json(), 0);
    }

    /**
     * Image editing: {@code n} images from a prompt and one input {@code image} or several {@code images}; each input
     * image is priced at the input ceiling on top of the output images.
     */
    public PriceRule editRule() {
        return call -> {
            JsonNode root = call.json();
            return quote(root, inputImages(root));
        };
    }

    private int inputImages(JsonNode root) {
        JsonNode one = root.get("image");
        JsonNode many = root.get("images");
        boolean hasOne = one != null && !one.isNull();
        boolean hasMany = many != null && !many.isNull();
        if (hasOne == hasMany) {
            throw new InvalidRequestException(hasOne ? "images" : "image", hasOne ? "invalid_value"
                    : "missing_required_parameter", "exactly one of image and images is required");
        }
        if (hasOne) {
            checkImageUrl(one, "image");
            return 1;
        }
        if (!many.isArray() || many.isEmpty() || many.size() > prices.maxInputImages()) {
            throw new InvalidRequestException("images", "invalid_value",
                    "images must be an array of 1 to " + prices.maxInputImages() + " images");
        }
        for (int i = 0; i < many.size(); i++) {
            checkImageUrl(many.get(i), "images[" + i + "]");
        }
        return many.size();
    }

    private static void checkImageUrl(JsonNode image, String param) {
        if (!image.isObject()) {
            throw new InvalidRequestException(param, "invalid_type", param + " must be an object with url or file_id");
        }
        boolean url = image.path("url").isTextual() && !image.path("url").asText().isBlank();
        boolean file = image.path("file_id").isTextual() && !image.path("file_id").asText().isBlank();
        if (url == file) {
            throw new InvalidRequestException(param, "invalid_value",
                    param + " needs exactly one of url (public or data: URL) and file_id");
        }
    }

    private Quote quote(JsonNode root, int inputImages) {
        RequestFields.requiredText(root, "prompt");
        String modelId = RequestFields.optionalText(root, "model", prices.defaultModel());
        ImagePrices.Model model = prices.models().get(modelId);
        if (model == null) {
            throw new InvalidRequestException("model", "unknown_model", "Invalid model: " + modelId
                    + ". Available for image generation: " + prices.models().keySet().stream().sorted().toList());
        }
        long n = RequestFields.optionalInt(root, "n", 1, prices.maxImages(), 1);
        RequestFields.optionalOneOf(root, "response_format", FORMATS, "url");
        RequestFields.optionalOneOf(root, "quality", QUALITIES, null);
        RequestFields.optionalText(root, "aspect_ratio", null);
        String resolution = RequestFields.optionalOneOf(root, "resolution", model.perImage().keySet(),
                model.defaultResolution());
        if (RequestFields.optionalBoolean(root, "deferred")) {
            // a deferred job answers with a request id to poll later: the paid call would deliver nothing
            throw new InvalidRequestException("deferred", "unsupported_value",
                    "deferred image generation is not sold here; send the request without deferred");
        }
        long perImage = model.perImage().get(resolution);
        long worstCase = Math.addExact(Math.multiplyExact(n, perImage),
                Math.multiplyExact(inputImages, prices.perInputImage()));
        long amount = MediaCharge.amount(worstCase, pricing);
        return Quote.of(modelId, amount)
                .withQuotedUpstreamCost(worstCase)
                .withDetail(modelId + ", " + n + (n == 1 ? " image" : " images") + " at " + resolution
                        + (inputImages == 0 ? "" : " from " + inputImages + " input image" + (inputImages == 1 ? "" : "s")))
                .withUpstreamCost(usage -> usage.upstreamCostFromTicks()
                        .orElse(Math.multiplyExact(usage.images(), perImage)));
    }

    /** The images delivered and xAI's cost figure. */
    public static final UsageReader USAGE = (call, quote, body, parsed) -> {
        if (parsed == null) {
            return Usage.NONE;
        }
        JsonNode ticks = parsed.path("usage").path("cost_in_usd_ticks");
        return Usage.NONE.withImages(parsed.path("data").size())
                .withCostInUsdTicks(ticks.canConvertToLong() ? ticks.asLong() : null);
    };
}
