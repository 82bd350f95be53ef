package io.mppgateway.paywall.route;

import io.mppgateway.paywall.usage.OpenAiUsage;

/** The usage readers routes share. */
public final class UsageReaders {
    private UsageReaders() {
    }

    /** The OpenAI-style {@code usage} of the answer (and the pages a document answer read). */
    public static final UsageReader OPENAI = (call, quote, body, parsed) -> OpenAiUsage.ofAnswer(parsed);
}
