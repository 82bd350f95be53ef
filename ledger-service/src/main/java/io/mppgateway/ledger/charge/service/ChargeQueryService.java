package io.mppgateway.ledger.charge.service;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.charge.config.ChargeApiConfig;
import io.mppgateway.ledger.charge.domain.Charge;
import io.mppgateway.ledger.charge.domain.ChargeFilter;
import io.mppgateway.ledger.charge.domain.ChargeSplit;
import io.mppgateway.ledger.charge.domain.ChargeStatus;
import io.mppgateway.ledger.charge.domain.PageCursor;
import io.mppgateway.ledger.charge.repository.ChargeRepository;
import io.mppgateway.ledger.charge.repository.ChargeSplitRepository;
import io.mppgateway.ledger.journal.repository.JournalRepository;
import io.mppgateway.ledger.refund.repository.RefundRepository;
import io.mppgateway.ledger.usage.repository.UsageRepository;
import io.smallrye.mutiny.Uni;

/** Finance reads over charges. Parameters arrive as raw strings so that bad input is a 400, not a JAX-RS 404. */
@ApplicationScoped
public class ChargeQueryService {
    private final ChargeRepository charges;
    private final ChargeSplitRepository splits;
    private final UsageRepository usage;
    private final RefundRepository refunds;
    private final JournalRepository journal;
    private final ChargeApiConfig config;

    public ChargeQueryService(ChargeRepository charges, ChargeSplitRepository splits, UsageRepository usage,
            RefundRepository refunds, JournalRepository journal, ChargeApiConfig config) {
        this.charges = charges;
        this.splits = splits;
        this.usage = usage;
        this.refunds = refunds;
        this.journal = journal;
        this.config = config;
    }

    /** Validates synchronously (a bad parameter is a 400 before any query), then reads one page. */
    public Uni<ChargePage> list(ChargeQuery q) {
        ChargeFilter filter = new ChargeFilter(blankToNull(q.provider()), blankToNull(q.route()),
                blankToNull(q.model()), blankToNull(q.payer()), status(q.status()), instant("from", q.from()),
                instant("to", q.to()), limit(q.limit()), cursor(q.after()), flag("costOverPrice", q.costOverPrice()));
        if (filter.from() != null && filter.to() != null && !filter.from().isBefore(filter.to())) {
            throw new InvalidQueryException("from must be before to");
        }
        // one extra row tells whether another page exists without a count query
        return charges.list(filter, filter.limit() + 1).chain(rows -> {
            List<Charge> page = rows.size() <= filter.limit() ? rows : List.copyOf(rows.subList(0, filter.limit()));
            String next = null;
            if (rows.size() > filter.limit()) {
                Charge last = page.get(page.size() - 1);
                next = new PageCursor(last.settledAt(), last.challengeId()).encode();
            }
            String cursor = next;
            return splitTotals(page).map(totals -> new ChargePage(page, totals, cursor));
        });
    }

    /** One charge with its splits, usage, refunds and journal (one session: the queries run one after another). */
    public Uni<ChargeDetail> get(String id) {
        return charges.findByChallengeIdOrChargeId(id)
                .map(found -> found.orElseThrow(() -> new ChargeNotFoundException(id)))
                .chain(charge -> splits.findByChallengeId(charge.challengeId())
                        .chain(s -> usage.findByChallengeId(charge.challengeId())
                                .chain(u -> refunds.findByChallengeId(charge.challengeId())
                                        .chain(r -> journal.findByChallengeId(charge.challengeId())
                                                .map(j -> new ChargeDetail(charge, s, u, r, j))))));
    }

    /** One query for the whole page rather than a join in the keyset listing. */
    private Uni<Map<String, Long>> splitTotals(List<Charge> page) {
        return splits.findByChallengeIds(page.stream().map(Charge::challengeId).toList())
                .map(found -> found.entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> ChargeSplit.total(e.getValue()))));
    }

    private static ChargeStatus status(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return ChargeStatus.fromDb(value.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidQueryException("status must be one of settled, fulfilled, unfulfilled, refunded");
        }
    }

    /** ISO-8601 instant, or null when absent; shared by the other finance queries. */
    public static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidQueryException(name + " must be an ISO-8601 instant such as 2026-11-21T00:00:00Z");
        }
    }

    private int limit(String value) {
        if (value == null || value.isBlank()) {
            return config.defaultLimit();
        }
        int limit;
        try {
            limit = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidQueryException("limit must be an integer");
        }
        if (limit < 1 || limit > config.maxLimit()) {
            throw new InvalidQueryException("limit must be between 1 and " + config.maxLimit());
        }
        return limit;
    }

    private static PageCursor cursor(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return PageCursor.decode(value.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidQueryException("after is not a cursor returned by this API");
        }
    }

    private static boolean flag(String name, String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidQueryException(name + " must be true or false");
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
