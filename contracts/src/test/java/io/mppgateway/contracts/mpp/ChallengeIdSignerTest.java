package io.mppgateway.contracts.mpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

/** Challenge ids signed from one shared signer by many threads at once are each exactly the HMAC of their input. */
class ChallengeIdSignerTest {
    private static final String CURRENT = "a-challenge-secret-of-32-bytes-or-more-for-tests";
    private static final String PREVIOUS = "the-previous-challenge-secret-of-32-bytes-or-more";

    @Test
    void signsConcurrentlyExactlyAsAFreshHmacDoes() throws Exception {
        ChallengeIdSigner signer = new ChallengeIdSigner(CURRENT, List.of(PREVIOUS));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        String request = "request-" + thread + "-" + i;
                        String id = signer.sign("realm", "tempo", "charge", request, "2026-12-06T00:00:00Z", null,
                                null, "opaque");
                        String input = ChallengeIdSigner.bindingInput("realm", "tempo", "charge", request,
                                "2026-12-06T00:00:00Z", null, null, "opaque");
                        assertEquals(hmac(CURRENT, input), id);
                        assertTrue(signer.verify(id, "realm", "tempo", "charge", request, "2026-12-06T00:00:00Z", null,
                                "opaque"));
                    }
                    return thread;
                }));
            }
            for (Future<Integer> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void verifiesIdsOfThePreviousSecretAndNoOther() throws Exception {
        ChallengeIdSigner signer = new ChallengeIdSigner(CURRENT, List.of(PREVIOUS));
        String input = ChallengeIdSigner.bindingInput("realm", "tempo", "charge", "request", "expires", "digest", null,
                "opaque");
        assertTrue(signer.verify(hmac(PREVIOUS, input), "realm", "tempo", "charge", "request", "expires", "digest",
                "opaque"));
        assertFalse(signer.verify(hmac("an-unknown-secret-of-32-bytes-or-more-too", input), "realm", "tempo",
                "charge", "request", "expires", "digest", "opaque"));
    }

    private static String hmac(String secret, String input) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64Url.encode(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    }
}
