package io.mppgateway.fuzz;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * The fuzzers' benchmark run: {@code -Dfuzz.volume=N} inputs in all, split evenly over the three properties, drawn
 * from the properties' own arbitraries (jqwik's generators, embedded edge cases, one seed) and sent with many
 * requests in flight instead of jqwik's one try after the other. Each answer is judged by the property's own oracle
 * ({@link CredentialFuzz#assertPaymentProblem}, {@link CredentialFuzz#assertHeaderSetAnswer},
 * {@link ProviderBodyFuzz#assertChallengedOrRefused}); a failing answer is counted and kept as an example (the first
 * {@code fuzz.examples}) instead of stopping the run; after each property the same "nothing changed" check as the
 * properties' ({@link LiveStack.State}). Fails at the end if any answer broke its oracle, any request got no answer
 * (timeout or connection error) or the state changed.
 *
 * <p>Only with {@code -Dfuzz.volume} (the pom's {@code fuzz-volume} profile selects this class alone; the normal
 * short run never includes it). Settings: {@code fuzz.concurrency} (requests in flight, default 128),
 * {@code fuzz.seed} (default: the clock; printed, so a run can be repeated), {@code fuzz.volume.properties}
 * (a subset of credentials,headerSets,bodies), {@code fuzz.examples} (default 20), {@code fuzz.volume.dry=true}
 * (generate only: the generators' own cost), and {@code fuzz.exclusive} as for the properties.
 */
@AddLifecycleHook(FuzzVolume.OnlyWithVolume.class)
class FuzzVolume {
    static final long VOLUME = Long.getLong("fuzz.volume", 0);
    static final int CONCURRENCY = Integer.getInteger("fuzz.concurrency", 128);
    static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    static final int EXAMPLES = Integer.getInteger("fuzz.examples", 20);
    /** Generate and build the requests but send nothing: what the generators alone cost (no state check either). */
    static final boolean DRY = Boolean.getBoolean("fuzz.volume.dry");
    static final List<String> PROPERTIES = Arrays.stream(
            System.getProperty("fuzz.volume.properties", "credentials,headerSets,bodies").split(","))
            .map(String::trim).filter(p -> !p.isEmpty()).toList();

    /** Skips this class unless -Dfuzz.volume is given (in case someone selects it by name). */
    public static class OnlyWithVolume implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            return VOLUME > 0 ? SkipResult.doNotSkip() : SkipResult.skip("only with -Dfuzz.volume=N");
        }
    }

    /** One property as the volume run sees it: its arbitrary, how a value becomes a request, its oracle. */
    record Target<T>(String name, Arbitrary<T> values, Function<T, LiveStack.Request> request, Oracle<T> oracle) {
    }

    interface Oracle<T> {
        /** Throws AssertionError, as in the property. */
        void check(T value, LiveStack.Request request, LiveStack.Answer answer);
    }

    static List<Target<?>> targets() {
        CredentialFuzz credentials = new CredentialFuzz();
        ProviderBodyFuzz bodies = new ProviderBodyFuzz();
        List<Target<?>> all = List.of(
                new Target<Tuple2<String, CredentialFuzz.Fuzzed>>("credentials",
                        Combinators.combine(credentials.provider(), credentials.credential()).as(Tuple::of),
                        v -> CredentialFuzz.credentialRequest(v.get1(), v.get2()),
                        (v, r, a) -> CredentialFuzz.assertPaymentProblem(a, r.input())),
                new Target<Tuple2<String, List<CredentialFuzz.Fuzzed>>>("headerSets",
                        Combinators.combine(credentials.provider(), credentials.headerSet()).as(Tuple::of),
                        v -> CredentialFuzz.headerSetRequest(v.get1(), v.get2()),
                        (v, r, a) -> CredentialFuzz.assertHeaderSetAnswer(a, r.input())),
                new Target<Tuple2<ProviderBodyFuzz.Route, ProviderBodyFuzz.Body>>("bodies",
                        Combinators.combine(bodies.route(), bodies.body()).as(Tuple::of),
                        v -> ProviderBodyFuzz.bodyRequest(v.get1(), v.get2()),
                        (v, r, a) -> ProviderBodyFuzz.assertChallengedOrRefused(v.get1(), a, r.input())));
        List<Target<?>> chosen = all.stream().filter(t -> PROPERTIES.contains(t.name())).toList();
        if (chosen.size() != PROPERTIES.size()) {
            throw new IllegalArgumentException("fuzz.volume.properties: choose among credentials,headerSets,bodies; got "
                    + PROPERTIES);
        }
        return chosen;
    }

    /** What one property's volume run saw. */
    static final class Stats {
        final String name;
        final long planned;
        final LongAdder inputs = new LongAdder();
        final LongAdder unsendable = new LongAdder();
        final LongAdder notBuilt = new LongAdder();
        final LongAdder answered = new LongAdder();
        final LongAdder fiveXx = new LongAdder();
        final LongAdder violations = new LongAdder();
        final LongAdder timeouts = new LongAdder();
        final LongAdder noAnswer = new LongAdder();
        final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();
        final AtomicInteger exampleCount = new AtomicInteger();
        long wallNanos;
        String stateChange;

        Stats(String name, long planned) {
            this.name = name;
            this.planned = planned;
        }

        void example(String what) {
            if (exampleCount.getAndIncrement() < EXAMPLES) {
                examples.add(what);
            }
        }

        long failures() {
            return violations.sum() + notBuilt.sum() + timeouts.sum() + noAnswer.sum() + (stateChange == null ? 0 : 1);
        }

        double perSecond() {
            return inputs.sum() / Math.max(wallNanos / 1e9, 1e-9);
        }

        String statuses() {
            StringBuilder b = new StringBuilder();
            new TreeMap<>(byStatus).forEach((s, n) -> b.append(b.isEmpty() ? "" : " ").append(s).append(':').append(n.sum()));
            return b.toString();
        }
    }

    @Example
    void benchmarkRun() throws IOException {
        List<Target<?>> targets = targets();
        List<Stats> all = new ArrayList<>();
        System.out.printf("fuzz volume: %,d inputs split over %s, concurrency %d, seed %d (-Dfuzz.seed=%d repeats it)%n",
                VOLUME, PROPERTIES, CONCURRENCY, SEED, SEED);
        for (int i = 0; i < targets.size(); i++) {
            long share = VOLUME / targets.size() + (i < VOLUME % targets.size() ? 1 : 0);
            all.add(run(targets.get(i), share, new Random(SEED + i)));
        }
        String summary = summary(all);
        System.out.println(summary);
        Path file = Path.of("target", "fuzz-volume.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, summary, StandardCharsets.UTF_8);
        long failures = all.stream().mapToLong(Stats::failures).sum();
        if (failures > 0) {
            throw new AssertionError(failures + " failures in the volume run (see the summary above, also in " + file + ")");
        }
    }

    private static <T> Stats run(Target<T> target, long n, Random random) {
        Stats s = new Stats(target.name(), n);
        LiveStack.State before = LiveStack.State.now();
        // genSize = the tries, as jqwik sizes a property's generators with -Djqwik.tries.default
        RandomGenerator<T> generator = target.values().generatorWithEmbeddedEdgeCases((int) Math.min(n, Integer.MAX_VALUE));
        Semaphore slots = new Semaphore(CONCURRENCY);
        long start = System.nanoTime();
        long lastReport = start;
        for (long i = 0; i < n; i++) {
            T value = generator.next(random).value();
            s.inputs.increment();
            LiveStack.Request request;
            HttpRequest http;
            try {
                request = target.request().apply(value);
            } catch (RuntimeException e) {
                s.notBuilt.increment(); // e.g. no fresh challenge from the provider: fails the property too
                s.example("could not build the request for " + value + ": " + e);
                continue;
            }
            try {
                http = request.http();
            } catch (IllegalArgumentException e) {
                s.unsendable.increment(); // what the property skips with Assume (control characters in a header)
                continue;
            }
            if (DRY) {
                continue;
            }
            slots.acquireUninterruptibly();
            LiveStack.sendAsync(http).whenComplete((a, e) -> {
                try {
                    judge(target, s, value, request, a, e);
                } finally {
                    slots.release();
                }
            });
            long now = System.nanoTime();
            if (now - lastReport > 10_000_000_000L) {
                lastReport = now;
                System.out.printf("  %s: %,d/%,d inputs, %.0f/s, %d failures so far%n", s.name, i + 1, n,
                        (i + 1) / ((now - start) / 1e9), s.failures());
            }
        }
        slots.acquireUninterruptibly(CONCURRENCY);
        s.wallNanos = System.nanoTime() - start;
        if (DRY) {
            return s;
        }
        try {
            Thread.sleep(1000); // an outbox row or upstream call caused by the last inputs would show by now
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            LiveStack.State.now().unchangedSince(before, target.name() + " (volume run)");
        } catch (AssertionError e) {
            s.stateChange = e.getMessage();
        }
        return s;
    }

    private static <T> void judge(Target<T> target, Stats s, T value, LiveStack.Request request, LiveStack.Answer a,
            Throwable e) {
        if (e != null) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof HttpTimeoutException) {
                s.timeouts.increment();
                s.example("timeout for " + request.input());
            } else {
                s.noAnswer.increment();
                s.example("no answer (" + cause + ") for " + request.input());
            }
            return;
        }
        s.answered.increment();
        s.byStatus.computeIfAbsent(a.status(), k -> new LongAdder()).increment();
        if (a.status() >= 500) {
            s.fiveXx.increment();
        }
        LiveStack.saw(a);
        try {
            target.oracle().check(value, request, a);
        } catch (AssertionError | RuntimeException failure) {
            s.violations.increment();
            s.example(String.valueOf(failure.getMessage()));
        }
    }

    static String summary(List<Stats> all) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%nfuzz volume run%s: seed %d, concurrency %d, exclusive %s, %d challenges seen%n",
                DRY ? " (dry: generated, nothing sent)" : "", SEED, CONCURRENCY, LiveStack.EXCLUSIVE,
                LiveStack.CHALLENGE_IDS.size()));
        b.append(String.format("%-11s %10s %10s %9s %10s %6s %10s %8s %9s %9s %9s  %s%n", "property", "inputs",
                "unsendable", "not built", "answered", "5xx", "violations", "timeouts", "no answer", "wall s", "inputs/s",
                "answers by status"));
        long inputs = 0;
        long wall = 0;
        for (Stats s : all) {
            b.append(String.format("%-11s %,10d %,10d %,9d %,10d %,6d %,10d %,8d %,9d %9.1f %,9.0f  %s%n", s.name,
                    s.inputs.sum(), s.unsendable.sum(), s.notBuilt.sum(), s.answered.sum(), s.fiveXx.sum(),
                    s.violations.sum(), s.timeouts.sum(), s.noAnswer.sum(), s.wallNanos / 1e9, s.perSecond(),
                    s.statuses()));
            inputs += s.inputs.sum();
            wall += s.wallNanos;
        }
        b.append(String.format("%-11s %,10d %68s %9.1f %,9.0f%n", "total", inputs, "", wall / 1e9,
                inputs / Math.max(wall / 1e9, 1e-9)));
        for (Stats s : all) {
            b.append(s.name).append(": state ").append(DRY ? "not checked (dry)"
                    : s.stateChange == null ? "unchanged" : "CHANGED: " + s.stateChange).append('\n');
            if (s.exampleCount.get() > 0) {
                b.append("  first ").append(s.examples.size()).append(" of ").append(s.exampleCount.get())
                        .append(" failures:\n");
                s.examples.forEach(x -> b.append("  - ").append(x).append('\n'));
            }
        }
        return b.toString();
    }
}
