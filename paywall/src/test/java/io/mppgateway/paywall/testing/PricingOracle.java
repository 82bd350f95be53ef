package io.mppgateway.paywall.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.paywall.pricing.PricingConfig;

/**
 * The test's own idea of the most a call can cost upstream, computed from the body the gateway actually sends
 * upstream and the price table, independently of the paywall's pricing code: one token per byte of the body (images
 * apart), every image at the model's image tokens, every choice writing its output limit (or, without one in the
 * upstream body, the whole context window: what the upstream would allow) plus the reasoning the limit does not bound,
 * OCR pages as the upstream body lists them (none listed: unbounded). Exact arithmetic, rounded up once.
 */
public final class PricingOracle {
    private static final BigInteger MILLION = BigInteger.valueOf(1_000_000);
    private static final Set<String> IMAGE_CHUNKS = Set.of("image_url", "input_image");

    private final PricingConfig table;
    private final ObjectMapper mapper = new ObjectMapper();

    public PricingOracle(PricingConfig table) {
        this.table = table;
    }

    /** What the buyer must pay at least for an upstream cost: the cost plus the margin, rounded up. */
    public long withMargin(long upstreamCost, String model) {
        long margin = model == null ? table.marginBps()
                : table.priceOf(model).flatMap(PricingConfig.ModelPrice::marginBps).orElse(table.marginBps());
        return BigInteger.valueOf(upstreamCost).multiply(BigInteger.valueOf(10_000 + margin))
                .add(BigInteger.valueOf(9_999)).divide(BigInteger.valueOf(10_000)).longValueExact();
    }

    /** A chat or FIM call: the input once, every choice's output and reasoning. */
    public long chat(byte[] upstreamBody, String[] outputFields) throws Exception {
        JsonNode body = mapper.readTree(upstreamBody);
        PricingConfig.ModelPrice price = price(body);
        long images = 0;
        long imageBytes = 0;
        for (JsonNode message : body.path("messages")) {
            for (JsonNode chunk : message.path("content")) {
                if (chunk.isObject() && IMAGE_CHUNKS.contains(chunk.path("type").asText())) {
                    images++;
                    imageBytes += utf8(chunk.toString());
                }
            }
        }
        long text = utf8(body.toString()) - imageBytes;
        long textTokens = Math.min(Math.ceilDiv(text, table.bytesPerInputToken()),
                price.contextTokens().orElse(Long.MAX_VALUE));
        long imageTokens = images * price.imageTokens().orElse(table.imageTokens());
        long limit = -1;
        for (String field : outputFields) {
            if (body.hasNonNull(field)) {
                limit = Math.max(limit, body.get(field).asLong());
            }
        }
        if (limit < 0) {
            // the upstream's own default: up to everything the context holds
            limit = price.contextTokens().orElseThrow(() -> new AssertionError("no output limit goes upstream for "
                    + body.path("model").asText() + ": its cost has no bound"));
        }
        long choices = body.hasNonNull("n") ? body.get("n").asLong() : 1;
        long output = choices * (limit + price.reasoningTokens());
        boolean longContext = price.longContextThreshold().map(t -> textTokens + imageTokens + output > t)
                .orElse(false);
        long in = longContext ? price.longContextInputPerMillion().orElse(price.inputPerMillion())
                : price.inputPerMillion();
        long out = longContext ? price.longContextOutputPerMillion().orElse(price.outputPerMillion())
                : price.outputPerMillion();
        BigInteger micro = BigInteger.valueOf(textTokens).multiply(BigInteger.valueOf(in))
                .add(BigInteger.valueOf(imageTokens).multiply(BigInteger.valueOf(price.imageInputPerMillion().orElse(in))))
                .add(BigInteger.valueOf(output).multiply(BigInteger.valueOf(out)));
        return ceilMillion(micro);
    }

    /** Embeddings and moderation: every byte of the body a token at the input price. */
    public long byInput(byte[] upstreamBody) throws Exception {
        JsonNode body = mapper.readTree(upstreamBody);
        long tokens = Math.ceilDiv(utf8(body.toString()), table.bytesPerInputToken());
        return ceilMillion(BigInteger.valueOf(tokens).multiply(BigInteger.valueOf(price(body).inputPerMillion())));
    }

    /** OCR: the pages the upstream body lists, at the (annotated) page price. */
    public long ocr(byte[] upstreamBody) throws Exception {
        JsonNode body = mapper.readTree(upstreamBody);
        PricingConfig.ModelPrice price = price(body);
        JsonNode pages = body.get("pages");
        if (pages == null || pages.isNull()) {
            throw new AssertionError("no pages go upstream: Mistral reads the whole document");
        }
        Set<Long> listed = new TreeSet<>();
        if (pages.isArray()) {
            pages.forEach(p -> listed.add(p.asLong()));
        } else {
            for (String part : pages.asText().split(",")) {
                String[] range = part.trim().split("-");
                long from = Long.parseLong(range[0].trim());
                long to = range.length > 1 ? Long.parseLong(range[1].trim()) : from;
                for (long p = from; p <= to; p++) {
                    listed.add(p);
                }
            }
        }
        boolean annotated = body.hasNonNull("bbox_annotation_format") || body.hasNonNull("document_annotation_format");
        long perPage = annotated ? price.perPageAnnotated().orElse(price.perPage().orElseThrow())
                : price.perPage().orElseThrow();
        return listed.size() * perPage;
    }

    private PricingConfig.ModelPrice price(JsonNode body) {
        PricingConfig.ModelPrice price = table.priceOf(body.path("model").asText()).orElse(null);
        if (price == null) {
            throw new AssertionError("a quoted call names a model the table does not sell: " + body.path("model"));
        }
        return price;
    }

    private static long ceilMillion(BigInteger micro) {
        return micro.add(MILLION).subtract(BigInteger.ONE).divide(MILLION).longValueExact();
    }

    private static long utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
