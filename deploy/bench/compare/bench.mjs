// The side-by-side benchmark: this suite (mistral-service and the services behind it) and the mppx reference server
// (reference-server.mjs, started here) on the same anvil chain and the same upstream stand-in, in interleaved
// rounds (A B in the first, B A in the second, and so on). deploy/bench/compare.sh starts the stack and the services
// and then runs this file; run it by hand only against a running lane (see deploy/bench/README.md).
//
// Environment (compare.sh sets all of it): RPC_URL, STANDIN_URL, MISTRAL_SERVICE_URL, REF_PORT, PID_DIR, LOG_DIR,
// RESULTS_DIR, DOCS_FILE, COMMIT, COMMIT_DIRTY, LABEL (baseline|latest|...), ROUNDS, QUICK=1, PHASES
// (comma list of unpaid,paid,stream,streams; default all), STREAMS (concurrent paid streams, default 1000),
// STREAMS_HOLD_S (how long each of them lasts; default derived from the c = 32 rate, see holdSeconds), STREAMS_REF=1
// (the streams phase for the reference too), WARM_PAID (paid calls per target before measuring, default 300; 8 with
// QUICK), COMMAND (for the record).
//
// Exit code: 0 when every paid call succeeded, 1 when any failed (they are listed in the report), 2 on a harness
// error.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync, openSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { fundKeys, RPC_URL } from './lib/chain.mjs'
import { directStream, floorSample, paidCall, unpaid } from './lib/calls.mjs'
import { priceOf } from './lib/parse.mjs'
import { renderSection, replaceSection, judgeTargets } from './lib/report.mjs'
import { sampleRss } from './lib/rss.mjs'
import { addedBeyond, median, percentile } from './lib/stats.mjs'
import { runWrk } from './lib/wrk.mjs'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const env = process.env
const STANDIN_URL = env.STANDIN_URL ?? 'http://127.0.0.1:8090'
const OURS_URL = env.MISTRAL_SERVICE_URL ?? 'http://127.0.0.1:8082'
const REF_PORT = Number(env.REF_PORT ?? 8088)
const REF_URL = `http://127.0.0.1:${REF_PORT}`
const PID_DIR = env.PID_DIR
const LOG_DIR = env.LOG_DIR ?? os.tmpdir()
const QUICK = env.QUICK === '1'
const ROUNDS = Number(env.ROUNDS || (QUICK ? 2 : 3))
const PHASES = new Set((env.PHASES || 'unpaid,paid,stream,streams').split(',').map((s) => s.trim()).filter(Boolean))
const ROUTE = '/mistral/chat'
const UPSTREAM = `${STANDIN_URL}/mistral/v1/chat/completions`
const SERVICES = ['payment-service', 'mistral-service', 'grok-service', 'ledger-service']

const CFG = QUICK
  ? { wrkSeconds: 3, warmWrkSeconds: 2, warmPaid: Number(env.WARM_PAID || 8), paid: { 1: 4, 8: 16, 32: 32 }, stream: 3, streams: Number(env.STREAMS || 40) }
  : { wrkSeconds: 10, warmWrkSeconds: 5, warmPaid: Number(env.WARM_PAID || 300), paid: { 1: 30, 8: 48, 32: 96 }, stream: 15, streams: Number(env.STREAMS || 1000) }
// paid calls each target serves (8 at a time) before anything is measured: the JVMs compile their paid path as it
// runs, and over the first ~500 calls their CPU per call halves (payment-service 67 -> 23 ms, mistral-service 46 -> 17
// ms at 8 agents); a few calls would measure the compiler, not the steady state a long-running gateway is in.
// The reference gets exactly the same warm-up.
const WARM_CONCURRENCY = 8
const WRK_CONNECTIONS = 16

// The same body for both targets: the chat the e2e tests send (deploy/agent/lib/gateway.mjs), and its stream.
const CHAT = { model: 'mistral-small-latest', max_tokens: 256, messages: [{ role: 'user', content: 'In one sentence: what is the Machine Payments Protocol?' }] }
const BODY = JSON.stringify(CHAT)
const STREAM_BODY = JSON.stringify({ ...CHAT, stream: true })
// a stream the stand-in holds open for STREAMS_HOLD_S (a mapping registered for the run, see longStreamMapping)
const LONG_STREAM_BODY = JSON.stringify({ ...CHAT, stream: true, messages: [{ role: 'user', content: 'bench:long-stream In one sentence: what is the Machine Payments Protocol?' }] })

const log = (...a) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...a)
const started = Date.now()
const failures = []
const harnessErrors = []
/** everything measured so far: a phase puts its figures here as it goes, so an interrupted run can still report */
const results = {}
let price
const loadavg = () => os.loadavg().map((l) => l.toFixed(1)).join(' / ')
const loadStart = loadavg()

// ---------------------------------------------------------------------------------------------------------------
// processes under test

function pidOf(name) {
  if (!PID_DIR) return undefined
  try { return Number(readFileSync(path.join(PID_DIR, `${name}.pid`), 'utf8').trim()) } catch { return undefined }
}
let reference
function processes() {
  const pids = {}
  for (const s of SERVICES) { const p = pidOf(s); if (p) pids[s] = p }
  if (reference?.pid) pids['mppx reference'] = reference.pid
  return pids
}
const rss = {}
async function phase(name, fn) {
  log(`--- ${name}`)
  const sampler = sampleRss(processes())
  try {
    return await fn()
  } finally {
    rss[name] = sampler.stop()
  }
}

async function startReference(price) {
  const logFile = path.join(LOG_DIR, 'bench-reference.log')
  const out = openSync(logFile, 'a')
  reference = spawn(process.execPath, [path.join(HERE, 'reference-server.mjs')], {
    env: { ...env, PORT: String(REF_PORT), RPC_URL, STANDIN_URL, PRICES: JSON.stringify({ [ROUTE]: price }) },
    stdio: ['ignore', out, out],
  })
  if (PID_DIR) { // so that compare.sh can stop it by pid if this process dies first (lib.sh's pid-file format)
    writeFileSync(path.join(PID_DIR, 'bench-reference.pid'), `${reference.pid}\n`)
    try { writeFileSync(path.join(PID_DIR, 'bench-reference.start'), readFileSync(`/proc/${reference.pid}/stat`, 'utf8').split(' ')[21] + '\n') } catch {}
  }
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      const r = await unpaid({ url: REF_URL + ROUTE, body: BODY })
      if (r.status === 402) return
    } catch {}
    if (reference.exitCode !== null || Date.now() > deadline) throw new Error(`the mppx reference server did not come up (see ${logFile})`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
function stopReference() {
  if (reference && reference.exitCode === null) reference.kill('SIGTERM')
}
process.on('exit', stopReference)

// ---------------------------------------------------------------------------------------------------------------
// helpers

/** Runs n tasks with c at a time; {results, seconds}. */
async function concurrently(c, n, task) {
  const results = new Array(n)
  let next = 0
  const t0 = performance.now()
  await Promise.all(Array.from({ length: Math.min(c, n) }, async () => {
    for (let i = next++; i < n; i = next++) results[i] = await task(i)
  }))
  return { results, seconds: (performance.now() - t0) / 1000 }
}

// A B in even rounds, B A in odd ones: the chain slows as its state grows (every call funds a key), so the target
// that always went second would always meet a slightly slower chain
const targets = (round = 0) => (round % 2 === 0
  ? [['ours', OURS_URL], ['ref', REF_URL]]
  : [['ref', REF_URL], ['ours', OURS_URL]])
const targetName = (who) => (who === 'ours' ? 'this suite' : 'mppx reference')

function recordFailures(where, results) {
  const counts = {}
  for (const r of results) {
    if (r.ok) continue
    const error = r.error ?? `HTTP ${r.status}`
    failures.push({ where, error })
    counts[error] = (counts[error] ?? 0) + 1
  }
  for (const [error, n] of Object.entries(counts)) log(`  ${where}: ${n} × ${error}`)
}

/** p50/p99 of a field over the ok results, as {<prefix>P50, <prefix>P99}. */
function pcts(results, field, prefix = field) {
  const v = results.filter((r) => r.ok && Number.isFinite(r[field])).map((r) => r[field])
  return { [`${prefix}P50`]: percentile(v, 50), [`${prefix}P99`]: percentile(v, 99) }
}

// ---------------------------------------------------------------------------------------------------------------
// phases

async function warmUp() {
  await phase('warm-up', async () => {
    const keys = await fundKeys(2 * (CFG.warmPaid + 2))
    for (const [who, url] of targets()) {
      await runWrk({ url: url + ROUTE, body: BODY, connections: WRK_CONNECTIONS, seconds: CFG.warmWrkSeconds })
      const mine = keys.splice(0, CFG.warmPaid + 2)
      const run = await concurrently(WARM_CONCURRENCY, CFG.warmPaid, (i) => paidCall({ url: url + ROUTE, body: BODY, key: mine[i] }))
      const failed = run.results.filter((r) => !r.ok)
      log(`warm-up ${targetName(who)}: ${CFG.warmPaid} paid calls at c=${WARM_CONCURRENCY}, ${(CFG.warmPaid / run.seconds).toFixed(1)} calls/s, ${failed.length} failed${failed.length ? ` (${failed[0].error})` : ''}`)
      for (const key of mine.slice(CFG.warmPaid)) await paidCall({ url: url + ROUTE, body: STREAM_BODY, key, sse: true })
    }
    await directStream({ upstreamUrl: UPSTREAM, body: STREAM_BODY })
  })
}

async function unpaidPhase() {
  const out = (results.unpaid = { connections: WRK_CONNECTIONS, seconds: CFG.wrkSeconds, ours: [], ref: [] })
  await phase('unpaid 402', async () => {
    for (let r = 0; r < ROUNDS; r++) {
      for (const [who, url] of targets(r)) {
        const w = await runWrk({ url: url + ROUTE, body: BODY, connections: WRK_CONNECTIONS, seconds: CFG.wrkSeconds })
        log(`unpaid round ${r + 1} ${targetName(who)}: ${w.rps.toFixed(0)} req/s, p50 ${w.p50.toFixed(1)} ms, p99 ${w.p99.toFixed(1)} ms, not 402: ${w.not402}, socket errors: ${w.errors}`)
        if (w.not402 || w.errors) log(`  WARNING: ${w.not402} answers were not 402 and ${w.errors} socket errors`)
        out[who].push(w)
      }
    }
  })
  return out
}

const serverTiming = {}
async function paidPhase() {
  const out = (results.paid = {})
  for (const c of [1, 8, 32]) {
    const n = CFG.paid[c]
    const p = (out[c] = { callsPerRound: n, floor: [], ours: [], ref: [] })
    await phase(`paid c=${c}`, async () => {
      for (let r = 0; r < ROUNDS; r++) {
        const keys = await fundKeys(3 * n)
        const floor = await concurrently(c, n, (i) => floorSample({ challengeUrl: REF_URL + ROUTE, body: BODY, key: keys[i], upstreamUrl: UPSTREAM }).catch((e) => ({ error: e.message })))
        const floorOk = floor.results.filter((f) => !f.error)
        if (floorOk.length < floor.results.length) log(`  floor: ${floor.results.length - floorOk.length} samples failed: ${floor.results.find((f) => f.error).error}`)
        const floorTotals = floorOk.map((f) => f.total)
        p.floor.push({
          totalP50: median(floorTotals), totalP99: percentile(floorTotals, 99),
          chainP50: median(floorOk.map((f) => f.chain)), upstreamP50: median(floorOk.map((f) => f.upstream)),
        })
        let k = n
        for (const [who, url] of targets(r)) {
          const base = k
          k += n
          const run = await concurrently(c, n, (i) => paidCall({ url: url + ROUTE, body: BODY, key: keys[base + i] }))
          const ok = run.results.filter((x) => x.ok)
          recordFailures(`${targetName(who)}, c=${c}`, run.results)
          const added = addedBeyond(ok.map((x) => x.paid), floorTotals)
          // per call, where the server says how long it waited on the chain (Server-Timing `chain`): the paid phase
          // minus that wait and minus the stand-in's median time from the floor; takes the chain's jitter out
          const upstreamFloor = median(floorOk.map((f) => f.upstream))
          const own = ok.every((x) => Number.isFinite(x.serverTiming?.chain)) ? ok.map((x) => x.paid - x.serverTiming.chain - upstreamFloor) : []
          const fig = {
            ownAddedP50: percentile(own, 50), ownAddedP99: percentile(own, 99), chainWaitP50: percentile(ok.map((x) => x.serverTiming?.chain).filter(Number.isFinite), 50),
            callsPerSecond: ok.length / run.seconds, failed: run.results.length - ok.length,
            ...pcts(run.results, 'toChallenge'), ...pcts(run.results, 'credential'), ...pcts(run.results, 'paid'), ...pcts(run.results, 'total'),
            addedP50: percentile(added, 50), addedP99: percentile(added, 99),
          }
          p[who].push(fig)
          if (who === 'ours') {
            const st = {}
            for (const name of new Set(ok.flatMap((x) => Object.keys(x.serverTiming ?? {})))) st[name] = median(ok.map((x) => x.serverTiming[name]).filter(Number.isFinite))
            ;(serverTiming[`paid, c=${c}`] ??= []).push(st)
          }
          log(`paid c=${c} round ${r + 1} ${targetName(who)}: ${fig.callsPerSecond.toFixed(1)} calls/s, ${fig.failed} failed, ` +
            `402 ${fig.toChallengeP50?.toFixed(1)} ms, credential ${fig.credentialP50?.toFixed(1)} ms, paid ${fig.paidP50?.toFixed(1)}/${fig.paidP99?.toFixed(1)} ms, ` +
            `floor ${median(floorTotals)?.toFixed(1)} ms, added ${fig.addedP50?.toFixed(1)}/${fig.addedP99?.toFixed(1)} ms`)
        }
      }
    })
  }
  return out
}

async function streamPhase() {
  const n = CFG.stream
  const out = (results.stream = { direct: [], ours: [], ref: [] })
  await phase('stream time to first event', async () => {
    for (let r = 0; r < ROUNDS; r++) {
      const keys = await fundKeys(3 * n)
      const direct = []
      for (let i = 0; i < n; i++) direct.push(await directStream({ upstreamUrl: UPSTREAM, body: STREAM_BODY }))
      const chain = []
      for (let i = 0; i < n; i++) chain.push((await floorSample({ challengeUrl: REF_URL + ROUTE, body: BODY, key: keys[i], upstreamUrl: UPSTREAM })).chain)
      const directTtfb = median(direct.map((d) => d.ttfb))
      out.direct.push({ ttfbP50: directTtfb, chainP50: median(chain) })
      let k = n
      for (const [who, url] of targets(r)) {
        const results = []
        for (let i = 0; i < n; i++) results.push(await paidCall({ url: url + ROUTE, body: STREAM_BODY, key: keys[k++], sse: true }))
        recordFailures(`${targetName(who)}, stream`, results)
        const ok = results.filter((x) => x.ok && Number.isFinite(x.ttfb))
        const added = ok.map((x) => x.ttfb - median(chain) - directTtfb)
        out[who].push({ ...pcts(results, 'ttfb'), addedTtfbP50: percentile(added, 50), addedTtfbP99: percentile(added, 99), failed: results.length - ok.length })
        if (who === 'ours') {
          const st = {}
          for (const name of new Set(ok.flatMap((x) => Object.keys(x.serverTiming ?? {})))) st[name] = median(ok.map((x) => x.serverTiming[name]).filter(Number.isFinite))
          ;(serverTiming['stream'] ??= []).push(st)
        }
        log(`stream round ${r + 1} ${targetName(who)}: first event ${percentile(ok.map((x) => x.ttfb), 50)?.toFixed(1)} ms after the paid request; ` +
          `beyond chain (${median(chain).toFixed(1)} ms) + stand-in (${directTtfb.toFixed(1)} ms): ${percentile(added, 50)?.toFixed(1)} ms`)
      }
    }
  })
  return out
}

/**
 * A stand-in mapping for this run (removed at the end): a Mistral stream that lasts holdS seconds, one event about
 * every 5 s. WireMock cuts a dribbled body into equal byte chunks, so the events are made the same length and as
 * many as the chunks: every chunk then carries about one whole event, and the stream never looks idle to the
 * relay (mistral-service ends a stream that sends no event for 30 s).
 */
export function longStreamBody(events) {
  const event = (delta, extra = '') =>
    `data: {"id":"bench-long-stream","object":"chat.completion.chunk","created":1700000000,"model":"mistral-small-latest","choices":[{"index":0,"delta":${delta},"finish_reason":${extra ? '"stop"' : 'null'}}]${extra}}\n\n`
  const parts = [event('{"role":"assistant","content":""}')]
  for (let i = 0; i < events - 2; i++) parts.push(event('{"content":" x"}'))
  parts.push(event('{"content":"."}', `,"usage":{"prompt_tokens":12,"completion_tokens":${events - 1},"total_tokens":${events + 11}}`))
  parts.push('data: [DONE]\n\n')
  return parts.join('')
}

// the held stream sends an event about every LONG_STREAM_EVENT_S (the first one too), by STREAM_OPENERS agents
const LONG_STREAM_EVENT_S = 5
const STREAM_OPENERS = 32

async function longStreamMapping(holdS) {
  const chunks = Math.max(4, Math.ceil(holdS / LONG_STREAM_EVENT_S))
  const res = await fetch(`${STANDIN_URL}/__admin/mappings`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench: a Mistral stream held open (deploy/bench/compare, removed after the run)',
      priority: 1,
      request: { method: 'POST', urlPattern: '/mistral/v1/chat/completions', bodyPatterns: [{ contains: 'bench:long-stream' }] },
      response: {
        status: 200, headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
        body: longStreamBody(chunks),
        chunkedDribbleDelay: { numberOfChunks: chunks, totalDuration: holdS * 1000 },
      },
    }),
  })
  if (!res.ok) throw new Error(`stand-in refused the long-stream mapping: HTTP ${res.status} ${await res.text()}`)
  const { id } = await res.json()
  return () => fetch(`${STANDIN_URL}/__admin/mappings/${id}`, { method: 'DELETE' }).catch(() => {})
}

/** N paid streams opened against one target and held open; the 402 path measured idle and while they are open. */
async function manyStreams(who, url, total, holdS) {
  const x = { target: total, holdS }
  x.idle = await runWrk({ url: url + ROUTE, body: BODY, connections: WRK_CONNECTIONS, seconds: CFG.wrkSeconds })
  log(`streams ${targetName(who)}: idle 402 p99 ${x.idle.p99.toFixed(1)} ms (${x.idle.rps.toFixed(0)} req/s)`)
  const keys = await fundKeys(total)
  let open = 0
  let finished = 0
  let maxOpen = 0
  const calls = []
  const openBudgetMs = Math.max(10_000, (holdS - CFG.wrkSeconds - 20) * 1000)
  const t0 = performance.now()
  let next = 0
  const progress = setInterval(() => log(`  ${open - finished} streams open (${open} opened, ${finished} ended)`), 10_000)
  await Promise.all(Array.from({ length: STREAM_OPENERS }, async () => {
    while (next < total && performance.now() - t0 < openBudgetMs) {
      const key = keys[next++]
      let headersIn
      const opened = new Promise((resolve) => { headersIn = resolve })
      const call = paidCall({
        url: url + ROUTE, body: LONG_STREAM_BODY, key, sse: true, timeoutMs: (holdS + 180) * 1000,
        onHeaders: (res) => { if (res.status === 200) { open++; maxOpen = Math.max(maxOpen, open - finished) } headersIn() },
      }).then((r) => { if (r.status === 200) finished++; headersIn(); return r })
      calls.push(call)
      await Promise.race([opened, new Promise((r) => setTimeout(r, openBudgetMs - (performance.now() - t0)).unref())])
    }
  }))
  x.openSeconds = (performance.now() - t0) / 1000
  x.openAtMeasure = open - finished
  log(`streams ${targetName(who)}: ${x.openAtMeasure} open after ${x.openSeconds.toFixed(1)} s; measuring the 402 path`)
  x.loaded = await runWrk({ url: url + ROUTE, body: BODY, connections: WRK_CONNECTIONS, seconds: CFG.wrkSeconds })
  x.openAfterMeasure = open - finished
  log(`streams ${targetName(who)}: 402 p99 ${x.loaded.p99.toFixed(1)} ms with ${x.openAtMeasure}..${x.openAfterMeasure} streams open (${x.loaded.rps.toFixed(0)} req/s)`)
  const results = await Promise.all(calls)
  clearInterval(progress)
  x.maxOpen = maxOpen
  x.started = calls.length
  recordFailures(`${targetName(who)}, ${total} streams`, results)
  x.failed = results.filter((r) => !r.ok).length + (total - calls.length)
  if (calls.length < total) failures.push({ where: `${targetName(who)}, ${total} streams`, error: `${total - calls.length} streams never started: the opening took longer than ${(openBudgetMs / 1000).toFixed(0)} s` })
  return x
}

/**
 * How long the stand-in holds each stream: long enough for all of them to be open at once while the 402 path is
 * measured. An opening is a paid call whose answer starts with the stand-in's first event, about
 * LONG_STREAM_EVENT_S after the call: so the STREAM_OPENERS agents open at most STREAM_OPENERS / LONG_STREAM_EVENT_S
 * streams a second, and fewer if this suite's paid calls/s at 32 agents is lower. 1.5 × the time to open them all at
 * that rate + 60 s, within 60..600 s; 300 s when the paid phase did not run; STREAMS_HOLD_S overrides. (At 9ec6d4e
 * the paid rate, 21 calls/s, stood in for the opening rate and happened to leave enough time; at 51 calls/s it left
 * 119 s for openings that take 160 s.)
 */
function holdSeconds(paid) {
  if (env.STREAMS_HOLD_S) return Number(env.STREAMS_HOLD_S)
  const paidRate = median((paid?.['32']?.ours ?? []).map((r) => r.callsPerSecond).filter((v) => v > 0))
  if (!Number.isFinite(paidRate)) return 300
  const openRate = Math.min(paidRate, STREAM_OPENERS / LONG_STREAM_EVENT_S)
  return Math.round(Math.min(600, Math.max(60, (1.5 * CFG.streams) / openRate + 60)))
}

async function streamsPhase(paid) {
  const out = (results.streams = {})
  const holdS = holdSeconds(paid)
  log(`each of the ${CFG.streams} streams lasts ${holdS} s at the stand-in`)
  const removeMapping = await longStreamMapping(holdS)
  try {
    await phase(`${CFG.streams} streams, this suite`, async () => { out.ours = await manyStreams('ours', OURS_URL, CFG.streams, holdS) })
    if (env.STREAMS_REF === '1') await phase(`${CFG.streams} streams, mppx reference`, async () => { out.ref = await manyStreams('ref', REF_URL, CFG.streams, holdS) })
  } finally {
    await removeMapping()
  }
  return out
}

// ---------------------------------------------------------------------------------------------------------------

function machine() {
  const cpus = os.cpus()
  let java = ''
  try { java = readFileSync(path.join(LOG_DIR, 'mistral-service.log'), 'utf8').match(/on JVM \(powered by Quarkus [^)]*\)/)?.[0] ?? '' } catch {}
  return `${cpus.length} × ${cpus[0]?.model?.trim()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${os.release()}, Node ${process.versions.node}` +
    `${env.JAVA_VERSION ? `, Java ${env.JAVA_VERSION}` : ''}, wrk ${env.WRK_VERSION ?? ''}`.trim() + (java ? `; services ${java}` : '')
}

async function main() {
  // the price: what this suite asks for the benchmark's body; the reference charges exactly that
  const first = await unpaid({ url: OURS_URL + ROUTE, body: BODY })
  if (first.status !== 402) throw new Error(`${OURS_URL}${ROUTE} answered ${first.status}, not 402: are the services up?`)
  price = priceOf(first.challenge)
  const streamPrice = priceOf((await unpaid({ url: OURS_URL + ROUTE, body: STREAM_BODY })).challenge)
  if (streamPrice !== price) log(`note: this suite prices the stream body at ${streamPrice}, the chat body at ${price}; the reference charges ${price} for both`)
  log(`price of ${ROUTE} for the benchmark body: ${price} base units; starting the mppx reference server on ${REF_URL}`)
  await startReference(price)
  await warmUp()
  // a phase that breaks (e.g. the chain stops answering) is reported, and the others still run
  const run = async (name, fn) => {
    if (!PHASES.has(name)) return undefined
    try {
      return await fn()
    } catch (e) {
      log(`phase ${name} broke off: ${e.message?.slice(0, 300)}`)
      harnessErrors.push(`phase "${name}" broke off: ${e.message?.slice(0, 300)}`)
      return undefined
    }
  }
  await run('unpaid', unpaidPhase)
  await run('paid', paidPhase)
  await run('stream', streamPhase)
  await run('streams', () => streamsPhase(results.paid))
  return finish()
}

/** The run's meta data on top of the figures measured so far. */
function finish() {
  results.rss = rss
  results.serverTiming = serverTiming
  results.failures = failures
  const label = env.LABEL ?? 'latest'
  results.meta = {
    title: env.TITLE ?? (label === 'baseline' ? 'Baseline (before the reactive rewrite)' : `Side-by-side run (${label})`),
    label, commit: env.COMMIT ?? 'unknown', servicesCommit: env.SERVICES_COMMIT, dirty: env.COMMIT_DIRTY === '1', date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine: machine(), loadStart, loadEnd: loadavg(), rounds: ROUNDS, order: 'alternating', quick: QUICK, price,
    wallSeconds: (Date.now() - started) / 1000 + Number(env.SETUP_SECONDS ?? 0),
    command: env.COMMAND ?? 'deploy/bench/compare.sh',
    notes: [
      ...harnessErrors.map((e) => `**Harness error**: ${e}`),
      `Price of the benchmark body (\`POST ${ROUTE}\`, ${CHAT.model}, max_tokens ${CHAT.max_tokens}): ${price} base units of pathUSD, charged by both.`,
      'Paid calls: the real mppx client (0.11.0, pull mode, its default for a local key), one freshly funded key per call. ' +
        '"added beyond chain + upstream" = each call\'s paid phase (credential sent -> whole answer in) minus the median floor of the same round and concurrency; ' +
        'the floor is the same kind of payment (mppx-signed Tempo transaction) broadcast with eth_sendRawTransactionSync plus the stand-in called directly, with no server.',
      `Warm-up, the same for both before anything is measured: ${CFG.warmWrkSeconds} s of unpaid requests, ${CFG.warmPaid} paid calls (${WARM_CONCURRENCY} at a time) and 2 paid streams each.`,
      ...(QUICK ? ['QUICK run: few samples, for checking the harness only; not a measurement.'] : []),
    ],
  }
  return results
}

let exitCode = 0
let report
// interrupted (Ctrl-C, compare.sh killed): report what was measured so far, marked as such
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    harnessErrors.push(`interrupted by ${signal}: the figures are those measured until then`)
    stopReference()
    writeReport(finish())
    process.exit(2)
  })
}
try {
  report = await main()
} catch (e) {
  console.error(`bench: ${e.stack ?? e}`)
  exitCode = 2
}
stopReference()
if (report) exitCode = Math.max(exitCode, writeReport(report))
process.exit(exitCode)

/** Writes the JSON and the docs section; the exit code the figures call for. */
function writeReport(results) {
  let code = 0
  const resultsDir = env.RESULTS_DIR ?? path.join(LOG_DIR, 'bench')
  mkdirSync(resultsDir, { recursive: true })
  const file = path.join(resultsDir, `compare-${results.meta.label}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, JSON.stringify(results, null, 1))
  const section = renderSection(results)
  console.log('\n' + section)
  log(`results: ${file}`)
  if (env.DOCS_FILE && !QUICK) {
    const doc = existsSync(env.DOCS_FILE) ? readFileSync(env.DOCS_FILE, 'utf8') : '# Benchmarks\n'
    writeFileSync(env.DOCS_FILE, replaceSection(doc, results.meta.label, section))
    log(`wrote the "${results.meta.label}" section of ${env.DOCS_FILE}`)
  }
  for (const t of judgeTargets(results)) log(`target: ${t.met === true ? 'MET    ' : t.met === false ? 'NOT MET' : 'n/a    '} ${t.name}: ${t.detail}`)
  if (failures.length) {
    log(`${failures.length} paid call(s) failed`)
    code = 1
  }
  if (harnessErrors.length) code = 2
  return code
}
