package io.mppgateway.mistral.upstream.client;

/** The Mistral API operations sold, by their path (mistral-openapi.yaml). */
public enum MistralOperation {
    CHAT_COMPLETIONS("/v1/chat/completions"),
    FIM_COMPLETIONS("/v1/fim/completions"),
    EMBEDDINGS("/v1/embeddings"),
    MODERATIONS("/v1/moderations"),
    CHAT_MODERATIONS("/v1/chat/moderations"),
    OCR("/v1/ocr");

    private final String path;

    MistralOperation(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }
}
