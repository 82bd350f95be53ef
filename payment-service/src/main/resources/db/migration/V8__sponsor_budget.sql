-- Fee sponsorship: the worst-case fees the fee payer co-signed for, per time window (issue 9 item 5).
CREATE TABLE sponsor_budget (
    window_start TIMESTAMPTZ PRIMARY KEY,
    spent        BIGINT      NOT NULL CHECK (spent >= 0)
);
