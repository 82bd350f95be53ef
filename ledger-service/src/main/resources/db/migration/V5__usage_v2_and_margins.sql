-- usage.recorded v2 (issue 12 item 4, issue 11 item 4): every unit a call is billed by upstream, whether anything
-- reached the buyer, and the real upstream cost next to the worst case the price was computed from.

-- usage as received: units were OCR pages; the estimate is now the actual cost of the attempt
ALTER TABLE usage_records RENAME COLUMN units TO pages;
ALTER TABLE usage_records RENAME CONSTRAINT usage_records_units_check TO usage_records_pages_check;
ALTER TABLE usage_records RENAME COLUMN upstream_cost_estimate TO upstream_cost;
ALTER TABLE usage_records RENAME CONSTRAINT usage_records_upstream_cost_estimate_check TO usage_records_upstream_cost_check;
-- ABANDONED: the replica serving the call stopped before it reported (payment-service's reconciler writes it)
ALTER TABLE usage_records DROP CONSTRAINT usage_records_outcome_check;
ALTER TABLE usage_records ADD CONSTRAINT usage_records_outcome_check
    CHECK (outcome IN ('FULFILLED', 'UPSTREAM_FAILED', 'CLIENT_GONE', 'REDEEMED', 'ABANDONED'));
ALTER TABLE usage_records
    ADD COLUMN delivered            BOOLEAN,
    ADD COLUMN images               BIGINT NOT NULL DEFAULT 0 CONSTRAINT usage_records_images_check CHECK (images >= 0),
    ADD COLUMN characters           BIGINT NOT NULL DEFAULT 0 CONSTRAINT usage_records_characters_check CHECK (characters >= 0),
    ADD COLUMN tool_calls           BIGINT NOT NULL DEFAULT 0 CONSTRAINT usage_records_tool_calls_check CHECK (tool_calls >= 0),
    ADD COLUMN quoted_upstream_cost BIGINT NOT NULL DEFAULT 0
        CONSTRAINT usage_records_quoted_upstream_cost_check CHECK (quoted_upstream_cost >= 0),
    -- xAI's own figure (1 tick = 10^-10 USD) when the upstream sent one; kept verbatim for audit
    ADD COLUMN cost_in_usd_ticks    BIGINT CONSTRAINT usage_records_cost_in_usd_ticks_check CHECK (cost_in_usd_ticks >= 0);
-- v1 events said delivery by their outcome only
UPDATE usage_records SET delivered = outcome IN ('FULFILLED', 'REDEEMED');
ALTER TABLE usage_records ALTER COLUMN delivered SET NOT NULL;

-- per charge: what its attempts cost upstream in total, and the worst case its price was computed from. Written in
-- the same transaction as the usage (the charge's status changes there anyway).
ALTER TABLE charges
    ADD COLUMN upstream_cost        BIGINT NOT NULL DEFAULT 0 CONSTRAINT charges_upstream_cost_check CHECK (upstream_cost >= 0),
    ADD COLUMN quoted_upstream_cost BIGINT NOT NULL DEFAULT 0
        CONSTRAINT charges_quoted_upstream_cost_check CHECK (quoted_upstream_cost >= 0);
UPDATE charges c SET upstream_cost = u.cost
FROM (SELECT challenge_id, SUM(upstream_cost)::bigint AS cost FROM usage_records WHERE applied GROUP BY challenge_id) u
WHERE c.challenge_id = u.challenge_id AND u.cost > 0;
-- calls sold below their upstream cost: should be none, so this index stays tiny and the report that lists them is
-- an index scan whatever the size of the ledger
CREATE INDEX charges_cost_over_price_idx ON charges (settled_at, challenge_id) WHERE upstream_cost > amount;

-- the rollups: units by kind and the quoted cost, so reports show them without reading usage rows
ALTER TABLE report_daily
    ADD COLUMN images               BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN characters           BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN pages                BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN tool_calls           BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN quoted_upstream_cost BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_daily_payer
    ADD COLUMN images               BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN characters           BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN pages                BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN tool_calls           BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN quoted_upstream_cost BIGINT NOT NULL DEFAULT 0;
-- v1 usage had pages (as units) and nothing else of these; backfilled with the rollups' attribution (recorded day)
UPDATE report_daily r SET pages = u.pages
FROM (SELECT (u.recorded_at AT TIME ZONE 'UTC')::date AS day, c.provider, u.model, SUM(u.pages)::bigint AS pages
      FROM usage_records u JOIN charges c ON c.challenge_id = u.challenge_id
      WHERE u.applied GROUP BY 1, 2, 3) u
WHERE r.day = u.day AND r.provider = u.provider AND r.model = u.model AND u.pages > 0;
UPDATE report_daily_payer r SET pages = u.pages
FROM (SELECT (u.recorded_at AT TIME ZONE 'UTC')::date AS day, c.provider, c.payer, SUM(u.pages)::bigint AS pages
      FROM usage_records u JOIN charges c ON c.challenge_id = u.challenge_id
      WHERE u.applied GROUP BY 1, 2, 3) u
WHERE r.day = u.day AND r.provider = u.provider AND r.payer = u.payer AND u.pages > 0;
