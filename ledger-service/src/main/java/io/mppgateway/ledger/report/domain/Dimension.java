package io.mppgateway.ledger.report.domain;

import java.util.Locale;

/** What a report can be grouped by. */
public enum Dimension {
    DAY("day"), PROVIDER("provider"), MODEL("model"), PAYER("payer");

    private final String column;

    Dimension(String column) {
        this.column = column;
    }

    /** Column name in the rollup tables; a fixed identifier, never user input. */
    public String column() {
        return column;
    }

    public String param() {
        return name().toLowerCase(Locale.ROOT);
    }
}
