// The load and fault suite: many honest agents at once (the real mppx client, one funded key each), faults
// mid-flight, and the money invariants checked against the chain, the payments DB and the ledger after every
// scenario. Run through deploy/load/run.sh (which starts what is needed); directly, with the lane's environment
// (eval "$(LANE=N deploy/local/lane-env.sh)") and the services up:
//
//   node deploy/load/load.mjs [--quick] [--only REGEX] [--skip REGEX] [--json FILE] [--list]
//
// Prints one line per scenario (agents, deliveries, failures by status/problem, p50/p99, invariant verdict, wall
// time) and a table at the end; exits 1 when a scenario fails (deploy/load/README.md says what each one checks).
import { writeFileSync } from 'node:fs'
import { formatVerdict } from './lib/invariants.mjs'
import { FAULTS, loadScenarios, runScenario } from './lib/scenarios.mjs'

const RPC_PROXY_URL = process.env.RPC_PROXY_URL

const argv = process.argv.slice(2)
const flag = (n) => argv.includes(`--${n}`)
const opt = (n) => (argv.indexOf(`--${n}`) >= 0 ? argv[argv.indexOf(`--${n}`) + 1] : undefined)
const QUICK = flag('quick')

// ---------------------------------------------------------------- main
const all = [...loadScenarios({ quick: QUICK }), ...FAULTS]
let selected = all
if (opt('only')) selected = selected.filter((s) => new RegExp(opt('only')).test(s.name))
if (opt('skip')) selected = selected.filter((s) => !new RegExp(opt('skip')).test(s.name))
if (!RPC_PROXY_URL) selected = selected.filter((s) => s.needs !== 'rpc-proxy' || (console.log(`skipping "${s.name}": no RPC_PROXY_URL (run.sh starts the proxy)`), false))
if (flag('list')) { for (const s of selected) console.log(s.name); process.exit(0) }

const t0 = Date.now()
const rows = []
for (const s of selected) {
  let out
  try {
    out = await runScenario(s)
  } catch (e) {
    out = { row: { scenario: s.name, agents: s.c * s.waves, pass: false, invariants: 'NOT CHECKED', error: e.stack ?? String(e) }, verdict: null }
  }
  const r = out.row
  rows.push(r)
  console.log(`${r.pass ? 'PASS' : 'FAIL'} ${r.scenario}: agents ${r.agents}, deliveries ${r.deliveries ?? '-'}, first-try failures ${r.firstTryFailures ?? '-'} ${JSON.stringify(r.firstTryByStatus ?? {})}, unserved ${r.failures ?? '-'} ${JSON.stringify(r.failuresByStatus ?? {})}, duplicated ${r.duplicated ?? '-'}, p50 ${r.p50 ?? '-'} ms, p99 ${r.p99 ?? '-'} ms, invariants ${r.invariants}, wall ${((r.wallMs ?? 0) / 1000).toFixed(1)} s`)
  if (r.error) console.log(`  error: ${r.error}`)
  if (out.verdict && !out.verdict.ok) console.log(formatVerdict(out.verdict, { max: 8 }).split('\n').slice(1).join('\n'))
  if (!r.pass && r.agentTrace?.length) for (const t of r.agentTrace) console.log(`  agent ${t}`)
}
const wall = ((Date.now() - t0) / 1000).toFixed(1)
console.log('\n| scenario | agents | deliveries | first-try failures | unserved | duplicated | p50 ms | p99 ms | invariants | wall s |')
console.log('|---|---|---|---|---|---|---|---|---|---|')
for (const r of rows) {
  console.log(`| ${r.scenario} | ${r.agents} | ${r.deliveries ?? '-'} | ${r.firstTryFailures ?? '-'}${r.firstTryFailures ? ' ' + Object.entries(r.firstTryByStatus).map(([k, n]) => `${n}× ${k}`).join(', ') : ''} | ${r.failures ?? '-'}${r.failures ? ' ' + Object.entries(r.failuresByStatus).map(([k, n]) => `${n}× ${k}`).join(', ') : ''} | ${r.duplicated ?? '-'} | ${r.p50 ?? '-'} | ${r.p99 ?? '-'} | ${r.invariants} | ${((r.wallMs ?? 0) / 1000).toFixed(1)} |`)
}
const failed = rows.filter((r) => !r.pass)
console.log(`\n${rows.length - failed.length} passed, ${failed.length} failed (scenarios; wall ${wall} s)`)
if (opt('json')) writeFileSync(opt('json'), JSON.stringify({ wallS: Number(wall), rows }, (k, v) => (typeof v === 'bigint' ? v.toString() : v), 2))
process.exit(failed.length ? 1 : 0)
