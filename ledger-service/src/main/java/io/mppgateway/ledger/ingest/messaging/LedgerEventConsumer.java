package io.mppgateway.ledger.ingest.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.mppgateway.ledger.ingest.service.EventKind;
import io.mppgateway.ledger.ingest.service.EventOrigin;
import io.mppgateway.ledger.ingest.service.IncomingEvent;
import io.mppgateway.ledger.ingest.service.IngestResult;
import io.mppgateway.ledger.ingest.service.LedgerIngestService;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.mutiny.Uni;

/**
 * Kafka entry points, one batch of records (one poll) at a time per channel. A batch is booked in one database
 * transaction; the returned Uni completes after its commit, and only then is the batch acknowledged and its offsets
 * committable (throttled strategy). A failure rolls the batch back, nacks it, and the "fail" strategy stops the
 * channel (health DOWN): a financial fact is never skipped. No thread waits for the database meanwhile.
 * <p>
 * Tracing: each record's booking is a span of the trace its producer started (the traceparent Kafka header), from
 * the batch's start to its commit.
 */
@ApplicationScoped
public class LedgerEventConsumer {
    private static final Logger LOG = Logger.getLogger(LedgerEventConsumer.class);

    private final EventParser parser;
    private final LedgerIngestService ingest;
    private final MeterRegistry meters;
    private final Tracer tracer;

    public LedgerEventConsumer(EventParser parser, LedgerIngestService ingest, MeterRegistry meters, Tracer tracer) {
        this.parser = parser;
        this.ingest = ingest;
        this.meters = meters;
        this.tracer = tracer;
    }

    @Incoming("payments-settled")
    public Uni<Void> onPaymentsSettled(ConsumerRecords<String, String> records) {
        return book(EventKind.SETTLEMENT, list(records));
    }

    @Incoming("usage-recorded")
    public Uni<Void> onUsageRecorded(ConsumerRecords<String, String> records) {
        return book(EventKind.USAGE, list(records));
    }

    @Incoming("payments-refunded")
    public Uni<Void> onPaymentsRefunded(ConsumerRecords<String, String> records) {
        return book(EventKind.REFUND, list(records));
    }

    /** Books records of one contract in one transaction (the channels' path, and the tests' direct way in). */
    public Uni<Void> book(EventKind kind, List<ConsumerRecord<String, String>> records) {
        List<IncomingEvent> events = new ArrayList<>(records.size());
        List<Span> bookings = new ArrayList<>(records.size());
        for (ConsumerRecord<String, String> record : records) {
            events.add(parse(kind, record));
            bookings.add(bookingSpan(record));
        }
        return ingest.book(events).onFailure().invoke(failure -> bookings.forEach(span -> {
            span.setStatus(StatusCode.ERROR, String.valueOf(failure));
            span.end();
        })).invoke(results -> {
            for (int i = 0; i < results.size(); i++) {
                EventOrigin origin = events.get(i).origin();
                IngestResult result = results.get(i);
                Span booking = bookings.get(i);
                booking.setAttribute("ledger.result", result.name().toLowerCase(Locale.ROOT));
                booking.end();
                LOG.debugf("%s/%d@%d: %s", origin.topic(), origin.partition(), origin.offset(), result);
                meters.counter("ledger.events", "topic", origin.topic(), "result",
                        result.name().toLowerCase(Locale.ROOT)).increment();
            }
        }).replaceWithVoid();
    }

    private IncomingEvent parse(EventKind kind, ConsumerRecord<String, String> record) {
        EventOrigin origin = new EventOrigin(record.topic(), record.partition(), record.offset(), record.key(),
                record.value());
        try {
            return switch (kind) {
                case SETTLEMENT -> new IncomingEvent.Settlement(origin, parser.settled(record.value(), record.key()));
                case USAGE -> new IncomingEvent.Usage(origin, parser.usage(record.value(), record.key()));
                case REFUND -> new IncomingEvent.Refund(origin, parser.refunded(record.value(), record.key()));
            };
        } catch (InvalidEventException e) {
            LOG.errorf("rejected %s/%d@%d (key %s): %s", origin.topic(), origin.partition(), origin.offset(),
                    origin.key(), e.getMessage());
            return new IncomingEvent.Invalid(origin, e.getMessage());
        }
    }

    /** The record's booking, in the trace of its producer (W3C traceparent header) when it carries one. */
    private Span bookingSpan(ConsumerRecord<String, String> record) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), record, KAFKA_HEADERS);
        return tracer.spanBuilder("ledger book " + record.topic()).setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka").setAttribute("messaging.operation", "process")
                .setAttribute("messaging.destination.name", record.topic())
                .setAttribute("messaging.kafka.message.offset", record.offset())
                .setAttribute("messaging.destination.partition.id", Integer.toString(record.partition()))
                .startSpan();
    }

    private static final TextMapGetter<ConsumerRecord<String, String>> KAFKA_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(ConsumerRecord<String, String> record) {
            List<String> keys = new ArrayList<>();
            record.headers().forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(ConsumerRecord<String, String> record, String key) {
            if (record == null) {
                return null;
            }
            Header header = record.headers().lastHeader(key);
            return header == null || header.value() == null ? null
                    : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
        }
    };

    private static List<ConsumerRecord<String, String>> list(ConsumerRecords<String, String> records) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>(records.count());
        records.forEach(out::add);
        return out;
    }
}
