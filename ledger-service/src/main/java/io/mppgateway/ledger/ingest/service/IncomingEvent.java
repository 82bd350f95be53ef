package io.mppgateway.ledger.ingest.service;

import io.mppgateway.contracts.Topics;
import io.mppgateway.contracts.events.PaymentRefunded;
import io.mppgateway.contracts.events.PaymentSettled;
import io.mppgateway.contracts.events.UsageRecorded;

/** One Kafka record of a batch, parsed and validated (or not) against its contract. */
public sealed interface IncomingEvent {

    EventOrigin origin();

    /** The event id (null for an invalid event). */
    String eventId();

    /** The charge it is about (null for an invalid event). */
    String challengeId();

    /** The contract topic the event id is recorded under in processed_events. */
    String topic();

    record Settlement(EventOrigin origin, PaymentSettled event) implements IncomingEvent {
        public String eventId() {
            return event.eventId();
        }

        public String challengeId() {
            return event.challengeId();
        }

        public String topic() {
            return Topics.PAYMENTS_SETTLED;
        }
    }

    record Usage(EventOrigin origin, UsageRecorded event) implements IncomingEvent {
        public String eventId() {
            return event.eventId();
        }

        public String challengeId() {
            return event.challengeId();
        }

        public String topic() {
            return Topics.USAGE_RECORDED;
        }
    }

    record Refund(EventOrigin origin, PaymentRefunded event) implements IncomingEvent {
        public String eventId() {
            return event.eventId();
        }

        public String challengeId() {
            return event.challengeId();
        }

        public String topic() {
            return Topics.PAYMENTS_REFUNDED;
        }
    }

    /** Failed validation: can never be booked however often it is redelivered. */
    record Invalid(EventOrigin origin, String reason) implements IncomingEvent {
        public String eventId() {
            return null;
        }

        public String challengeId() {
            return null;
        }

        public String topic() {
            return origin.topic();
        }
    }
}
