-- One budget reservation per sponsored challenge: a buyer re-presenting the same credential after a 503 or 409
-- (the transaction co-signed again, broadcast again) must not spend the window's budget twice.
CREATE TABLE sponsor_reservations (
    challenge_id TEXT        PRIMARY KEY,
    window_start TIMESTAMPTZ NOT NULL,
    fee          BIGINT      NOT NULL CHECK (fee >= 0),
    reserved_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
