// Figures of a side-by-side run -> the Markdown section of docs/benchmarks.md. Pure functions (no I/O, no
// dependencies) so the unit tests run without npm.
import { acrossRounds, fmt, fmtRange, fmtRatio, ratio } from './stats.mjs'

/** The per-round values of `field` for a target's rounds, as an acrossRounds() figure. */
const fig = (rounds, field) => acrossRounds((rounds ?? []).map((r) => r?.[field]))

/**
 * The issue's targets, judged on the medians across rounds. Each: {name, met (true/false/null = not measured),
 * detail}.
 */
export function judgeTargets(results) {
  const t = []
  const u = results.unpaid
  if (u) {
    const rps = ratio(fig(u.ours, 'rps').median, fig(u.ref, 'rps').median)
    const p99o = fig(u.ours, 'p99').median
    const p99r = fig(u.ref, 'p99').median
    t.push({
      name: 'Unpaid 402: ≥ 5× the reference\'s requests/s with p99 ≤ the reference\'s',
      met: Number.isFinite(rps) ? rps >= 5 && p99o <= p99r : null,
      detail: `${fmtRatio(rps)} the requests/s; p99 ${fmt(p99o)} ms vs ${fmt(p99r)} ms`,
    })
  }
  const p1 = results.paid?.['1']
  if (p1) {
    const p50 = fig(p1.ours, 'addedP50').median
    const p99 = fig(p1.ours, 'addedP99').median
    t.push({
      name: 'Paid call, one agent: added beyond chain + upstream p50 ≤ 5 ms, p99 ≤ 20 ms',
      met: Number.isFinite(p50) ? p50 <= 5 && p99 <= 20 : null,
      detail: `p50 ${fmt(p50)} ms, p99 ${fmt(p99)} ms (reference: ${fmt(fig(p1.ref, 'addedP50').median)} / ${fmt(fig(p1.ref, 'addedP99').median)} ms)`,
    })
  }
  for (const c of ['8', '32']) {
    const p = results.paid?.[c]
    if (!p) continue
    const failures = (p.ours ?? []).reduce((s, r) => s + (r?.failed ?? 0), 0)
    const cps = fig(p.ours, 'callsPerSecond').median
    const cpsRef = fig(p.ref, 'callsPerSecond').median
    t.push({
      name: `Paid calls at ${c} agents: 0 failures and calls/s ≥ the reference's`,
      met: Number.isFinite(cps) ? failures === 0 && cps >= cpsRef : null,
      detail: `${failures} failed; ${fmt(cps)} vs ${fmt(cpsRef)} calls/s (${fmtRatio(ratio(cps, cpsRef))})`,
    })
  }
  const s = results.streams
  if (s?.ours) {
    const idle = s.ours.idle?.p99
    const loaded = s.ours.loaded?.p99
    const r = ratio(loaded, idle)
    const unanswered = s.ours.loaded?.errors ?? 0
    t.push({
      name: `${fmt(s.ours.target, 0)} concurrent paid streams on one provider replica: the 402 path's p99 within 2× of idle`,
      met: s.ours.loaded ? Number.isFinite(r) && r <= 2 && s.ours.maxOpen >= s.ours.target && unanswered === 0 && s.ours.loaded.requests > 0 : null,
      detail: `${wrkP99(s.ours.loaded)} with ${fmt(s.ours.openAtMeasure, 0)} streams open vs ${wrkP99(s.ours.idle)} idle` +
        `${unanswered || !s.ours.loaded?.requests ? '' : ` (${fmtRatio(r)})`}; at most ${fmt(s.ours.maxOpen, 0)} of ${fmt(s.ours.target, 0)} open at once`,
    })
  }
  const st = results.stream
  if (st) {
    const added = fig(st.ours, 'addedTtfbP50').median
    t.push({
      name: 'Streaming: time to first byte ≤ the direct stand-in + 2 ms',
      met: Number.isFinite(added) ? added <= 2 : null,
      detail: `paid time to first event beyond chain + the stand-in's own: ${fmt(added)} ms (reference: ${fmt(fig(st.ref, 'addedTtfbP50').median)} ms)`,
    })
  }
  if (results.rss) {
    const worst = {}
    for (const phase of Object.values(results.rss)) {
      for (const [name, v] of Object.entries(phase)) {
        if (name === 'mppx reference') continue
        if (Number.isFinite(v.max)) worst[name] = Math.max(worst[name] ?? 0, v.max)
      }
    }
    const names = Object.keys(worst)
    t.push({
      name: 'RSS ≤ 200 MiB per service under load (JVM mode)',
      met: names.length ? names.every((n) => worst[n] <= 200) : null,
      detail: names.map((n) => `${n} ${fmt(worst[n], 0)}`).join(', ') + ' MiB (max over the run)',
    })
  }
  return t
}

/** A wrk run's p99, or what stands in its way: requests that got no answer within wrk's timeout are not in it. */
function wrkP99(w) {
  if (!w) return '—'
  if (!w.requests) return 'no answer at all'
  return `p99 ${fmt(w.p99)} ms` + (w.errors ? ` over the ${fmt(w.requests, 0)} answered, ${fmt(w.errors, 0)} unanswered (timeouts/socket errors)` : '')
}

const verdict = (met) => (met === true ? 'met' : met === false ? '**not met**' : 'not measured')

function row(label, ref, ours, r, unit = '') {
  return `| ${label} | ${ref}${unit} | ${ours}${unit} | ${r} |`
}

/** The Markdown section for one run (without the begin/end markers). */
export function renderSection(results) {
  const m = results.meta
  const out = []
  out.push(`### ${m.title}`)
  out.push('')
  out.push(`Commit \`${m.commit}\`${m.servicesCommit && m.servicesCommit !== m.commit ? ` (the services' code as of \`${m.servicesCommit}\`)` : ''}${m.dirty ? ' with uncommitted changes' : ''}, ${m.date}; ${m.machine}. ` +
    `Load average ${m.loadStart} at the start, ${m.loadEnd} at the end (other work on the machine shares its 2 cores). ` +
    `${m.rounds} interleaved rounds (${m.order === 'alternating' ? 'this suite first in the first round, the reference first in the second, and so on' : 'this suite, then the reference, in every round'}); every figure is the median of ` +
    `the rounds' values with their min..max. Wall time of the run: ${fmt(m.wallSeconds / 60, 1)} min. Command: \`${m.command}\`.`)
  out.push('')
  const targets = judgeTargets(results)
  if (targets.length) {
    out.push('| target (issue 10) | verdict | measured |')
    out.push('|---|---|---|')
    for (const t of targets) out.push(`| ${t.name} | ${verdict(t.met)} | ${t.detail} |`)
    out.push('')
  }
  out.push('| figure | mppx reference | this suite | ratio (suite / reference) |')
  out.push('|---|---:|---:|---:|')
  const u = results.unpaid
  if (u) {
    out.push(row(`unpaid 402, requests/s (wrk, ${u.connections} connections, ${u.seconds} s)`, fmtRange(fig(u.ref, 'rps'), 0), fmtRange(fig(u.ours, 'rps'), 0), fmtRatio(ratio(fig(u.ours, 'rps').median, fig(u.ref, 'rps').median))))
    for (const p of ['p50', 'p99']) {
      out.push(row(`unpaid 402, ${p} (ms)`, fmtRange(fig(u.ref, p)), fmtRange(fig(u.ours, p)), fmtRatio(ratio(fig(u.ours, p).median, fig(u.ref, p).median))))
    }
  }
  for (const [c, p] of Object.entries(results.paid ?? {})) {
    const both = (label, field, digits = 1) => out.push(row(label, fmtRange(fig(p.ref, field), digits), fmtRange(fig(p.ours, field), digits), fmtRatio(ratio(fig(p.ours, field).median, fig(p.ref, field).median))))
    both(`paid, ${c} agent${c === '1' ? '' : 's'}: calls/s (${p.callsPerRound} calls a round)`, 'callsPerSecond')
    const failed = (rounds) => fmt((rounds ?? []).reduce((sum, r) => sum + (r?.failed ?? 0), 0), 0)
    out.push(row(`paid, c=${c}: failed calls (all rounds)`, failed(p.ref), failed(p.ours), ''))
    both(`paid, c=${c}: time to 402, p50 (ms)`, 'toChallengeP50')
    both(`paid, c=${c}: building the credential, p50 (ms)`, 'credentialP50')
    both(`paid, c=${c}: paid phase, p50 (ms)`, 'paidP50')
    both(`paid, c=${c}: paid phase, p99 (ms)`, 'paidP99')
    both(`paid, c=${c}: total, p50 (ms)`, 'totalP50')
    both(`paid, c=${c}: total, p99 (ms)`, 'totalP99')
    const floor = `${fmtRange(fig(p.floor, 'totalP50'))} = ${fmtRange(fig(p.floor, 'chainP50'))} + ${fmtRange(fig(p.floor, 'upstreamP50'))}`
    out.push(row(`paid, c=${c}: floor p50 = chain + stand-in, no server (ms)`, floor, '(same floor)', ''))
    both(`paid, c=${c}: **added beyond chain + upstream, p50** (ms)`, 'addedP50')
    both(`paid, c=${c}: **added beyond chain + upstream, p99** (ms)`, 'addedP99')
    if ([...(p.ours ?? []), ...(p.ref ?? [])].some((r) => Number.isFinite(r?.ownAddedP50))) {
      both(`paid, c=${c}: the server's own wait on the chain (Server-Timing \`chain\`), p50 (ms)`, 'chainWaitP50')
      both(`paid, c=${c}: added beyond its own chain wait + the stand-in, p50 (ms)`, 'ownAddedP50')
      both(`paid, c=${c}: added beyond its own chain wait + the stand-in, p99 (ms)`, 'ownAddedP99')
    }
  }
  const st = results.stream
  if (st) {
    out.push(row(`stream: the stand-in's own time to first event, p50 (ms)`, fmtRange(fig(st.direct, 'ttfbP50')), '(same)', ''))
    out.push(row(`stream: paid request -> first event, p50 (ms)`, fmtRange(fig(st.ref, 'ttfbP50')), fmtRange(fig(st.ours, 'ttfbP50')), fmtRatio(ratio(fig(st.ours, 'ttfbP50').median, fig(st.ref, 'ttfbP50').median))))
    out.push(row(`stream: **first event beyond chain + the stand-in's own, p50** (ms)`, fmtRange(fig(st.ref, 'addedTtfbP50')), fmtRange(fig(st.ours, 'addedTtfbP50')), ''))
  }
  const s = results.streams
  if (s) {
    for (const [who, label] of [['ours', 'this suite'], ['ref', 'mppx reference']]) {
      const x = s[who]
      if (!x) continue
      const cell = `${wrkP99(x.idle)} -> ${wrkP99(x.loaded)}; ${fmt(x.idle?.rps, 0)} -> ${fmt(x.loaded?.rps, 0)} req/s`
      out.push(row(`${fmt(x.target, 0)} paid streams (${label}): unpaid 402 idle -> with the streams open`,
        who === 'ref' ? cell : '', who === 'ours' ? cell : '',
        x.loaded?.errors || !x.loaded?.requests ? '' : fmtRatio(ratio(x.loaded?.p99, x.idle?.p99)) + ' of idle'))
      out.push(row(`${fmt(x.target, 0)} paid streams (${label}): at most open at once / failed / opening took (s)`,
        who === 'ref' ? `${fmt(x.maxOpen, 0)} / ${fmt(x.failed, 0)} / ${fmt(x.openSeconds)}` : '', who === 'ours' ? `${fmt(x.maxOpen, 0)} / ${fmt(x.failed, 0)} / ${fmt(x.openSeconds)}` : '', ''))
    }
  }
  out.push('')
  if (results.rss) {
    const names = [...new Set(Object.values(results.rss).flatMap((p) => Object.keys(p)))]
    out.push('RSS, MiB (largest sample of each phase):')
    out.push('')
    out.push(`| phase | ${names.join(' | ')} |`)
    out.push(`|---|${names.map(() => '---:').join('|')}|`)
    for (const [phase, v] of Object.entries(results.rss)) {
      out.push(`| ${phase} | ${names.map((n) => fmt(v[n]?.max, 0)).join(' | ')} |`)
    }
    out.push('')
  }
  const timing = results.serverTiming
  if (timing && Object.keys(timing).length) {
    out.push('Where this suite\'s time goes (its `Server-Timing` header, medians of the rounds\' p50, ms):')
    out.push('')
    const metrics = [...new Set(Object.values(timing).flatMap((rounds) => rounds.flatMap((r) => Object.keys(r ?? {}))))]
    out.push(`| calls | ${metrics.join(' | ')} |`)
    out.push(`|---|${metrics.map(() => '---:').join('|')}|`)
    for (const [label, rounds] of Object.entries(timing)) {
      out.push(`| ${label} | ${metrics.map((k) => fmtRange(acrossRounds(rounds.map((r) => r?.[k])))).join(' | ')} |`)
    }
    out.push('')
  }
  if (results.failures?.length) {
    out.push(`Failed paid calls (${results.failures.length}):`)
    out.push('')
    const counts = {}
    for (const f of results.failures) counts[`${f.where}: ${f.error}`] = (counts[`${f.where}: ${f.error}`] ?? 0) + 1
    for (const [k, n] of Object.entries(counts)) out.push(`- ${n} × ${k}`)
    out.push('')
  }
  if (m.notes?.length) {
    for (const n of m.notes) out.push(`- ${n}`)
    out.push('')
  }
  return out.join('\n')
}

const markers = (label) => [`<!-- compare:${label}:begin -->`, `<!-- compare:${label}:end -->`]

/**
 * Puts `section` between the markers of `label` in `doc`, replacing what was there, or appends it (after the
 * other compare sections when there are any). Everything outside the markers (e.g. the ledger section) stays.
 */
export function replaceSection(doc, label, section) {
  const [begin, end] = markers(label)
  const block = `${begin}\n${section.trimEnd()}\n${end}`
  const i = doc.indexOf(begin)
  const j = doc.indexOf(end)
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + end.length)
  const lastEnd = [...doc.matchAll(/<!-- compare:[\w-]+:end -->/g)].at(-1)
  if (lastEnd) {
    const at = lastEnd.index + lastEnd[0].length
    return doc.slice(0, at) + '\n\n' + block + doc.slice(at)
  }
  return doc.trimEnd() + '\n\n' + block + '\n'
}
