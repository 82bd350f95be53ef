package io.mppgateway.ledger.report.domain;

import java.time.LocalDate;
import java.util.Comparator;

/** One rollup row: the UTC day of the fact, its provider, and the model or the payer (by table). */
public record RollupKey(LocalDate day, String provider, String value) implements Comparable<RollupKey> {
    private static final Comparator<RollupKey> ORDER = Comparator.comparing(RollupKey::day)
            .thenComparing(RollupKey::provider).thenComparing(RollupKey::value);

    @Override
    public int compareTo(RollupKey o) {
        return ORDER.compare(this, o);
    }
}
