package io.mppgateway.paywall.testing;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.paywall.pricing.CallPricing;
import io.mppgateway.paywall.pricing.ChatPricing;
import io.mppgateway.paywall.pricing.ModelCatalogue;
import io.mppgateway.paywall.pricing.PriceRules;
import io.mppgateway.paywall.pricing.PricingConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** A price table ({@code pricing.*}) read as the service reads it, without starting the service. */
public final class PriceTables {
    private PriceTables() {
    }

    /** The {@code pricing.*} keys of a properties map (other keys are ignored). */
    public static PricingConfig of(Map<String, String> properties) {
        Map<String, String> pricing = new HashMap<>();
        properties.forEach((key, value) -> {
            if (key.startsWith("pricing.")) {
                pricing.put(key, value);
            }
        });
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(PricingConfig.class)
                .withSources(new PropertiesConfigSource(pricing, "price table", 100)).build();
        return config.getConfigMapping(PricingConfig.class);
    }

    /** The price table of the service's own {@code application.properties} (its default profile). */
    public static PricingConfig ofServiceProperties() {
        return of(serviceProperties());
    }

    /** A configuration mapping of the service's own {@code application.properties}, e.g. a provider's own prices. */
    public static <T> T mapping(Class<T> type, String prefix) {
        Map<String, String> mine = new HashMap<>();
        serviceProperties().forEach((key, value) -> {
            if (key.startsWith(prefix + ".")) {
                mine.put(key, value);
            }
        });
        return new SmallRyeConfigBuilder().withMapping(type)
                .withSources(new PropertiesConfigSource(mine, "service properties", 100)).build()
                .getConfigMapping(type);
    }

    private static Map<String, String> serviceProperties() {
        try (InputStream in = PriceTables.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in == null) {
                throw new IllegalStateException("no application.properties on the classpath");
            }
            Properties properties = new Properties();
            properties.load(in);
            Map<String, String> map = new HashMap<>();
            properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
            return map;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The price rules a service declares its routes with, over this table. */
    public static PriceRules rules(PricingConfig table) {
        ModelCatalogue catalogue = catalogue(table);
        return new PriceRules(catalogue, new ChatPricing(catalogue), new CallPricing(catalogue));
    }

    public static ModelCatalogue catalogue(PricingConfig table) {
        return new ModelCatalogue(table, new ObjectMapper());
    }
}
