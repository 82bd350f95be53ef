// Replicas proven locally (issue 13.4): with 2 x payment-service, 2 x each provider and 2 x ledger-service behind a
// local nginx that mirrors the Ingress (deploy/replicas/replicas.sh up), honest mppx agents pay through nginx while
// one replica of EVERY service is killed with kill -9 mid-load. Afterwards (deploy/load's invariant checker):
// every on-chain payment has exactly one charge, every charge at most one delivery (or is unfulfilled and
// redeemable), the ledger balances and matches payments; every agent was served in the end; paid calls landed on
// both replicas of each provider and settlements on both payment-service replicas; the ledger replicas shared
// the partitions of their consumer group.
//
//   LANE=N deploy/replicas/replicas.sh up
//   env $(LANE=N deploy/replicas/replicas.sh env) node --test deploy/replicas/test/
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { readFileSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { runScenario } from '../../load/lib/scenarios.mjs'
import { formatVerdict } from '../../load/lib/invariants.mjs'

const exec = promisify(execFile)
const REPLICAS = fileURLToPath(new URL('../replicas.sh', import.meta.url))
const SERVICES = ['payment-service', 'mistral-service', 'grok-service', 'ledger-service']
const LOG = process.env.REPLICAS_NGINX_LOG
const replicas = (...args) => exec(REPLICAS, args, { env: process.env, maxBuffer: 16 << 20 })

/** nginx access-log lines written since `mark` (byte offset) */
const logSince = (mark) => (existsSync(LOG) ? readFileSync(LOG, 'utf8').slice(mark).split('\n').filter(Boolean) : [])
const logSize = () => (existsSync(LOG) ? readFileSync(LOG, 'utf8').length : 0)
const upstreamsOf = (lines, re) => {
  const out = new Map()
  for (const l of lines) {
    if (!re.test(l)) continue
    // "upstream=a:1, b:2" when nginx moved on to the next replica: the last one answered
    const up = l.split('upstream=')[1]?.match(/\d+\.\d+\.\d+\.\d+:\d+/g)?.at(-1)
    const status = Number(l.match(/" (\d{3}) upstream=/)?.[1])
    if (up) out.set(up, [...(out.get(up) ?? []), status])
  }
  return out
}

async function ledgerConsumers() {
  const { stdout } = await exec('bash', ['-c', `source "${fileURLToPath(new URL('../../local/lib.sh', import.meta.url))}" >/dev/null; find_java;
    "$JAVA_HOME/bin/java" -cp "$STATE_DIR/kafka/libs/*" -Dlog4j2.configurationFile="$STATE_DIR/kafka/log4j2.yaml" \
      org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server "$LANE_KAFKA" --describe --group ledger-service 2>/dev/null`],
  { env: process.env, maxBuffer: 16 << 20 })
  const rows = stdout.split('\n').filter((l) => l.startsWith('ledger-service ')).map((l) => l.trim().split(/\s+/))
  // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
  const byTopic = new Map()
  for (const r of rows) byTopic.set(r[1], new Set([...(byTopic.get(r[1]) ?? []), r[6]]))
  return { rows, byTopic }
}

// No fault: the Ingress (nginx) spreads paid calls over both replicas of each provider, the providers' calls over
// both payment-service replicas (its Service), and the ledger replicas share their consumer group's partitions.
test('paid calls land on every replica, the ledger replicas share the partitions', { timeout: 600_000 }, async () => {
  const consumers = await ledgerConsumers()
  for (const topic of ['payments.settled', 'usage.recorded', 'payments.refunded']) {
    const owners = consumers.byTopic.get(topic) ?? new Set()
    assert.ok(owners.size >= 2, `the ledger replicas must share ${topic}'s partitions; consumers: ${[...owners].join(', ') || 'none'}`)
  }
  for (const [provider, mode] of [['mistral', 'pull'], ['grok', 'push']]) {
    const mark = logSize()
    const { row, verdict } = await runScenario({ name: `replicas ${provider} ${mode} no fault`, kind: 'load', provider, mode, bodies: 'distinct', c: 8, waves: 1 })
    const lines = logSince(mark)
    const paid = upstreamsOf(lines, new RegExp(`"POST /${provider}/chat HTTP/1.1" 200 `))
    const settled = upstreamsOf(lines, /"POST \/internal\/settlements HTTP\/1.1" 200 /)
    console.log(`# ${row.scenario}: ${row.agents} agents, ${row.deliveries} deliveries, paid 200s per ${provider} replica ` +
      `${JSON.stringify(Object.fromEntries([...paid].map(([k, v]) => [k, v.length])))}, settlements per payment replica ` +
      `${JSON.stringify(Object.fromEntries([...settled].map(([k, v]) => [k, v.length])))}, invariants ${row.invariants}; ` +
      `ledger consumers per topic ${JSON.stringify(Object.fromEntries([...consumers.byTopic].map(([k, v]) => [k, v.size])))}`)
    assert.ok(verdict.ok, formatVerdict(verdict))
    assert.ok(paid.size >= 2, `paid calls must land on both ${provider} replicas: ${[...paid.keys()].join(', ')}`)
    assert.ok(settled.size >= 2, `settlements must land on both payment-service replicas: ${[...settled.keys()].join(', ')}`)
  }
})

for (const [provider, mode, victim] of [['mistral', 'pull', 2], ['grok', 'push', 1]]) {
  test(`${provider} ${mode}: 2 replicas of everything, one replica of each service killed -9 mid-load`, { timeout: 900_000 }, async () => {
    const mark = logSize()
    const { row, verdict } = await runScenario({
      name: `replicas ${provider} ${mode} kill -9 replica ${victim} of each`, kind: 'fault', provider, mode, bodies: 'distinct',
      c: 8, waves: 2, after: 4,
      inject: async () => { for (const s of SERVICES) await replicas('kill', s, String(victim)) },
      holdMs: 3000,
      restore: async () => { for (const s of SERVICES) await replicas('start', s, String(victim)) },
    })
    const lines = logSince(mark)
    const paid = upstreamsOf(lines, new RegExp(`"POST /${provider}/chat HTTP/1.1" 200 `))
    const settled = upstreamsOf(lines, /"POST \/internal\/settlements HTTP\/1.1" 200 /)
    console.log(`# ${row.scenario}: ${row.agents} agents, ${row.deliveries} deliveries, ${row.served} served, ` +
      `${row.firstTryFailures} first-try failures ${JSON.stringify(row.firstTryByStatus)}, ${row.recoveredByRepresentation} recovered by re-presenting, ` +
      `kills: 4 (replica ${victim} of each service), paid 200s per ${provider} replica ${JSON.stringify(Object.fromEntries([...paid].map(([k, v]) => [k, v.length])))}, ` +
      `settlements per payment replica ${JSON.stringify(Object.fromEntries([...settled].map(([k, v]) => [k, v.length])))}, ` +
      `invariants ${row.invariants}, wall ${Math.round(row.wallMs / 1000)} s`)
    console.log(`# figures ${JSON.stringify(verdict.figures)}`)
    assert.ok(verdict.ok, formatVerdict(verdict))
    assert.equal(row.duplicated, 0, 'no buyer got two answers for one payment')
    assert.equal(row.failures, 0, `every agent is served in the end: ${JSON.stringify(row.failuresByStatus)} ${row.agentTrace.join(' | ')}`)
  })
}
