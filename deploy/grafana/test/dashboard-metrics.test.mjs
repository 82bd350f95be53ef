// deploy/grafana/gateway.json against the live local stack: after one paid call per provider (the real mppx client
// on the local chain) and one replay of a spent credential, every metric name that any of the dashboard's queries
// reads is exported by one of the four services' /q/metrics. Needs the stack and the services (deploy/test.sh).
//   env $(deploy/local/... node_test_env) node --test deploy/grafana/test/
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { recordingBuyer } from '../../agent/lib/buyer.mjs'
import { PROVIDERS, LEDGER_URL, ledgerCharge } from '../../agent/lib/gateway.mjs'
import { dashboardQueries, metricNames, scrapedNames } from '../promql-names.mjs'

const DASHBOARD = JSON.parse(readFileSync(new URL('../gateway.json', import.meta.url), 'utf8'))
const PAYMENT_URL = process.env.PAYMENT_URL ?? 'http://127.0.0.1:8081'
const SERVICES = { 'payment-service': PAYMENT_URL, 'mistral-service': PROVIDERS.mistral.url,
  'grok-service': PROVIDERS.grok.url, 'ledger-service': LEDGER_URL }

test('the PromQL name extraction reads metrics, not functions, labels, ranges or grouping', () => {
  assert.deepEqual(metricNames('histogram_quantile(0.99, sum by (le, route) (rate(a_seconds_bucket{job=~"$job",x="y"}[$__rate_interval])))'),
    ['a_seconds_bucket'])
  assert.deepEqual(metricNames('(sum(increase(rev_total{j="1"}[1h])) - sum(increase(cost_total[1h]))) / 1e6'),
    ['rev_total', 'cost_total'])
  assert.deepEqual(metricNames('sum by (job) (up) or vector(0)'), ['up'])
  assert.deepEqual(dashboardQueries({ panels: [{ title: 'r', panels: [{ title: 'p', targets: [{ refId: 'A', expr: 'x_total' }] }] }],
    templating: { list: [{ type: 'query', name: 'job', query: { query: 'label_values(y_total, job)' } }] } })
    .map((q) => metricNames(q.expr)[0]), ['x_total', 'y_total'])
})

test('every metric the Grafana dashboard queries is exported by the local stack after one paid call per provider', async () => {
  for (const [name, p] of Object.entries(PROVIDERS)) {
    const buyer = await recordingBuyer()
    const res = await buyer.mppx.fetch(`${p.url}${p.route}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p.body),
    })
    assert.equal(res.status, 200, `${name}: ${await res.text()}`)
    await res.arrayBuffer().catch(() => {})
    // the ledger has booked it (ledger_events_total), and the spent credential replayed is a rejection
    await ledgerCharge(buyer.challengeId())
    const replay = await fetch(`${p.url}${p.route}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: buyer.credential() },
      body: JSON.stringify(p.body),
    })
    assert.equal(replay.status, 402, `${name}: a replay is refused`)
  }
  const exported = new Map()
  for (const [service, url] of Object.entries(SERVICES)) {
    const res = await fetch(`${url}/q/metrics`)
    assert.equal(res.status, 200, `${service} /q/metrics`)
    for (const n of scrapedNames(await res.text())) exported.set(n, [...(exported.get(n) ?? []), service])
  }
  const queries = dashboardQueries(DASHBOARD)
  assert.ok(queries.length >= 20, `the dashboard has its queries (${queries.length})`)
  const missing = []
  const used = new Set()
  for (const q of queries) {
    const names = metricNames(q.expr)
    assert.ok(names.length > 0, `${q.where} reads no metric: ${q.expr}`)
    for (const n of names) {
      used.add(n)
      if (!exported.has(n)) missing.push(`${q.where}: ${n}`)
    }
  }
  assert.deepEqual(missing, [], 'metric names the dashboard queries but no service exports')
  const paywall = [...used].filter((n) => n.startsWith('paywall_'))
  for (const n of paywall) {
    for (const provider of ['mistral-service', 'grok-service']) {
      assert.ok(exported.get(n).includes(provider), `${n} is exported by ${provider}`)
    }
  }
  console.log(`dashboard: ${queries.length} queries over ${used.size} metrics, all exported: ${[...used].sort().join(' ')}`)
})
