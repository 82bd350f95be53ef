package io.mppgateway.paywall.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

import io.mppgateway.paywall.upstream.UpstreamOperation;

/**
 * A paid route, declared once: the paths it is sold on, how it is priced, the largest body it takes, the upstream
 * operation it calls, what the challenge calls it, and whether it may stream. The HTTP routes, /openapi.json,
 * /llms.txt and the price table are all derived from these declarations (a provider's {@link RouteTable}).
 *
 * @param name          short name, unique in the table (logs, metrics)
 * @param paths         where it is sold (several paths may sell the same thing: Locus-style and API-compatible)
 * @param description   ASCII, the start of the challenge's description (the quote's detail follows)
 * @param price         validates and prices a request before payment
 * @param maxBodyBytes  the largest body accepted (413 above it, before payment); empty = paywall.max-body-bytes
 * @param upstream      the provider API operation called after payment
 * @param streaming     whether a quote asking for a stream is relayed as server-sent events
 * @param shaper        what goes upstream (by default the body the quote covers: the buyer's, with the bounds
 *                      the price rule added)
 * @param usage         what a JSON answer used (the OpenAI-style usage by default)
 * @param answer        what of a successful JSON answer the buyer gets (the upstream's bytes by default)
 * @param requestSchema the provider's schema of the request body, for discovery (null for bodiless calls)
 */
public record PaidRoute(String name, List<SoldPath> paths, String description, PriceRule price,
        OptionalLong maxBodyBytes, UpstreamOperation upstream, boolean streaming, UpstreamRequest.Shaper shaper,
        UsageReader usage, AnswerShaper answer, String requestSchema) {

    public PaidRoute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(price, "price of " + name);
        Objects.requireNonNull(upstream, "upstream of " + name);
        Objects.requireNonNull(description, "description of " + name);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("route " + name + " is sold on no path");
        }
        if (!description.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("description of " + name + " must be printable ASCII");
        }
        paths = List.copyOf(paths);
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    /** Builds one declaration; everything but the paths, description, price and upstream has a default. */
    public static final class Builder {
        private final String name;
        private final List<SoldPath> paths = new ArrayList<>();
        private String description;
        private PriceRule price;
        private OptionalLong maxBodyBytes = OptionalLong.empty();
        private UpstreamOperation upstream;
        private boolean streaming;
        private UpstreamRequest.Shaper shaper = UpstreamRequest::asQuoted;
        private UsageReader usage = UsageReaders.OPENAI;
        private AnswerShaper answer = AnswerShaper.AS_IS;
        private String requestSchema;

        private Builder(String name) {
            this.name = name;
        }

        public Builder post(String path, String operationId, String summary) {
            paths.add(new SoldPath("POST", path, operationId, summary));
            return this;
        }

        public Builder get(String path, String operationId, String summary) {
            paths.add(new SoldPath("GET", path, operationId, summary));
            return this;
        }

        public Builder describedAs(String challengeDescription) {
            this.description = challengeDescription;
            return this;
        }

        public Builder pricedBy(PriceRule rule) {
            this.price = rule;
            return this;
        }

        public Builder maxBodyBytes(long limit) {
            this.maxBodyBytes = OptionalLong.of(limit);
            return this;
        }

        public Builder upstream(UpstreamOperation operation) {
            this.upstream = operation;
            return this;
        }

        /** stream:true is relayed as server-sent events. */
        public Builder streams() {
            this.streaming = true;
            return this;
        }

        public Builder shapedBy(UpstreamRequest.Shaper requestShaper) {
            this.shaper = requestShaper;
            return this;
        }

        public Builder usageFrom(UsageReader reader) {
            this.usage = reader;
            return this;
        }

        /** The buyer gets this of a successful JSON answer (e.g. a model list with this gateway's prices). */
        public Builder answeredWith(AnswerShaper answerShaper) {
            this.answer = answerShaper;
            return this;
        }

        public Builder requestSchema(String schemaName) {
            this.requestSchema = schemaName;
            return this;
        }

        public PaidRoute build() {
            return new PaidRoute(name, paths, description, price, maxBodyBytes, upstream, streaming, shaper, usage,
                    answer, requestSchema);
        }
    }
}
