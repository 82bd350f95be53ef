package io.mppgateway.ledger.export.service;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.mppgateway.ledger.charge.service.ChargeQueryService;
import io.mppgateway.ledger.charge.service.InvalidQueryException;
import io.mppgateway.ledger.export.config.ExportConfig;
import io.mppgateway.ledger.export.repository.ExportRepository;
import io.mppgateway.ledger.export.repository.ExportRepository.ChargeLine;
import io.mppgateway.ledger.export.repository.ExportRepository.PostingLine;

/** RFC 4180 CSV of charges and of postings for a time range, written chunk by chunk as it is read. */
@ApplicationScoped
public class CsvExportService {
    public static final String CHARGES_HEADER = "settled_at,charge_id,challenge_id,provider,route,model,payer,recipient,"
            + "amount,currency,chain_id,tx_hash,mode,status,prompt_tokens,completion_tokens,total_tokens,upstream_cost";
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

    public void writeCharges(Range range, OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        w.write(CHARGES_HEADER);
        w.write("\r\n");
        Instant afterAt = Instant.EPOCH;
        String afterId = "";
        while (true) {
            List<ChargeLine> chunk = repository.charges(range.from(), range.to(), afterAt, afterId, config.chunkSize());
            for (ChargeLine c : chunk) {
                row(w, c.settledAt(), c.chargeId(), c.challengeId(), c.provider(), c.route(), c.model(), c.payer(),
                        c.recipient(), c.amount(), c.currency(), c.chainId(), c.txHash(), c.mode(), c.status(),
                        c.promptTokens(), c.completionTokens(), c.totalTokens(), c.upstreamCost());
            }
            if (chunk.size() < config.chunkSize()) {
                break;
            }
            ChargeLine last = chunk.get(chunk.size() - 1);
            afterAt = last.settledAt();
            afterId = last.challengeId();
            w.flush();
        }
        w.flush();
    }

    public void writePostings(Range range, OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        w.write(POSTINGS_HEADER);
        w.write("\r\n");
        Instant afterAt = Instant.EPOCH;
        long afterId = 0;
        while (true) {
            List<PostingLine> chunk = repository.postings(range.from(), range.to(), afterAt, afterId,
                    config.chunkSize());
            for (PostingLine p : chunk) {
                row(w, p.occurredAt(), p.transactionId(), p.kind(), p.challengeId(), p.chargeId(), p.postingId(),
                        p.account(), p.debit(), p.credit());
            }
            long transactions = chunk.stream().mapToLong(PostingLine::transactionId).distinct().count();
            if (transactions < config.chunkSize()) {
                break;
            }
            PostingLine last = chunk.get(chunk.size() - 1);
            afterAt = last.occurredAt();
            afterId = last.transactionId();
            w.flush();
        }
        w.flush();
    }

    private static void row(Writer w, Object... values) throws IOException {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(field(values[i]));
        }
        w.write("\r\n");
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
