-- The trace context (W3C traceparent, and tracestate when there is one) of the request that wrote the event, so that
-- the relay publishes it as part of that request's trace even when it runs later (another round, another replica).
-- NULL when tracing is off or there was no trace.
ALTER TABLE outbox ADD COLUMN trace_context text;
