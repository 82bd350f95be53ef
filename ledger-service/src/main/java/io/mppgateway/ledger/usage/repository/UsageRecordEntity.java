package io.mppgateway.ledger.usage.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.mppgateway.contracts.events.UsageOutcome;
import io.mppgateway.ledger.usage.domain.UsageRecord;

/** The {@code usage_records} table as Hibernate Reactive reads it. */
@Entity
@Table(name = "usage_records")
public class UsageRecordEntity {
    @Id
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "challenge_id")
    public String challengeId;
    @Column(name = "charge_id")
    public String chargeId;
    public String provider;
    public String route;
    public String model;
    public String outcome;
    public boolean delivered;
    @Column(name = "prompt_tokens")
    public long promptTokens;
    @Column(name = "completion_tokens")
    public long completionTokens;
    @Column(name = "total_tokens")
    public long totalTokens;
    @Column(name = "reasoning_tokens")
    public long reasoningTokens;
    @Column(name = "cached_tokens")
    public long cachedTokens;
    public long images;
    public long characters;
    public long pages;
    @Column(name = "tool_calls")
    public long toolCalls;
    @Column(name = "upstream_status")
    public int upstreamStatus;
    @Column(name = "latency_ms")
    public long latencyMs;
    @Column(name = "upstream_cost")
    public long upstreamCost;
    @Column(name = "quoted_upstream_cost")
    public long quotedUpstreamCost;
    @Column(name = "cost_in_usd_ticks")
    public Long costInUsdTicks;
    @Column(name = "recorded_at")
    public Instant recordedAt;
    public boolean applied;

    public UsageRecord toDomain() {
        return new UsageRecord(eventId, challengeId, chargeId, provider, route, model, UsageOutcome.valueOf(outcome),
                delivered, promptTokens, completionTokens, totalTokens, reasoningTokens, cachedTokens, images,
                characters, pages, toolCalls, upstreamStatus, latencyMs, upstreamCost, quotedUpstreamCost,
                costInUsdTicks, recordedAt, applied);
    }
}
