package io.mppgateway.ledger.report.domain;

import java.time.LocalDate;

/** One group of a report; the dimensions not grouped by are null. */
public record ReportRow(LocalDate day, String provider, String model, String payer, ReportFigures figures) {
}
