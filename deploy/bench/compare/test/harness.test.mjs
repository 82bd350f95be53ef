// Unit tests of the side-by-side benchmark's arithmetic and report (no npm packages, no servers: deploy/test.sh
// runs them). The benchmark itself is deploy/bench/compare.sh.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { acrossRounds, addedBeyond, fmt, fmtRange, median, percentile, ratio } from '../lib/stats.mjs'
import { decimalAmount } from '../lib/amount.mjs'
import { parseServerTiming, priceOf } from '../lib/parse.mjs'
import { parseWrk } from '../lib/wrk.mjs'
import { judgeTargets, renderSection, replaceSection } from '../lib/report.mjs'

test('percentiles are nearest-rank, and a sample of one is its own p99', () => {
  const v = Array.from({ length: 100 }, (_, i) => 100 - i) // 100..1, unsorted
  assert.equal(percentile(v, 50), 50)
  assert.equal(percentile(v, 99), 99)
  assert.equal(percentile(v, 100), 100)
  assert.equal(percentile([7], 99), 7)
  assert.ok(Number.isNaN(percentile([], 50)))
  assert.equal(median([3, 1, 2]), 2)
  assert.equal(median([600, 500]), 550)
})

test('a figure across rounds is the median of the rounds with their min..max, missing rounds left out', () => {
  assert.deepEqual(acrossRounds([30, 10, 20, NaN, undefined]), { median: 20, min: 10, max: 30, rounds: 3 })
  assert.equal(fmtRange(acrossRounds([1234.5, 1000, 2000])), '1,234.5 (1,000.0..2,000.0)')
  assert.equal(fmtRange(acrossRounds([5])), '5.0')
  assert.equal(fmtRange(acrossRounds([])), '—')
})

test('time added beyond the floor subtracts the floor\'s median from every call', () => {
  assert.deepEqual(addedBeyond([110, 120, 300], [100, 90, 200]), [10, 20, 200])
  assert.equal(ratio(3344, 2408).toFixed(2), '1.39')
  assert.ok(Number.isNaN(ratio(1, 0)))
  assert.equal(fmt(-1234.56, 1), '-1,234.6')
})

test('base units become the decimal amount mppx takes, without floating point', () => {
  assert.equal(decimalAmount('5000'), '0.005')
  assert.equal(decimalAmount(1_000_000n), '1')
  assert.equal(decimalAmount('1234567'), '1.234567')
  assert.equal(decimalAmount('0'), '0')
  assert.equal(decimalAmount('90071992547409930'), '90071992547.40993') // beyond 2^53
  assert.throws(() => decimalAmount('-1'))
})

test('the price is read from the challenge, Server-Timing from its header', () => {
  const request = Buffer.from(JSON.stringify({ amount: '5000', currency: '0x20c0' })).toString('base64url')
  assert.equal(priceOf(`Payment id="x", realm="r", method="tempo", intent="charge", request="${request}", expires="…"`), '5000')
  assert.throws(() => priceOf('Payment id="x"'))
  assert.deepEqual(parseServerTiming('settle;dur=12.5, release;dur=0, upstream;desc="x";dur=3, miss'), { settle: 12.5, release: 0, upstream: 3 })
  assert.deepEqual(parseServerTiming(null), {})
})

test('wrk\'s JSON line becomes requests/s and milliseconds; no line is an error', () => {
  const out = 'Running 10s test\nWRK_JSON {"requests":33440,"durationUs":10000000,"p50Us":4100,"p90Us":9000,"p99Us":34600,"maxUs":80000,"not402":0,"errConnect":0,"errRead":1,"errWrite":0,"errTimeout":2}\n'
  const r = parseWrk(out)
  assert.equal(r.rps, 3344)
  assert.equal(r.p99, 34.6)
  assert.equal(r.errors, 3)
  assert.throws(() => parseWrk('wrk: connection refused'), /no result/)
})

const round = (o) => ({ rps: 100, p50: 1, p99: 10, ...o })
const results = {
  meta: { title: 'Test run', commit: 'abc1234', date: '2026-01-01 00:00 UTC', machine: '2 cores', loadStart: '1', loadEnd: '1', rounds: 2, wallSeconds: 600, command: 'deploy/bench/compare.sh' },
  unpaid: { connections: 16, seconds: 10, ours: [round({ rps: 600, p99: 9 }), round({ rps: 500, p99: 9 })], ref: [round(), round()] },
  paid: {
    1: { callsPerRound: 30, floor: [{ totalP50: 50, chainP50: 10, upstreamP50: 40 }], ours: [{ addedP50: 4, addedP99: 19, callsPerSecond: 5, failed: 0 }], ref: [{ addedP50: 3, addedP99: 20, callsPerSecond: 5, failed: 0 }] },
    8: { callsPerRound: 80, floor: [], ours: [{ callsPerSecond: 20, failed: 1 }], ref: [{ callsPerSecond: 10, failed: 0 }] },
  },
  streams: { ours: { target: 1000, idle: { p99: 10, requests: 900, errors: 0 }, loaded: { p99: 25, requests: 800, errors: 0 }, maxOpen: 1000, openAtMeasure: 1000 } },
  rss: { 'paid c=1': { 'mistral-service': { max: 150 }, 'payment-service': { max: 201 }, 'mppx reference': { max: 500 } } },
  failures: [{ where: 'this suite, c=8', error: 'HTTP 503 payment-kept' }],
}

test('targets are judged on the medians across rounds', () => {
  const t = Object.fromEntries(judgeTargets(results).map((x) => [x.name.slice(0, 24), x]))
  assert.equal(t['Unpaid 402: ≥ 5× the ref'].met, true)
  assert.equal(t['Paid call, one agent: ad'].met, true)
  assert.equal(t['Paid calls at 8 agents: '].met, false, 'a failed call misses the target even when faster')
  assert.equal(t['1,000 concurrent paid str'.slice(0, 24)].met, false, '2.5× of idle')
  const stalled = { ...results, streams: { ours: { ...results.streams.ours, loaded: { p99: 12, requests: 3, errors: 160 } } } }
  const s = judgeTargets(stalled).find((x) => x.name.startsWith('1,000'))
  assert.equal(s.met, false, 'a p99 over the few answered requests hides the unanswered ones')
  assert.match(s.detail, /160 unanswered/)
  assert.equal(t['RSS ≤ 200 MiB per servic'].met, false, 'payment-service at 201 MiB; the reference does not count')
})

test('the report has the targets, the table and the failures', () => {
  const md = renderSection(results)
  assert.match(md, /^### Test run/)
  assert.match(md, /\| Unpaid 402: .* \| met \|/)
  assert.match(md, /\| unpaid 402, requests\/s \(wrk, 16 connections, 10 s\) \| 100 \(100\.\.100\) \| 550 \(500\.\.600\) \| 5\.50× \|/)
  assert.match(md, /1 × this suite, c=8: HTTP 503 payment-kept/)
})

test('a run\'s section replaces its own markers and leaves everything else in the document alone', () => {
  const ledger = '## Ledger\n\nhelper C\'s table\n'
  let doc = `# Benchmarks\n\n${ledger}`
  doc = replaceSection(doc, 'baseline', 'first')
  assert.ok(doc.includes(ledger))
  assert.match(doc, /<!-- compare:baseline:begin -->\nfirst\n<!-- compare:baseline:end -->/)
  doc = replaceSection(doc, 'latest', 'second')
  assert.ok(doc.indexOf('compare:latest:begin') > doc.indexOf('compare:baseline:end'), 'after the other compare sections')
  doc = replaceSection(doc, 'baseline', 'third')
  assert.ok(!doc.includes('first'))
  assert.ok(doc.includes('third') && doc.includes('second') && doc.includes(ledger))
})
