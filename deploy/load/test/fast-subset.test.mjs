// The CI subset of the load and fault suite (deploy/test.sh runs it after the e2e tests; the whole suite is
// deploy/load/run.sh): 8 honest agents at once with the real mppx client, identical and distinct bodies, pull and
// push, one Kafka broker bounce mid-load, and after each the invariants over chain, payments DB, ledger and the
// stand-in's journal. Needs the local stack and the four services up; run files one at a time
// (node --test --test-concurrency=1 deploy/load/test/), since the checker's test seeds faults.
//
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { runScenario, local } from '../lib/scenarios.mjs'
import { formatVerdict } from '../lib/invariants.mjs'


function report(out) {
  const r = out.row
  return `${r.scenario}: agents ${r.agents}, deliveries ${r.deliveries}, first-try failures ${r.firstTryFailures} ${JSON.stringify(r.firstTryByStatus)}, unserved ${r.failures} ${JSON.stringify(r.failuresByStatus)}, duplicated ${r.duplicated}, p50 ${r.p50} ms, p99 ${r.p99} ms\n${out.verdict ? formatVerdict(out.verdict) : r.error}\n${(r.agentTrace ?? []).join('\n')}`
}

// freshly started JVMs answer the first paid calls slowly (503 verification-unavailable on a loaded machine): warm both
// modes up with one agent each, not counted
before(async () => {
  for (const mode of ['pull', 'push']) {
    await runScenario({ name: `ci warm-up ${mode}`, kind: 'load', provider: 'mistral', mode, bodies: 'distinct', c: 1, waves: 1 })
  }
}, { timeout: 120_000 })

const load = (provider, mode, bodies, waves) => ({ name: `ci ${provider} ${mode} ${bodies} c=8`, kind: 'load', provider, mode, bodies, c: 8, waves })

for (const mode of ['pull', 'push']) {
  test(`8 agents at once, distinct bodies, ${mode}: every agent gets its answer, invariants hold`, { timeout: 240_000 }, async () => {
    const out = await runScenario(load('mistral', mode, 'distinct', 1))
    console.log(report(out))
    assert.equal(out.row.firstTryFailures, 0, report(out))
    assert.ok(out.verdict.ok, report(out))
  })
  test(`8 agents at once, one identical body, ${mode}: every agent gets its answer, invariants hold`, { timeout: 240_000 }, async () => {
    const out = await runScenario(load('mistral', mode, 'identical', 1))
    console.log(report(out))
    assert.equal(out.row.firstTryFailures, 0, report(out))
    assert.ok(out.verdict.ok, report(out))
  })
}

test('a Kafka broker stop/start mid-load: every agent is served in the end, invariants hold', { timeout: 300_000 }, async () => {
  const out = await runScenario({
    name: 'ci kafka broker stop/start', kind: 'fault', provider: 'mistral', mode: 'pull', bodies: 'distinct', c: 8, waves: 1, after: 3,
    inject: () => local('kafka.sh', 'down'), holdMs: 4000, restore: () => local('kafka.sh', 'up'),
  })
  console.log(report(out))
  assert.equal(out.row.failures, 0, report(out))
  assert.equal(out.row.duplicated, 0, report(out))
  assert.ok(out.verdict.ok, report(out))
})
