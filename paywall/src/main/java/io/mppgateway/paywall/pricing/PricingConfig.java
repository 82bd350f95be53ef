package io.mppgateway.paywall.pricing;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The provider's price table, in base units of the charge currency (pathUSD, 6 decimals) per million tokens:
 * $2.00 per million = 2000000. Integers only; no floating point anywhere in pricing. The table is the one place a
 * provider's prices live: quotes, the upstream cost of each usage, /llms.txt, /openapi.json and the model listings
 * all read it.
 */
@ConfigMapping(prefix = "pricing")
public interface PricingConfig {

    /** When the table's upstream prices were last checked, e.g. 2025-12-01 (published in /llms.txt). */
    Optional<String> asOf();

    /** Where the upstream prices come from (published in /llms.txt). */
    Optional<String> source();

    /** Margin on top of the worst-case upstream cost, in basis points (2000 = 20 %). */
    @WithDefault("2000")
    long marginBps();

    /** Smallest charge per call (Locus charges at least 0.005 USD). */
    @WithDefault("5000")
    long minPerCall();

    /**
     * Largest charge per call, unless the route ({@link #routes()}) or the model says otherwise. A quote above it is
     * refused before payment with the largest acceptable value (never clamped below cost).
     */
    @WithDefault("100000")
    long maxPerCall();

    /** Output tokens quoted, and sent upstream as the output limit, when the request sets none. */
    @WithDefault("1024")
    long defaultOutputTokens();

    /**
     * Request bytes per input token in the worst case: 1, since a byte-level tokenizer (Mistral's Tekken, xAI's) may
     * spend a token on every byte. The whole body sent upstream counts (messages, tools, schemas, every field), but
     * for the images in it, which are priced per image.
     */
    @WithDefault("1")
    long bytesPerInputToken();

    /** Input tokens an image in a chat message may cost at most, unless the model says otherwise. */
    @WithDefault("4096")
    long imageTokens();

    /** Smallest charge of a call priced by its input size (embeddings, moderation): Locus' 0.008 USD. */
    @WithDefault("8000")
    long fixedPerCall();

    /** Pages quoted for a document whose request does not list the pages to read (and sent upstream as its pages). */
    @WithDefault("8")
    long defaultPagesQuoted();

    /** Per paid route (by its name in the route table, e.g. chat, ocr): its own largest charge per call. */
    Map<String, RouteLimits> routes();

    /** The models sold, by the id buyers send. */
    Map<String, ModelPrice> models();

    /**
     * Other ids the upstream serves for a model of {@link #models()} (dated versions, {@code -latest}), by the id
     * they name: sold at that model's price, so an alias never costs less than the model behind it.
     */
    Map<String, String> aliases();

    /** The price of a model or alias id, if it is sold. */
    default Optional<ModelPrice> priceOf(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(models().get(aliases().getOrDefault(id, id)));
    }

    /** Every id sold: the models and their aliases. */
    default Set<String> soldIds() {
        Set<String> ids = new TreeSet<>(models().keySet());
        ids.addAll(aliases().keySet());
        return ids;
    }

    interface RouteLimits {
        Optional<Long> maxPerCall();
    }

    interface ModelPrice {
        /** Upstream price per million input tokens, base units. */
        @WithDefault("0")
        long inputPerMillion();

        /** Upstream price per million cached input tokens (what a cache hit actually costs), else the input price. */
        Optional<Long> cachedInputPerMillion();

        /** Upstream price per million image input tokens, else the input price. */
        Optional<Long> imageInputPerMillion();

        /** Input tokens one image may cost at most, else {@link PricingConfig#imageTokens()}. */
        Optional<Long> imageTokens();

        /** Upstream price per million output tokens (reasoning included), base units. */
        @WithDefault("0")
        long outputPerMillion();

        /** Largest output limit a request may ask for. */
        @WithDefault("32768")
        long maxOutputTokens();

        /**
         * Reasoning tokens one choice may spend beyond the output limit, priced in at the output price: for models
         * whose API does not count reasoning in the output limit (xAI: max_completion_tokens "does not apply to
         * tokens used for reasoning"). 0 when the output limit bounds everything the model writes.
         */
        @WithDefault("0")
        long reasoningTokens();

        /** The model's context window: no request can be billed more input tokens than this. Empty = no cap. */
        Optional<Long> contextTokens();

        /**
         * Tokens in a request (input and output) above which the long-context prices below apply to the whole request
         * (xAI's {@code long_context_threshold}); empty = one price tier.
         */
        Optional<Long> longContextThreshold();

        Optional<Long> longContextInputPerMillion();

        Optional<Long> longContextOutputPerMillion();

        /** Upstream price per document page (OCR), base units. */
        Optional<Long> perPage();

        /** Upstream price per document page when annotations are asked for (OCR), else the page price. */
        Optional<Long> perPageAnnotated();

        /** Smallest charge for this model (calls priced by input size), overriding {@link PricingConfig#fixedPerCall()}. */
        Optional<Long> perCall();

        /** This model's own margin, minimum and maximum per call, overriding the defaults above. */
        Optional<Long> marginBps();

        Optional<Long> minPerCall();

        Optional<Long> maxPerCall();

        /** What the model may be used for: chat, fim, embed, moderate, ocr. */
        @WithDefault("chat")
        Set<String> uses();
    }
}
