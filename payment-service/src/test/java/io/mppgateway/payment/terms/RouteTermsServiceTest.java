package io.mppgateway.payment.terms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.mppgateway.contracts.events.PaymentSplit;
import io.mppgateway.contracts.mpp.PaymentTerms;
import io.mppgateway.payment.config.PaymentConfig;
import io.mppgateway.payment.terms.service.RouteTermsService;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

import org.junit.jupiter.api.Test;

/** Route options as operators write them in properties, read through the real config mapping. */
class RouteTermsServiceTest {
    private static final String PARTNER = "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc";
    private static final String WALLET = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

    @Test
    void fixedAndPercentageSplitsAreIntegerBaseUnitsRoundedDown() {
        RouteTermsService terms = service(Map.of(
                "payment.routes.\"/mistral/ocr\".splits[0].recipient", PARTNER,
                "payment.routes.\"/mistral/ocr\".splits[0].amount", "1500",
                "payment.routes.\"/mistral/ocr\".splits[1].recipient", PARTNER,
                "payment.routes.\"/mistral/ocr\".splits[1].basis-points", "333"));
        PaymentTerms t = terms.termsFor("/mistral/ocr", 25_005);
        // 3.33% of 25,005 = 832.6665 -> 832
        assertEquals(List.of(new PaymentSplit(PARTNER, 1_500, null), new PaymentSplit(PARTNER, 832, null)), t.splits());
        assertEquals(25_005 - 1_500 - 832, t.recipientAmount());
        assertEquals(List.of("pull", "push"), terms.supportedModes(t));
        assertEquals(List.of(), terms.termsFor("/mistral/chat", 25_005).splits(), "other routes have no splits");
    }

    @Test
    void aPercentageThatRoundsToNothingIsLeftOutAndAFixedSplitMustLeaveTheWalletSomething() {
        RouteTermsService percent = service(Map.of(
                "payment.routes.\"/r\".splits[0].recipient", PARTNER,
                "payment.routes.\"/r\".splits[0].basis-points", "100"));
        assertEquals(List.of(), percent.termsFor("/r", 99).splits());
        assertEquals(List.of(new PaymentSplit(PARTNER, 1, null)), percent.termsFor("/r", 100).splits());

        RouteTermsService fixed = service(Map.of(
                "payment.routes.\"/r\".splits[0].recipient", PARTNER,
                "payment.routes.\"/r\".splits[0].amount", "1000"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fixed.termsFor("/r", 1_000));
        assertTrue(e.getMessage().contains("does not cover the splits"), e.getMessage());
        assertEquals(1, fixed.termsFor("/r", 1_001).recipientAmount());
    }

    @Test
    void aRouteMemoIsLowerCasedAndPullOnly() {
        RouteTermsService terms = service(Map.of("payment.routes.\"/r\".memo", "0x" + "AB".repeat(32)));
        PaymentTerms t = terms.termsFor("/r", 10);
        assertEquals("0x" + "ab".repeat(32), t.memo());
        assertEquals(List.of("pull"), terms.supportedModes(t));
    }

    @Test
    void aMisconfiguredRouteStopsTheServiceWithEveryProblemNamed() {
        Map<String, String> bad = new HashMap<>();
        bad.put("payment.routes.\"/r\".memo", "0x1234");
        bad.put("payment.routes.\"/r\".splits[0].recipient", "not-an-address");
        bad.put("payment.routes.\"/r\".splits[0].amount", "5");
        bad.put("payment.routes.\"/r\".splits[0].basis-points", "5");
        bad.put("payment.routes.\"/r\".splits[1].recipient", WALLET);
        bad.put("payment.routes.\"/r\".splits[1].basis-points", "9000");
        bad.put("payment.routes.\"/r\".splits[2].recipient", PARTNER);
        bad.put("payment.routes.\"/r\".splits[2].basis-points", "1000");
        bad.put("payment.routes.\"/r\".splits[2].memo", "memo");
        bad.put("payment.routes.\"/r\".splits[3].recipient", PARTNER);
        bad.put("payment.routes.\"/r\".splits[3].amount", "0");
        bad.put("payment.routes.\"no-slash\".memo", "0x" + "ab".repeat(32));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> service(bad));
        for (String problem : List.of("/r: memo must be 0x and 64 hex digits", "/r split 0: recipient must be",
                "/r split 0: set exactly one of amount and basis-points", "/r split 1: the gateway's own wallet",
                "/r split 2: memo must be", "/r split 3: amount must be positive",
                "/r: the splits' basis points must leave the gateway a share", "route 'no-slash' must be a path")) {
            assertTrue(e.getMessage().contains(problem), problem + " in " + e.getMessage());
        }
    }

    @Test
    void aMemoRouteNeedsPullModeToBeOffered() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> service(Map.of(
                "payment.routes.\"/r\".memo", "0x" + "ab".repeat(32), "payment.supported-modes", "push")));
        assertTrue(e.getMessage().contains("pull is not offered"), e.getMessage());
    }

    private static RouteTermsService service(Map<String, String> routes) {
        Map<String, String> props = new HashMap<>(Map.of("payment.secret-key", "a-test-secret-of-thirty-two-bytes-or-more",
                "payment.recipient", WALLET, "payment.chain-id", "1337"));
        props.putAll(routes);
        PaymentConfig config = new SmallRyeConfigBuilder().withMapping(PaymentConfig.class)
                .withSources(new PropertiesConfigSource(props, "test", 500)).build()
                .getConfigMapping(PaymentConfig.class);
        return new RouteTermsService(config);
    }
}
