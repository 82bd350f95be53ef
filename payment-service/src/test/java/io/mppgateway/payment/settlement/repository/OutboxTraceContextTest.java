package io.mppgateway.payment.settlement.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.UUID;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.mppgateway.payment.settlement.repository.OutboxRepository.OutboxEvent;

import org.junit.jupiter.api.Test;

/** The trace context stored with an outbox row is the writer's, and the relay restores exactly that one. */
class OutboxTraceContextTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";

    @Test
    void theWritersContextIsStoredAndRestoredForTheRelay() {
        SpanContext writer = SpanContext.create(TRACE, SPAN, TraceFlags.getSampled(),
                TraceState.builder().put("vendor", "x").build());
        String stored;
        try (Scope ignored = Context.root().with(Span.wrap(writer)).makeCurrent()) {
            stored = OutboxRepository.currentTraceContext();
        }
        assertEquals("00-" + TRACE + "-" + SPAN + "-01\nvendor=x", stored);

        OutboxEvent event = new OutboxEvent(1, UUID.randomUUID(), "payments.settled", "k", "{}",
                OutboxRepository.parseTraceContext(stored));
        SpanContext restored = Span.fromContext(event.restoredTraceContext()).getSpanContext();
        assertEquals(TRACE, restored.getTraceId());
        assertEquals(SPAN, restored.getSpanId());
        assertEquals("x", restored.getTraceState().get("vendor"));
        assertEquals(true, restored.isRemote());
    }

    @Test
    void withoutATraceNothingIsStoredAndTheRelayStartsNone() {
        assertNull(OutboxRepository.currentTraceContext());
        assertEquals(Map.of(), OutboxRepository.parseTraceContext(null));
        OutboxEvent event = new OutboxEvent(1, UUID.randomUUID(), "payments.settled", "k", "{}");
        assertFalse(Span.fromContext(event.restoredTraceContext()).getSpanContext().isValid());
    }
}
