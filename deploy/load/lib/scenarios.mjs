// Scenarios of the load and fault suite and how one is run: waves of honest agents (lib/agent.mjs), a fault
// injected once some credentials are out, the system left to settle, the invariants checked (lib/invariants.mjs).
// Used by load.mjs (the CLI) and by the CI subset (test/fast-subset.test.mjs).
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { fundKeys, rpcCall, LOAD_AMOUNT } from './funding.mjs'
import { runAgent } from './agent.mjs'
import { checkInvariants, pgClient } from './invariants.mjs'
import { PROVIDERS } from '../../agent/lib/gateway.mjs'

const exec = promisify(execFile)
const LOCAL = fileURLToPath(new URL('../../local/', import.meta.url))
const env = (k, d) => process.env[k] ?? d
const RPC_URL = env('RPC_URL', 'http://127.0.0.1:8545')
const STANDIN_URL = env('STANDIN_URL', 'http://127.0.0.1:8090')
const PG_PORT = env('LANE_PG_PORT', '5432')
const RPC_PROXY_URL = process.env.RPC_PROXY_URL // set by run.sh when payment-service talks to the chain through it

const BODY_OF = {
  mistral: (marker, stream) => ({ model: 'mistral-small-latest', max_tokens: 64, ...(stream ? { stream: true } : {}),
    messages: [{ role: 'user', content: `In one sentence: what is the Machine Payments Protocol?${marker}` }] }),
  grok: (marker, stream) => ({ model: 'grok-4', max_completion_tokens: 64, ...(stream ? { stream: true } : {}),
    messages: [{ role: 'user', content: `In one sentence: why pay per call?${marker}` }] }),
}

/** agents per concurrency level: waves of c agents that start at the same moment */
const waves = (quick) => (quick ? { 1: 3, 8: 2, 32: 1, 128: 1 } : { 1: 5, 8: 3, 32: 2, 128: 2 })

export function loadScenarios({ quick = false } = {}) {
  const WAVES = waves(quick)
  const out = []
  for (const c of quick ? [1, 8, 32] : [1, 8, 32, 128]) {
    for (const provider of ['mistral', 'grok']) {
      for (const mode of ['pull', 'push']) {
        for (const bodies of c === 1 ? ['distinct'] : ['identical', 'distinct']) {
          // c = 128: blocks every second, as a real chain makes them, instead of anvil's one block per transaction
          // (automine works through a burst of 128 buyers' own broadcasts one block at a time, ~10–20 tx/s here, and
          // refuses those whose fixed 25 s validBefore has passed meanwhile: error -32603 to the buyer)
          out.push({ name: `load ${provider} ${mode} ${bodies} c=${c}`, kind: 'load', provider, mode, bodies, c, waves: WAVES[c],
            ...(c >= 128 ? { blockTimeS: 1 } : {}) })
        }
      }
    }
  }
  return out
}

// A fault scenario: c agents per wave, the fault starts once `after` credentials have gone out and lasts `holdMs`
// (then `restore`), or is a crash + restart. Agents re-present like real ones; the invariants are checked after the
// system settled.
export const FAULTS = [
  { name: 'fault kafka broker stop/start', provider: 'mistral', mode: 'pull', c: 8, waves: 2, after: 4,
    inject: () => local('kafka.sh', 'down'), holdMs: 5000, restore: () => local('kafka.sh', 'up') },
  { name: 'fault payment-service kill -9 mid-settlement (pull)', provider: 'mistral', mode: 'pull', c: 8, waves: 2, after: 3,
    inject: () => local('services.sh', 'kill', 'payment-service'), holdMs: 0, restore: () => startPaymentService() },
  { name: 'fault payment-service kill -9 mid-settlement (push)', provider: 'grok', mode: 'push', c: 8, waves: 2, after: 3,
    inject: () => local('services.sh', 'kill', 'payment-service'), holdMs: 0, restore: () => startPaymentService() },
  { name: 'fault mistral-service kill -9 mid-stream', provider: 'mistral', mode: 'pull', c: 8, waves: 2, stream: true, after: 6, delayMs: 900,
    inject: () => local('services.sh', 'kill', 'mistral-service'), holdMs: 0, restore: () => local('services.sh', 'up', 'mistral-service') },
  { name: 'fault ledger-service kill -9', provider: 'grok', mode: 'pull', c: 8, waves: 2, after: 4,
    inject: () => local('services.sh', 'kill', 'ledger-service'), holdMs: 2000, restore: () => local('services.sh', 'up', 'ledger-service') },
  { name: 'fault chain RPC stalled (pull)', provider: 'mistral', mode: 'pull', c: 8, waves: 2, after: 3, needs: 'rpc-proxy',
    inject: () => proxy('stall'), holdMs: 20_000, restore: () => proxy('pass') },
  { name: 'fault chain RPC stalled (push)', provider: 'grok', mode: 'push', c: 8, waves: 2, after: 3, needs: 'rpc-proxy',
    inject: () => proxy('stall'), holdMs: 20_000, restore: () => proxy('pass') },
  ...['fail-500', 'stall', 'reset'].map((state) => ({
    name: `fault upstream ${state}`, provider: state === 'stall' ? 'grok' : 'mistral', mode: 'pull', c: 8, waves: 2, after: 2,
    marker: ' standin:load-fault', upstreamRetries: 4,
    inject: () => standinState(state), holdMs: state === 'stall' ? 3000 : 2000, restore: () => standinState('Started'),
  })),
].map((f) => ({ kind: 'fault', bodies: 'distinct', ...f }))

export async function local(script, ...args) {
  await exec(`${LOCAL}${script}`, args, { env: { READY_TIMEOUT: '300', ...process.env }, maxBuffer: 16 * 1024 * 1024 })
}
async function startPaymentService() {
  await exec(`${LOCAL}services.sh`, ['up', 'payment-service'], {
    env: { ...process.env, READY_TIMEOUT: process.env.READY_TIMEOUT ?? '300', ...(RPC_PROXY_URL ? { PAYMENT_TEMPO_RPC_URL: RPC_PROXY_URL } : {}) }, maxBuffer: 16 * 1024 * 1024,
  })
}
async function proxy(mode) {
  const res = await fetch(`${RPC_PROXY_URL}/__proxy/${mode}`, { method: 'POST' })
  if (!res.ok) throw new Error(`rpc-proxy: HTTP ${res.status}`)
}
/** Switches the stand-in's load-fault scenario; 'Started' (no fault) is set by a PUT without a body (a reset). */
async function standinState(state) {
  const res = await fetch(`${STANDIN_URL}/__admin/scenarios/load-fault/state`, state === 'Started' ? { method: 'PUT' } : {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state }),
  })
  if (!res.ok) throw new Error(`stand-in scenario state: HTTP ${res.status} ${await res.text()}`)
}

// ---------------------------------------------------------------- running one scenario
const pct = (xs, p) => {
  if (!xs.length) return undefined
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
}
const tally = (xs) => xs.reduce((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {})

/** Runs one scenario; returns {row, verdict}. */
export async function runScenario(s) {
  const started = Date.now()
  const n = s.c * s.waves
  const keys = await fundKeys(RPC_URL, n)
  const fromBlock = Number.parseInt(await rpcCall(RPC_URL, 'eth_blockNumber'), 16) + 1
  const since = new Date(Date.now() - 1000).toISOString()
  const url = `${PROVIDERS[s.provider].url}${PROVIDERS[s.provider].route}`
  const runId = Math.random().toString(36).slice(2, 8)

  // the fault: after `after` presentations, inject; hold; restore
  let presented = 0
  let faultDone = Promise.resolve()
  let faultError
  let injectAt
  const onEvent = (name) => {
    if (name !== 'presenting' || !s.inject) return
    presented++
    if (presented === s.after) {
      faultDone = (async () => {
        if (s.delayMs) await new Promise((r) => setTimeout(r, s.delayMs))
        injectAt = Date.now()
        await s.inject()
        await new Promise((r) => setTimeout(r, s.holdMs))
        await s.restore()
      })().catch((e) => { faultError = e })
    }
  }
  const results = []
  // interval mining only while the agents pay (funding and the checks run on automine)
  if (s.blockTimeS) await rpcCall(RPC_URL, 'evm_setIntervalMining', [s.blockTimeS])
  try {
    for (let w = 0; w < s.waves; w++) {
      const wave = keys.slice(w * s.c, (w + 1) * s.c).map((key, i) => {
        const marker = s.bodies === 'identical' ? (s.marker ?? '') : ` load-agent:${key.address} run:${runId}${s.marker ?? ''}`
        return runAgent({ key, mode: s.mode, url, body: BODY_OF[s.provider](marker, s.stream), rpcUrl: RPC_URL,
          representUntil: Date.now() + (s.kind === 'fault' ? 120_000 : 30_000), onEvent, fundedAmount: LOAD_AMOUNT })
      })
      results.push(...(await Promise.all(wave)))
    }
  } finally {
    if (s.blockTimeS) await rpcCall(RPC_URL, 'evm_setAutomine', [true])
  }
  await faultDone
  const loadMs = Date.now() - started

  // let the system settle, then check
  const settle = await quiesce(since, s.kind === 'fault' ? 180_000 : 60_000)
  const verdict = await checkInvariants({
    rpcUrl: RPC_URL, pg: { port: PG_PORT }, standinUrl: STANDIN_URL, fromBlock, since,
    maxUpstreamCallsPerAttempt: s.upstreamRetries ?? 1,
    allowUnfulfilled: s.kind === 'fault',
    clientResults: results.map((r) => ({ challengeId: r.challengeId, deliveries: r.deliveries })),
  })
  if (faultError) verdict.violations.push({ rule: 'harness', message: `the fault could not be injected/restored: ${faultError.message}` })
  verdict.ok = verdict.violations.length === 0

  const firstTry = results.filter((r) => r.status !== 200)
  const unserved = results.filter((r) => r.deliveries === 0)
  const row = {
    scenario: s.name, agents: n, c: s.c, deliveries: results.reduce((a, r) => a + r.deliveries, 0),
    served: results.length - unserved.length,
    firstTryFailures: firstTry.length, firstTryByStatus: tally(firstTry.map((r) => `${r.status} ${r.problem ?? ''}`.trim())),
    failures: unserved.length, failuresByStatus: tally(unserved.map((r) => `${r.finalStatus} ${r.finalProblem ?? ''}`.trim())),
    duplicated: results.filter((r) => r.deliveries > 1).length,
    recoveredByRepresentation: results.filter((r) => r.status !== 200 && r.deliveries > 0).length,
    p50: pct(results.map((r) => r.latencyMs), 50), p99: pct(results.map((r) => r.latencyMs), 99),
    invariants: verdict.ok ? 'OK' : `VIOLATED (${verdict.violations.length})`,
    figures: verdict.figures, violations: verdict.violations, settledMs: settle.ms, settledFully: settle.ok,
    faultAtMs: injectAt ? injectAt - started : undefined,
    wallMs: Date.now() - started, loadMs,
  }
  // pass rule: a load scenario serves every agent on its first try; a fault scenario serves every agent in the end
  // (honest re-presentation) unless its money is accounted for (the checker's OWED/refunded figures), and never
  // breaks an invariant
  row.pass = verdict.ok && (s.kind === 'load' ? row.firstTryFailures === 0 : row.failures === 0) && row.duplicated === 0
  row.agentTrace = results.filter((r) => r.status !== 200 || r.deliveries !== 1)
    .slice(0, 10).map((r) => `${r.address.slice(0, 10)} ${r.challengeId?.slice(0, 12) ?? '-'} ${r.paidStatuses.join(' → ') || r.error}`)
  return { row, verdict }
}

/** Waits until nothing of the window is in flight and the ledger has caught up with payments. */
async function quiesce(since, timeoutMs) {
  const q = pgClient({ port: PG_PORT })
  const t0 = Date.now()
  let last = ''
  while (Date.now() - t0 < timeoutMs) {
    try {
      const [p] = await q('payments', `SELECT count(*) FILTER (WHERE status IN ('pending','settled','redeeming','refunding'))::int AS inflight,
          count(*) FILTER (WHERE status NOT IN ('pending','failed'))::int AS live,
          (SELECT count(*)::int FROM outbox WHERE published_at IS NULL) AS outbox,
          string_agg(challenge_id || '=' || status, ',' ORDER BY challenge_id) AS states
        FROM charges WHERE settled_at >= '${since}'::timestamptz`)
      const [l] = await q('ledger', `SELECT string_agg(challenge_id || '=' || status, ',' ORDER BY challenge_id) AS states,
          (SELECT count(*)::int FROM usage_records WHERE recorded_at >= '${since}'::timestamptz) AS usage FROM charges WHERE settled_at >= '${since}'::timestamptz`)
      const norm = (x) => (x ?? '').replaceAll('=fulfilled', '=delivered')
      const now = `${p.states}|${l.states}|${l.usage}`
      if (p.inflight === 0 && p.outbox === 0 && norm(p.states).split(',').filter((x) => !/=(pending|failed)$/.test(x)).join(',') === norm(l.states) && now === last) {
        return { ok: true, ms: Date.now() - t0 }
      }
      last = now
    } catch { /* a database or service is still restarting */ }
    await new Promise((r) => setTimeout(r, 1000))
  }
  return { ok: false, ms: Date.now() - t0 }
}

