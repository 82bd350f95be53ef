package io.mppgateway.ledger.ingest.messaging;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.mppgateway.ledger.ingest.repository.RejectedEventRepository;
import io.mppgateway.ledger.ingest.service.EventOrigin;
import io.mppgateway.ledger.ingest.service.IngestResult;
import io.mppgateway.ledger.ingest.service.LedgerIngestService;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Kafka entry points. Each record is handled in one JTA transaction that commits when the method returns; only
 * then does the default post-processing acknowledgement mark the offset as committable (throttled strategy).
 * An exception rolls back, nacks, and the "fail" strategy stops the channel: a financial fact is never skipped.
 */
@ApplicationScoped
public class LedgerEventConsumer {
    private static final Logger LOG = Logger.getLogger(LedgerEventConsumer.class);

    private final EventParser parser;
    private final LedgerIngestService ingest;
    private final RejectedEventRepository rejectedEvents;
    private final MeterRegistry meters;

    public LedgerEventConsumer(EventParser parser, LedgerIngestService ingest, RejectedEventRepository rejectedEvents,
            MeterRegistry meters) {
        this.parser = parser;
        this.ingest = ingest;
        this.rejectedEvents = rejectedEvents;
        this.meters = meters;
    }

    @Incoming("payments-settled")
    @Blocking
    @Transactional
    public void onPaymentSettled(ConsumerRecord<String, String> record) {
        handle(record, origin -> ingest.recordSettlement(parser.settled(record.value(), record.key()), origin));
    }

    @Incoming("usage-recorded")
    @Blocking
    @Transactional
    public void onUsageRecorded(ConsumerRecord<String, String> record) {
        handle(record, origin -> ingest.recordUsage(parser.usage(record.value(), record.key())));
    }

    @Incoming("payments-refunded")
    @Blocking
    @Transactional
    public void onPaymentRefunded(ConsumerRecord<String, String> record) {
        handle(record, origin -> ingest.recordRefund(parser.refunded(record.value(), record.key())));
    }

    private void handle(ConsumerRecord<String, String> record, Function<EventOrigin, IngestResult> action) {
        EventOrigin origin = new EventOrigin(record.topic(), record.partition(), record.offset(), record.key(),
                record.value());
        IngestResult result;
        try {
            result = action.apply(origin);
        } catch (InvalidEventException e) {
            // thrown by the parser before any write, so recording it here leaves nothing half-done
            LOG.errorf("rejected %s/%d@%d (key %s): %s", origin.topic(), origin.partition(), origin.offset(),
                    origin.key(), e.getMessage());
            rejectedEvents.record(origin, e.getMessage());
            result = IngestResult.REJECTED;
        }
        LOG.debugf("%s/%d@%d: %s", origin.topic(), origin.partition(), origin.offset(), result);
        meters.counter("ledger.events", "topic", origin.topic(), "result", result.name().toLowerCase(java.util.Locale.ROOT)).increment();
    }
}
