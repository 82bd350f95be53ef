package io.mppgateway.ledger.support;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.mppgateway.ledger.support.TestEvents.Settled;

/**
 * A generated history of charges (settlement, usage, sometimes a refund) with the ledger figures it must produce,
 * computed independently of the ledger code. {@link #shuffledWithDuplicates} is what a consumer sees under
 * redelivery and cross-topic reordering.
 */
public final class EventStream {
    private final String[] models;
    /** Partners paid a share of some charges; fresh, so their expense accounts belong to this stream. */
    private final String[] splitRecipients;

    public final String provider;
    public final String recipient;
    public final List<TestEvents.Event<?>> events = new ArrayList<>();
    /** challengeId -> expected final status. */
    public final Map<String, String> expectedStatus = new HashMap<>();
    public final Map<String, Long> expectedBalances = new HashMap<>();
    public long settled;
    public long calls;
    public long fulfilledCalls;
    public long revenue;
    public long refunds;
    public long upstreamCost;
    public long splitCost;
    public long promptTokens;
    public long completionTokens;
    public long totalTokens;
    public long reasoningTokens;
    public long cachedTokens;
    public long images;
    public long characters;
    public long pages;
    public long toolCalls;
    public long quotedUpstreamCost;
    /** challengeId -> what its attempts cost upstream. */
    public final Map<String, Long> chargeUpstreamCost = new HashMap<>();
    public final Map<String, Long> revenueByModel = new HashMap<>();

    /**
     * @param charges how many charges; every event happens on {@code day} (UTC), so that the rollups of a day no other
     *                test uses hold this stream only. The wallet and the model names are fresh, so their accounts
     *                belong to this stream; the provider's shared accounts are checked over this stream's journal.
     */
    public EventStream(long seed, int charges, Instant day, String provider) {
        Random random = new Random(seed);
        // splits draw from their own sequence, so the rest of a seeded stream is what it was before splits existed
        Random splitRandom = new Random(~seed);
        this.provider = provider;
        this.recipient = TestEvents.address();
        this.splitRecipients = new String[] { TestEvents.address(), TestEvents.address().toUpperCase().replace("0X", "0x") };
        String suffix = TestEvents.suffix();
        this.models = new String[] { "model-a-" + suffix, "model-b-" + suffix, "model-c-" + suffix };
        Map<String, Long> splitExpenses = new HashMap<>();
        for (int i = 0; i < charges; i++) {
            long amount = 5_000 + random.nextInt(95_000);
            Instant at = day.plus(random.nextInt(20 * 3600), ChronoUnit.SECONDS);
            Settled s = TestEvents.settled().with("provider", provider).with("route", "/" + provider + "/chat")
                    .with("realm", provider + ".gateway.local").with("recipient", recipient)
                    .with("amount", amount).with("settledAt", at);
            // a quarter of the charges pay one or two partners a share (at most a quarter of the amount each)
            if (splitRandom.nextInt(4) == 0) {
                int n = 1 + splitRandom.nextInt(2);
                for (int k = 0; k < n; k++) {
                    String to = splitRecipients[splitRandom.nextInt(splitRecipients.length)];
                    long share = 1 + splitRandom.nextInt((int) (amount / 4));
                    s.withSplit(to, share, splitRandom.nextBoolean() ? null : TestEvents.memo());
                    splitCost += share;
                    splitExpenses.merge("expenses:splits:" + to.toLowerCase(), share, Long::sum);
                }
            }
            events.add(s);
            settled += amount;
            String model = models[random.nextInt(models.length)];
            int kind = random.nextInt(10);
            boolean delivered = false;
            boolean anyUsage = true;
            // 0-4 fulfilled; 5 failed then redeemed; 6-7 failed (then refunded half the time); 8 the client left, half
            // of the time after part of a stream reached it (delivered: v2); 9 none, or abandoned (replica died)
            if (kind <= 4) {
                usage(s, "FULFILLED", null, model, at.plusSeconds(2), random);
                delivered = true;
            } else if (kind == 5) {
                usage(s, "UPSTREAM_FAILED", null, model, at.plusSeconds(2), random);
                usage(s, "REDEEMED", null, model, at.plusSeconds(60), random);
                delivered = true;
            } else if (kind <= 7) {
                usage(s, "UPSTREAM_FAILED", false, model, at.plusSeconds(2), random);
            } else if (kind == 8) {
                delivered = random.nextBoolean();
                usage(s, "CLIENT_GONE", delivered, model, at.plusSeconds(2), random);
            } else if (random.nextBoolean()) {
                usage(s, "ABANDONED", false, model, at.plusSeconds(300), random);
            } else {
                anyUsage = false;
            }
            // refunds: most for failed calls; a few after delivery (the revenue is then reversed)
            boolean refunded = (kind == 6 && random.nextBoolean()) || (kind == 0 && random.nextInt(20) == 0);
            if (refunded) {
                events.add(TestEvents.refunded(s, amount).with("refundedAt", at.plusSeconds(120)));
                refunds += amount;
            }
            if (delivered && !refunded) {
                revenue += amount;
                revenueByModel.merge("revenue:" + provider + ":" + model, amount, Long::sum);
            }
            expectedStatus.put(s.challengeId(), refunded ? "refunded"
                    : delivered ? "fulfilled" : anyUsage ? "unfulfilled" : "settled");
        }
        // the wallet received each charge minus its splits and refunds the whole amount: the gateway bears the splits
        expectedBalances.put("assets:wallet:" + recipient, settled - splitCost - refunds);
        expectedBalances.putAll(splitExpenses);
        long unearned = settled - revenue - refunds;
        expectedBalances.put("liabilities:unearned:" + provider, -unearned);
        expectedBalances.put("expenses:upstream:" + provider, upstreamCost);
        expectedBalances.put("liabilities:upstream-payable:" + provider, -upstreamCost);
        revenueByModel.forEach((account, amount) -> expectedBalances.put(account, -amount));
    }

    public List<String> challengeIds() {
        return List.copyOf(expectedStatus.keySet());
    }

    public boolean isOwnAccount(String account) {
        return account.equals("assets:wallet:" + recipient)
                || java.util.Arrays.stream(models).anyMatch(m -> account.equals("revenue:" + provider + ":" + m))
                || java.util.Arrays.stream(splitRecipients)
                        .anyMatch(r -> account.equals("expenses:splits:" + r.toLowerCase()));
    }

    /** One attempt; {@code delivered} null: a v1-style event without the field (derived from the outcome). */
    private void usage(Settled s, String outcome, Boolean delivered, String model, Instant at, Random random) {
        long prompt = random.nextInt(2_000);
        long completion = random.nextInt(1_000);
        long reasoning = random.nextInt(3) == 0 ? random.nextInt(500) : 0;
        long cached = random.nextInt(300);
        long img = random.nextInt(5) == 0 ? 1 + random.nextInt(4) : 0;
        long chars = random.nextInt(5) == 0 ? random.nextInt(5_000) : 0;
        long pg = random.nextInt(5) == 0 ? 1 + random.nextInt(20) : 0;
        long tools = random.nextInt(4) == 0 ? random.nextInt(6) : 0;
        long cost = random.nextInt(3) == 0 ? 0 : random.nextInt(4_000);
        long quoted = cost + random.nextInt(6_000);
        TestEvents.Usage u = TestEvents.usage(s, outcome).with("model", model)
                .tokens(prompt, completion, prompt + completion + reasoning, reasoning, cached)
                .units(img, chars, pg, tools).with("upstreamCost", cost).with("quotedUpstreamCost", quoted)
                .with("recordedAt", at);
        if (delivered != null) {
            u.with("delivered", delivered);
        }
        events.add(u);
        calls++;
        boolean wasDelivered = delivered != null ? delivered : outcome.equals("FULFILLED") || outcome.equals("REDEEMED");
        if (wasDelivered) {
            fulfilledCalls++;
        }
        upstreamCost += cost;
        chargeUpstreamCost.merge(s.challengeId(), cost, Long::sum);
        promptTokens += prompt;
        completionTokens += completion;
        totalTokens += prompt + completion + reasoning;
        reasoningTokens += reasoning;
        cachedTokens += cached;
        images += img;
        characters += chars;
        pages += pg;
        toolCalls += tools;
        quotedUpstreamCost += quoted;
    }

    /** Every event at least once, about a quarter of them twice or three times, in random order. */
    public List<TestEvents.Event<?>> shuffledWithDuplicates(long seed) {
        Random random = new Random(seed);
        List<TestEvents.Event<?>> out = new ArrayList<>(events);
        for (TestEvents.Event<?> e : events) {
            if (random.nextInt(4) == 0) {
                out.add(e);
                if (random.nextBoolean()) {
                    out.add(e);
                }
            }
        }
        Collections.shuffle(out, random);
        return out;
    }
}
