-- A page of a report by payer sums its 1,000 payers' rollup rows in the range (~60,000 rows for 30 days at
-- 10,000,000 charges). Read through report_daily_payer_by_payer that is a heap fetch per row, and the planner, seeing
-- that many, took a bitmap scan plus an on-disk sort by payer instead: 230 ms of a 250 ms request. With every figure
-- in the index the rows come straight from it, already in (payer, day) order: ~25 ms. The narrower (payer, day)
-- index stays for finding a page's payers, which reads many more entries than it returns.
-- The price: an upsert of a payer rollup row changes indexed values, so it is never a HOT update (one more index
-- entry per changed row at ingest).
CREATE INDEX report_daily_payer_by_payer_figures ON report_daily_payer (payer, day)
    INCLUDE (provider, calls, fulfilled_calls, revenue, refunds, upstream_cost, split_cost, prompt_tokens,
             completion_tokens, total_tokens, reasoning_tokens, cached_tokens, images, characters, pages, tool_calls,
             quoted_upstream_cost);
