package io.mppgateway.grok.image;

import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * What xAI charges per generated image, in base units of pathUSD, by model and resolution: the price a buyer's
 * request can cost at worst (any quality), which its charge must cover. Dated and sourced in application.properties.
 */
@ConfigMapping(prefix = "grok.images")
public interface ImagePrices {

    /** The model used when a request names none (xAI's default). */
    @WithDefault("grok-imagine-image")
    String defaultModel();

    /** Largest {@code n} xAI accepts (GenerateImageRequest.n maximum). */
    @WithDefault("10")
    int maxImages();

    /** Most input images one edit takes. */
    @WithDefault("10")
    int maxInputImages();

    /** Upstream price ceiling of one input image of an edit, base units. */
    long perInputImage();

    /** The image models sold, by the id buyers send. */
    Map<String, Model> models();

    interface Model {
        /** Resolution used when a request names none. */
        @WithDefault("1k")
        String defaultResolution();

        /** Upstream price ceiling of one image, base units, by resolution (1k, 1.5k, 2k). */
        Map<String, Long> perImage();
    }
}
