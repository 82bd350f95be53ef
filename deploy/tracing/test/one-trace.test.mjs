// One paid call is one trace across the four services and both topics, and no trace context reaches the upstream.
// The services must run with tracing on, exporting to this file's in-process OTLP receiver (OTLP_PORT):
// deploy/tracing/trace-test.sh starts them so and runs this file.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { recordingBuyer } from '../../agent/lib/buyer.mjs'
import { PROVIDERS, STANDIN_URL, ledgerCharge } from '../../agent/lib/gateway.mjs'
import { startReceiver } from '../otlp-receiver.mjs'

const OTLP_PORT = Number(process.env.OTLP_PORT ?? 4318)
const SERVICES = ['mistral-service', 'grok-service', 'payment-service', 'ledger-service']
const TOPICS = ['payments.settled', 'usage.recorded']
const receiver = await startReceiver(OTLP_PORT)
after(() => receiver.close())

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** The trace's spans once they cover what `complete` wants (spans are exported in batches, a moment later). */
async function traceOf(traceId, complete, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const spans = receiver.spans.filter((s) => s.traceId === traceId)
    if (complete(spans) || Date.now() > deadline) return spans
    await sleep(250)
  }
}

const topicOf = (s) => s.attributes['messaging.destination.name']
// the spans asserted on by name below; each service exports in batches of its own, in no set order
const NAMED = ['paywall release', 'upstream POST', 'chain eth_', 'ledger book payments.settled', 'ledger book usage.recorded']
const covers = () => (spans) => {
  const services = new Set(spans.map((s) => s.service))
  const topics = new Set(spans.map(topicOf))
  return SERVICES.every((s) => services.has(s)) && TOPICS.every((t) => topics.has(t))
    && NAMED.every((want) => spans.some((s) => s.name.startsWith(want)))
}

/** The spans as an indented tree in start order: service, kind, name, the topic if any, duration. */
export function spanTree(spans) {
  const byParent = new Map()
  const ids = new Set(spans.map((s) => s.spanId))
  for (const s of spans) {
    const p = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : null
    byParent.set(p, [...(byParent.get(p) ?? []), s])
  }
  const lines = []
  const walk = (parent, depth) => {
    for (const s of (byParent.get(parent) ?? []).sort((a, b) => (a.startNanos < b.startNanos ? -1 : 1))) {
      const ms = Number((s.endNanos - s.startNanos) / 1000n) / 1000
      lines.push(`${'  '.repeat(depth)}${s.service} ${s.kind} "${s.name}"${topicOf(s) ? ` [${topicOf(s)}]` : ''} ${ms.toFixed(1)} ms`)
      walk(s.spanId, depth + 1)
    }
  }
  walk(null, 0)
  return lines.join('\n')
}

for (const [name, p] of Object.entries(PROVIDERS)) {
  test(`${name}: one paid call is one trace over the provider, payment-service, both topics and the ledger; the upstream gets no trace context`, async () => {
    const buyer = await recordingBuyer()
    // the buyer sends a trace context of its own: the whole paid call (402, payment, release, upstream, ledger) joins it
    const traceId = randomBytes(16).toString('hex')
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`
    const marker = `trace-${traceId.slice(0, 12)}`
    const body = structuredClone(p.body)
    body.messages[0].content += ` (${marker})`
    const res = await buyer.mppx.fetch(`${p.url}${p.route}`, {
      method: 'POST', headers: { 'content-type': 'application/json', traceparent, tracestate: 'buyer=1', baggage: 'k=v' },
      body: JSON.stringify(body),
    })
    assert.equal(res.status, 200, await res.text())
    await ledgerCharge(buyer.challengeId())

    const spans = await traceOf(traceId, covers())
    const tree = spanTree(spans)
    console.log(`trace ${traceId} of one paid ${name} call (${spans.length} spans):\n${tree}`)
    const services = new Set(spans.map((s) => s.service))
    // all four: the other provider's release consumer reads every settlement too (a group of its own per replica)
    for (const s of SERVICES) assert.ok(services.has(s), `${s} in the trace`)
    for (const t of TOPICS) {
      assert.ok(spans.some((s) => topicOf(s) === t && s.kind === 'PRODUCER'), `a ${t} producer span`)
      assert.ok(spans.some((s) => topicOf(s) === t && s.kind === 'CONSUMER'), `a ${t} consumer span`)
    }
    for (const want of NAMED) {
      assert.ok(spans.some((s) => s.name.startsWith(want)), `a "${want}…" span`)
    }
    assert.ok(spans.some((s) => s.service === 'payment-service' && s.kind === 'SERVER' && /challenge/i.test(s.name)),
      'the challenge issued by payment-service')
    assert.ok(spans.some((s) => s.service === 'payment-service' && s.kind === 'SERVER' && /settle/i.test(s.name)),
      'the settlement by payment-service')
    // every span but the buyer's own parent is in the tree: one trace, no orphans from lost context
    const ids = new Set(spans.map((s) => s.spanId))
    const roots = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId))
    assert.ok(roots.every((s) => s.parentSpanId === traceparent.split('-')[2] || s.kind === 'CONSUMER'),
      `roots are children of the buyer's span: ${roots.map((s) => `${s.service} ${s.name}`).join(', ')}`)

    // what the stand-in (Mistral/xAI) received: the call, without any trace header
    const logged = await (await fetch(`${STANDIN_URL}/__admin/requests?limit=200`)).json()
    const upstream = logged.requests.filter((r) => (r.request.body ?? '').includes(marker))
    assert.equal(upstream.length, 1, 'the upstream was called once for this call')
    const headers = Object.keys(upstream[0].request.headers).map((h) => h.toLowerCase())
    for (const h of ['traceparent', 'tracestate', 'baggage']) assert.ok(!headers.includes(h), `no ${h} sent upstream: ${headers}`)
  })
}
