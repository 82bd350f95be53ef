// Latency of the finance API on the benchmark database: N sequential requests per case after a warm-up,
// p50/p95/max in milliseconds (client side, so HTTP + JSON are included). No dependencies (Node >= 20 fetch).
//   node measure.mjs <baseUrl> <token> <samples.json>
import { readFileSync } from 'node:fs'

const [base, token, samplesFile] = process.argv.slice(2)
const samples = JSON.parse(readFileSync(samplesFile, 'utf8'))
const N = Number(process.env.BENCH_REQUESTS ?? 300)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 30)
const headers = { authorization: `Bearer ${token}` }

async function get(path) {
  const t0 = process.hrtime.bigint()
  const res = await fetch(base + path, { headers })
  const body = await res.text()
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${body.slice(0, 300)}`)
  return { ms, body }
}

const pick = (list, i) => list[i % list.length]
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]

const cases = [
  ['charges, first page (limit 50)', () => '/ledger/charges?limit=50'],
  ['charges, deep keyset page (~rows 300k-900k)', (i) => `/ledger/charges?limit=50&after=${encodeURIComponent(pick(samples.deepCursors, i))}`],
  ['charges, deep page, provider=grok', (i) => `/ledger/charges?limit=50&provider=grok&after=${encodeURIComponent(pick(samples.deepCursors, i))}`],
  ['charges, payer filter, first page', (i) => `/ledger/charges?limit=50&payer=${pick(samples.payers, i)}`],
  ['charges, status=refunded, first page', () => '/ledger/charges?limit=50&status=refunded'],
  ['charge by id (with usage + postings)', (i) => `/ledger/charges/${pick(samples.ids, i)}`],
  ['report, 30 days by day and model', () => `/ledger/reports?from=${samples.from30}&to=${samples.to}&groupBy=day,model`],
  ['report, 90 days by provider', () => `/ledger/reports?from=${samples.from90}&to=${samples.to}&groupBy=provider`],
  // 20,000 payers a month in the bench data: served a page of payers at a time (default 1000), total over all
  ['report, 30 days by payer, first page', () => `/ledger/reports?from=${samples.from30}&to=${samples.to}&groupBy=payer`],
  ['report, 30 days by payer, a later page', (i) => `/ledger/reports?from=${samples.from30}&to=${samples.to}&groupBy=payer&after=${pick(samples.payers, i)}`],
  ['report, 30 days by day and payer, 100 payers', () => `/ledger/reports?from=${samples.from30}&to=${samples.to}&groupBy=day,payer&limit=100`],
  ['report, 30 days pricing by model (quote vs actual)', () => `/ledger/reports/pricing?from=${samples.from30}&to=${samples.to}`],
  ['report, cost over price, first page', () => '/ledger/reports/cost-over-price?limit=50'],
  ['balances', () => '/ledger/balances'],
]

console.log(`${N} requests per case after ${WARMUP} warm-up requests, sequential, against ${base}`)
console.log('case'.padEnd(48) + 'p50 ms'.padStart(9) + 'p95 ms'.padStart(9) + 'max ms'.padStart(9))
let slow = 0
for (const [name, path] of cases) {
  for (let i = 0; i < WARMUP; i++) await get(path(i + 1000))
  const times = []
  for (let i = 0; i < N; i++) times.push((await get(path(i))).ms)
  times.sort((a, b) => a - b)
  const p95 = pct(times, 95)
  if (p95 >= 100) slow++
  console.log(name.padEnd(48) + pct(times, 50).toFixed(1).padStart(9) + p95.toFixed(1).padStart(9)
    + times[times.length - 1].toFixed(1).padStart(9))
}
process.exit(slow ? 1 : 0)
