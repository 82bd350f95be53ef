-- Reports by payer are served a page of payers at a time (keyset on payer): this index walks the payers in order
-- and finds each one's days in the range without aggregating every payer of the range first.
CREATE INDEX report_daily_payer_by_payer ON report_daily_payer (payer, day);
