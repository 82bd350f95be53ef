package io.mppgateway.paywall.pricing;

/** What a request asks a model to do; a model is sold only for the uses its price entry lists. */
public enum ModelUse {
    CHAT("chat"), FIM("fim"), EMBED("embed"), MODERATE("moderate"), OCR("ocr");

    private final String configName;

    ModelUse(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }
}
