package io.mppgateway.ledger.export.service;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.charge.service.ChargeQueryService;
import io.mppgateway.ledger.charge.service.InvalidQueryException;
import io.mppgateway.ledger.export.config.ExportConfig;
import io.mppgateway.ledger.export.repository.ExportRepository;
import io.mppgateway.ledger.export.repository.ExportRepository.ChargeLine;
import io.mppgateway.ledger.export.repository.ExportRepository.PostingLine;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * RFC 4180 CSV of charges and of postings for a time range, as a stream of text chunks: the header, then one chunk
 * per keyset page, each read only when the client has taken the one before (back-pressure, no long transaction).
 */
@ApplicationScoped
public class CsvExportService {
    public static final String CHARGES_HEADER = "settled_at,charge_id,challenge_id,provider,route,model,payer,recipient,"
            + "amount,currency,chain_id,tx_hash,mode,status,prompt_tokens,completion_tokens,total_tokens,upstream_cost,"
            // usage.recorded v2, appended so that imports reading the columns above by position keep working
            + "reasoning_tokens,cached_tokens,images,characters,pages,tool_calls,quoted_upstream_cost,cost_in_usd_ticks";
    public static final String POSTINGS_HEADER =
            "occurred_at,transaction_id,kind,challenge_id,charge_id,posting_id,account,debit,credit";

    /** A validated [from, to) range. */
    public record Range(Instant from, Instant to) {
    }

    private final ExportRepository repository;
    private final ExportConfig config;

    public CsvExportService(ExportRepository repository, ExportConfig config) {
        this.repository = repository;
        this.config = config;
    }

    /** Validates before the response starts, so that bad input is still a 400 and not a broken download. */
    public Range range(String from, String to) {
        Instant start = ChargeQueryService.instant("from", from);
        Instant end = ChargeQueryService.instant("to", to);
        if (start == null || end == null) {
            throw new InvalidQueryException("from and to are required (ISO-8601 instants)");
        }
        if (!start.isBefore(end)) {
            throw new InvalidQueryException("from must be before to");
        }
        return new Range(start, end);
    }

    public Multi<String> charges(Range range) {
        int size = config.chunkSize();
        // the keyset position of the next chunk: after the last row of the previous one
        Object[] after = { Instant.EPOCH, "" };
        return csv(CHARGES_HEADER, () -> repository.charges(range.from(), range.to(), (Instant) after[0],
                (String) after[1], size).invoke(chunk -> {
                    if (!chunk.isEmpty()) {
                        after[0] = chunk.getLast().settledAt();
                        after[1] = chunk.getLast().challengeId();
                    }
                }), chunk -> chunk.size() == size, c -> row(c.settledAt(), c.chargeId(), c.challengeId(),
                        c.provider(), c.route(), c.model(), c.payer(), c.recipient(), c.amount(), c.currency(),
                        c.chainId(), c.txHash(), c.mode(), c.status(), c.promptTokens(), c.completionTokens(),
                        c.totalTokens(), c.upstreamCost(), c.reasoningTokens(), c.cachedTokens(), c.images(),
                        c.characters(), c.pages(), c.toolCalls(), c.quotedUpstreamCost(), c.costInUsdTicks()));
    }

    public Multi<String> postings(Range range) {
        int size = config.chunkSize();
        Object[] after = { Instant.EPOCH, 0L };
        return csv(POSTINGS_HEADER, () -> repository.postings(range.from(), range.to(), (Instant) after[0],
                (Long) after[1], size).invoke(chunk -> {
                    if (!chunk.isEmpty()) {
                        after[0] = chunk.getLast().occurredAt();
                        after[1] = chunk.getLast().transactionId();
                    }
                }),
                // a chunk is whole transactions: full when it holds `size` of them
                chunk -> chunk.stream().mapToLong(PostingLine::transactionId).distinct().count() == size,
                p -> row(p.occurredAt(), p.transactionId(), p.kind(), p.challengeId(), p.chargeId(), p.postingId(),
                        p.account(), p.debit(), p.credit()));
    }

    /** The header, then the chunks read one after another while the previous one was full. */
    private static <T> Multi<String> csv(String header, java.util.function.Supplier<Uni<? extends List<T>>> nextChunk,
            java.util.function.Predicate<List<T>> full, Function<T, String> row) {
        Multi<String> body = Multi.createBy().repeating().<List<T>>uni(nextChunk).whilst(full)
                .filter(chunk -> !chunk.isEmpty())
                .map(chunk -> {
                    StringBuilder text = new StringBuilder();
                    chunk.forEach(line -> text.append(row.apply(line)));
                    return text.toString();
                });
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(header + "\r\n"), body);
    }

    private static String row(Object... values) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(field(values[i]));
        }
        return line.append("\r\n").toString();
    }

    /**
     * Quotes when needed. A text starting with =, + or @ gets a leading ' so that a spreadsheet never runs it as a
     * formula; '-' is left alone because base64url challenge ids may start with it and must stay exact.
     */
    static String field(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Number) {
            return value.toString();
        }
        String s = value.toString();
        if (!s.isEmpty() && "=+@".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
