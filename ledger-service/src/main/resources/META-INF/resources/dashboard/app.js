// The finance dashboard: a small single-page app over the finance API (/ledger/**). Every figure comes from that
// API; amounts are integer base units formatted by money.js (BigInt and strings, never floating point).
import {
  compare, formatBaseUnits, formatBps, formatCount, formatMoney, parseJson, plotValue, sum,
} from './money.js'

const view = document.getElementById('view')
const DAY_MS = 86_400_000
let settings = { txUrlPattern: null, tokenSignIn: true }
let charts = []

// ---------- small DOM helpers (text only: nothing from the API is ever parsed as HTML) ----------
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue
    if (k === 'class') el.className = v
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v)
    else el.setAttribute(k, v === true ? '' : v)
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue
    el.append(c instanceof Node ? c : document.createTextNode(String(c)))
  }
  return el
}
const money = (v) => h('span', { class: 'money' }, formatBaseUnits(v))
const num = (v) => formatCount(v)
const td = (content, cls) => h('td', { class: cls }, content)
const tdNum = (content) => td(content, 'num')
const short = (s, n = 10) => (s && s.length > 2 * n ? `${s.slice(0, n)}…${s.slice(-6)}` : s ?? '')

function table(headers, rows, { rowClass } = {}) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, headers.map((x) => (typeof x === 'string' ? h('th', {}, x) : h('th', { class: x.cls }, x.label))))),
    h('tbody', {}, rows.length ? rows.map((r, i) => h('tr', { class: rowClass?.(i) }, r))
      : h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, 'none')))))
}
const M = (label) => ({ label: `${label} (pathUSD)`, cls: 'num' })
const N = (label) => ({ label, cls: 'num' })

function card(label, value, sub, testId) {
  return h('div', { class: 'card', 'data-testid': testId },
    h('div', { class: 'label' }, label), h('div', { class: 'value' }, value), sub ? h('div', { class: 'sub' }, sub) : null)
}

function showError(e) {
  view.append(h('div', { class: 'error', role: 'alert' }, e.message ?? String(e)))
}

// ---------- the finance API ----------
class ApiError extends Error {}

async function api(path) {
  // redirects are not followed: the only one is OIDC's to the identity provider once the session has expired, which
  // a fetch cannot take (another origin); the page itself is sent there instead
  const res = await fetch(path, { credentials: 'same-origin', redirect: 'manual', headers: { accept: 'application/json' } })
  if (res.status === 401 || res.type === 'opaqueredirect') {
    location.assign(res.status === 401 && settings.tokenSignIn ? '/dashboard/sign-in.html' : '/dashboard/')
    throw new ApiError('signed out')
  }
  const text = await res.text()
  if (!res.ok) {
    let detail = text
    try { const p = JSON.parse(text); detail = p.detail ?? p.title ?? text } catch { /* not JSON */ }
    if (res.status === 403) detail = 'Your sign-in does not carry the finance role.'
    throw new ApiError(`${res.status}: ${detail}`)
  }
  return parseJson(text)
}

const qs = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString()

// ---------- dates: the API takes UTC days (reports) and instants (charges, exports, reconciliation) ----------
const isoDay = (d) => d.toISOString().slice(0, 10)
const today = () => isoDay(new Date())
const addDays = (day, n) => isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS))
const instant = (day) => (day ? `${day}T00:00:00Z` : undefined)
const dateTime = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '')

function period(params, defaultDays = 30) {
  const to = params.get('to') || addDays(today(), 1)
  const from = params.get('from') || addDays(to, -defaultDays)
  return { from, to }
}

function periodForm(route, { from, to }, extra = []) {
  const form = h('form', { class: 'filters', 'data-testid': `${route}-period` },
    h('label', {}, 'From (UTC day)', h('input', { type: 'date', name: 'from', value: from, required: true })),
    h('label', {}, 'To (exclusive)', h('input', { type: 'date', name: 'to', value: to, required: true })),
    extra,
    h('button', { type: 'submit' }, 'Show'))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const data = new FormData(form)
    location.hash = `#/${route}?${qs(Object.fromEntries(data.entries()))}`
  })
  return form
}

function csvButtons(from, to) {
  const range = qs({ from: instant(from), to: instant(to) })
  return h('div', { class: 'pager' },
    h('a', { class: 'button secondary', href: `/ledger/export/charges.csv?${range}`, download: `charges-${from}-${to}.csv`, 'data-testid': 'csv-charges' }, 'Download charges CSV'),
    h('a', { class: 'button secondary', href: `/ledger/export/postings.csv?${range}`, download: `postings-${from}-${to}.csv`, 'data-testid': 'csv-postings' }, 'Download postings CSV'))
}

// ---------- charts ----------
const COLORS = ['#1f5fbf', '#e0792b', '#2e9e5b', '#a23bb3', '#c93a3a', '#3aa6b9', '#8c6d1f', '#5b6673']

function chart(title, config, testId) {
  const canvas = h('canvas', { 'aria-label': title, role: 'img' })
  const box = h('div', { class: 'chart', 'data-testid': testId }, canvas)
  queueMicrotask(() => {
    if (typeof Chart === 'undefined') { box.append(h('p', { class: 'error' }, 'Chart.js did not load')); return }
    charts.push(new Chart(canvas, config))
  })
  return box
}

/** Chart options whose axis labels and tooltips show pathUSD formatted from the exact base units. */
function moneyOptions(title, exact, { stacked = false, horizontal = false } = {}) {
  const axis = horizontal ? 'x' : 'y'
  return {
    responsive: true, maintainAspectRatio: false, animation: false, indexAxis: horizontal ? 'y' : 'x',
    plugins: {
      title: { display: true, text: title },
      tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatMoney(exact[c.datasetIndex][c.dataIndex])}` } },
    },
    scales: {
      [axis]: { stacked, ticks: { callback: (v) => formatBaseUnits(BigInt(Math.round(v))) } },
      [axis === 'y' ? 'x' : 'y']: { stacked },
    },
  }
}

function moneyChart(title, labels, series, opts = {}, testId) {
  const exact = series.map((s) => s.values)
  return chart(title, {
    type: opts.type ?? 'bar',
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label, data: s.values.map(plotValue), backgroundColor: s.color ?? COLORS[i % COLORS.length],
        borderColor: s.color ?? COLORS[i % COLORS.length], tension: 0.2,
      })),
    },
    options: moneyOptions(title, exact, opts),
  }, testId)
}

// ---------- views ----------
async function overview(params) {
  const { from, to } = period(params)
  view.append(h('h1', {}, 'Overview'), periodForm('overview', { from, to }), csvButtons(from, to))
  const range = { from, to }
  const [byDay, byProvider, byModel, byPayer, unfulfilled] = await Promise.all([
    api(`/ledger/reports?${qs({ ...range, groupBy: 'day' })}`),
    api(`/ledger/reports?${qs({ ...range, groupBy: 'provider' })}`),
    api(`/ledger/reports?${qs({ ...range, groupBy: 'provider,model' })}`),
    api(`/ledger/reports?${qs({ ...range, groupBy: 'payer', limit: 10000 })}`),
    unfulfilledAmount(instant(from), instant(to)),
  ])
  const t = byDay.total
  view.append(h('div', { class: 'cards', 'data-testid': 'overview-cards' },
    card('Revenue', formatMoney(t.revenue), `${num(t.fulfilledCalls)} delivered calls`, 'card-revenue'),
    card('Upstream cost', formatMoney(t.upstreamCost), `quoted ${formatMoney(t.quotedUpstreamCost)}`, 'card-upstream'),
    card('Margin', formatMoney(t.margin), `${formatBps(t.marginBps)} of revenue · splits ${formatMoney(t.splitCost)}`, 'card-margin'),
    card('Refunds', formatMoney(t.refunds), null, 'card-refunds'),
    card('Unfulfilled', formatMoney(unfulfilled.amount), `${num(unfulfilled.count)} charges${unfulfilled.more ? ' (first 10,000)' : ''}`, 'card-unfulfilled'),
    card('Calls', num(t.calls), `${num(t.fulfilledCalls)} delivered`, 'card-calls'),
    card('Tokens', num(t.totalTokens), `${num(t.promptTokens)} prompt · ${num(t.completionTokens)} completion · ${num(t.reasoningTokens)} reasoning`, 'card-tokens')))

  const days = byDay.rows
  const modelRows = byModel.rows
  const modelLabel = (r) => `${r.provider}/${r.model || '(no model yet)'}`
  view.append(h('div', { class: 'charts' },
    moneyChart('By day', days.map((r) => r.day), [
      { label: 'revenue', values: days.map((r) => r.revenue) },
      { label: 'upstream cost', values: days.map((r) => r.upstreamCost) },
      { label: 'margin', values: days.map((r) => r.margin) },
      { label: 'refunds', values: days.map((r) => r.refunds) },
    ], {}, 'chart-day'),
    moneyChart('By provider', byProvider.rows.map((r) => r.provider), [
      { label: 'revenue', values: byProvider.rows.map((r) => r.revenue) },
      { label: 'upstream cost', values: byProvider.rows.map((r) => r.upstreamCost) },
      { label: 'margin', values: byProvider.rows.map((r) => r.margin) },
    ], {}, 'chart-provider'),
    moneyChart('By model', modelRows.map(modelLabel), [
      { label: 'revenue', values: modelRows.map((r) => r.revenue) },
      { label: 'upstream cost', values: modelRows.map((r) => r.upstreamCost) },
    ], { horizontal: true }, 'chart-model')))

  view.append(h('h2', {}, 'By provider and model'), table(
    ['Provider', 'Model', N('Calls'), N('Delivered'), M('Revenue'), M('Upstream cost'), M('Margin'), N('Margin %'), N('Tokens')],
    modelRows.map((r) => [td(r.provider), td(r.model || '(no model yet)'), tdNum(num(r.calls)), tdNum(num(r.fulfilledCalls)),
      tdNum(money(r.revenue)), tdNum(money(r.upstreamCost)), tdNum(money(r.margin)), tdNum(formatBps(r.marginBps)), tdNum(num(r.totalTokens))])))

  const payers = [...byPayer.rows].sort((a, b) => compare(b.revenue, a.revenue) || compare(b.calls, a.calls)).slice(0, 10)
  view.append(h('h2', {}, 'Top payers'), h('div', { 'data-testid': 'top-payers' }, table(
    ['Payer', N('Calls'), M('Revenue'), M('Refunds'), N('Tokens'), ''],
    payers.map((r) => [td(r.payer, 'mono'), tdNum(num(r.calls)), tdNum(money(r.revenue)), tdNum(money(r.refunds)), tdNum(num(r.totalTokens)),
      td(h('a', { href: `#/charges?${qs({ payer: r.payer, from, to })}` }, 'charges'))]))))
  if (byPayer.nextAfter) view.append(h('p', { class: 'muted' }, 'More than 10,000 payers: the top ten are of the first 10,000.'))
}

/** Sum of the amounts of the period's unfulfilled charges, read through the charge listing (keyset pages). */
async function unfulfilledAmount(from, to) {
  let after, amount = 0n, count = 0n
  for (let page = 0; page < 20; page++) {
    const p = await api(`/ledger/charges?${qs({ status: 'unfulfilled', from, to, limit: 500, after })}`)
    amount += sum(p.items.map((c) => c.amount))
    count += BigInt(p.items.length)
    after = p.nextCursor
    if (!after) return { amount, count, more: false }
  }
  return { amount, count, more: true }
}

const STATUSES = ['', 'settled', 'fulfilled', 'unfulfilled', 'refunded']

async function chargesView(params) {
  const f = Object.fromEntries(['provider', 'route', 'model', 'payer', 'status', 'from', 'to', 'after'].map((k) => [k, params.get(k) ?? '']))
  const back = params.getAll('back') // cursors of the pages before this one, for "previous"
  const form = h('form', { class: 'filters', 'data-testid': 'charge-filters' },
    h('label', {}, 'From (UTC day)', h('input', { type: 'date', name: 'from', value: f.from })),
    h('label', {}, 'To (exclusive)', h('input', { type: 'date', name: 'to', value: f.to })),
    h('label', {}, 'Provider', h('input', { name: 'provider', value: f.provider, placeholder: 'mistral' })),
    h('label', {}, 'Route', h('input', { name: 'route', value: f.route, placeholder: '/mistral/chat' })),
    h('label', {}, 'Model', h('input', { name: 'model', value: f.model })),
    h('label', {}, 'Payer', h('input', { name: 'payer', value: f.payer, placeholder: '0x…' })),
    h('label', {}, 'Status', h('select', { name: 'status' }, STATUSES.map((s) => h('option', { value: s, selected: s === f.status }, s || 'any')))),
    h('button', { type: 'submit' }, 'Filter'),
    h('a', { class: 'button secondary', href: '#/charges' }, 'Clear'))
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    location.hash = `#/charges?${qs(Object.fromEntries(new FormData(form).entries()))}`
  })
  view.append(h('h1', {}, 'Charges'), form)
  const query = { provider: f.provider, route: f.route, model: f.model, payer: f.payer, status: f.status,
    from: instant(f.from), to: instant(f.to), limit: params.get('limit') || 25, after: f.after }
  const page = await api(`/ledger/charges?${qs(query)}`)
  view.append(h('div', { 'data-testid': 'charges-table' }, table(
    ['Settled (UTC)', 'Provider', 'Route', 'Model', 'Payer', M('Amount'), M('Upstream cost'), 'Status', ''],
    page.items.map((c) => [td(dateTime(c.settledAt)), td(c.provider), td(c.route), td(c.model ?? ''), td(short(c.payer), 'mono'),
      tdNum(money(c.amount)), tdNum(money(c.upstreamCost)), td(h('span', { class: `badge ${c.status}` }, c.status)),
      td(h('a', { href: `#/charge/${encodeURIComponent(c.challengeId)}`, 'data-testid': 'charge-link' }, 'detail'))]))))
  const base = { ...f, after: undefined, limit: params.get('limit') || undefined }
  const prev = back.length ? `#/charges?${qs({ ...base, after: back.at(-1) || undefined })}${back.slice(0, -1).map((b) => `&back=${encodeURIComponent(b)}`).join('')}` : null
  const next = page.nextCursor ? `#/charges?${qs({ ...base, after: page.nextCursor })}${[...back, f.after].map((b) => `&back=${encodeURIComponent(b)}`).join('')}` : null
  view.append(h('div', { class: 'pager' },
    h('a', { class: 'button secondary', href: prev ?? undefined, 'aria-disabled': prev ? null : 'true', style: prev ? null : 'opacity:.45;pointer-events:none' }, '‹ Newer'),
    h('a', { class: 'button secondary', href: next ?? undefined, 'aria-disabled': next ? null : 'true', 'data-testid': 'next-page', style: next ? null : 'opacity:.45;pointer-events:none' }, 'Older ›'),
    h('span', { class: 'muted' }, `${page.items.length} on this page`)))
}

function txLink(tx, chainId) {
  if (!tx) return ''
  const pattern = settings.txUrlPattern
  if (!pattern) return h('span', { class: 'mono' }, tx)
  const url = pattern.replaceAll('{tx}', encodeURIComponent(tx)).replaceAll('{chainId}', encodeURIComponent(String(chainId)))
  return /^https?:\/\//.test(url) ? h('a', { class: 'mono', href: url, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'tx-link' }, tx) : h('span', { class: 'mono' }, tx)
}

function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '')]))
}

async function chargeView(id) {
  const c = await api(`/ledger/charges/${encodeURIComponent(id)}`)
  view.append(h('p', {}, h('a', { href: '#/charges' }, '‹ Charges')),
    h('h1', {}, `Charge ${short(c.challengeId, 14)}`, ' ', h('span', { class: `badge ${c.status}` }, c.status)))
  view.append(h('div', { class: 'grid2' },
    h('section', { 'data-testid': 'charge-facts' }, h('h2', {}, 'Charge'), facts([
      ['Challenge id', h('span', { class: 'mono' }, c.challengeId)], ['Charge id', h('span', { class: 'mono' }, c.chargeId)],
      ['Provider', c.provider], ['Route', c.route], ['Model', c.model], ['Realm', c.realm],
      ['Amount', formatMoney(c.amount)], ['To the wallet', formatMoney(c.walletAmount)],
      ['Upstream cost', formatMoney(c.upstreamCost)], ['Quoted upstream cost', formatMoney(c.quotedUpstreamCost)],
      ['Amount − upstream cost', formatMoney(BigInt(c.amount) - BigInt(c.upstreamCost))],
    ])),
    h('section', { 'data-testid': 'charge-receipt' }, h('h2', {}, 'Receipt'), facts([
      ['Status', 'success'], ['Method', 'tempo'], ['Timestamp', dateTime(c.settledAt)], ['Reference (tx)', txLink(c.txHash, c.chainId)],
      ['Chain id', String(c.chainId)], ['Currency', h('span', { class: 'mono' }, c.currency)], ['Mode', c.mode],
      ['Payer', h('span', { class: 'mono' }, c.payer)], ['Recipient', h('span', { class: 'mono' }, c.recipient)],
    ]))))
  if (c.splits.length) {
    view.append(h('h2', {}, 'Splits'), table(['Recipient', M('Amount'), 'Memo'],
      c.splits.map((s) => [td(s.recipient, 'mono'), tdNum(money(s.amount)), td(s.memo ?? '', 'mono')])))
  }
  view.append(h('h2', {}, 'Usage'), h('div', { 'data-testid': 'charge-usage' }, table(
    ['Recorded (UTC)', 'Outcome', 'Delivered', 'Model', N('Prompt'), N('Completion'), N('Reasoning'), N('Cached'), N('Total'), N('Images'), N('Chars'), N('Pages'), N('Tools'), N('Upstream status'), N('Latency ms'), M('Upstream cost')],
    c.usage.map((u) => [td(dateTime(u.recordedAt)), td(u.outcome), td(u.delivered ? 'yes' : 'no'), td(u.model ?? ''), tdNum(num(u.promptTokens)),
      tdNum(num(u.completionTokens)), tdNum(num(u.reasoningTokens)), tdNum(num(u.cachedTokens)), tdNum(num(u.totalTokens)),
      tdNum(num(u.images)), tdNum(num(u.characters)), tdNum(num(u.pages)), tdNum(num(u.toolCalls)), tdNum(String(u.upstreamStatus)),
      tdNum(num(u.latencyMs)), tdNum(money(u.upstreamCost))]))))
  view.append(h('h2', {}, 'Refunds'), table(['Refunded (UTC)', M('Amount'), 'Tx', 'Reason'],
    c.refunds.map((r) => [td(dateTime(r.refundedAt)), tdNum(money(r.amount)), td(txLink(r.refundTxHash, c.chainId)), td(r.reason ?? '')])))
  view.append(h('h2', {}, 'Postings'), h('div', { 'data-testid': 'charge-postings' }, table(
    ['Transaction', 'Kind', 'Posted (UTC)', 'Account', M('Debit'), M('Credit')],
    c.journal.flatMap((t) => t.postings.map((p, i) => [td(i === 0 ? `#${t.id}` : ''), td(i === 0 ? t.kind : ''), td(i === 0 ? dateTime(t.postedAt) : ''),
      td(p.account, 'mono'), tdNum(p.debit === 0n ? '' : money(p.debit)), tdNum(p.credit === 0n ? '' : money(p.credit))])))))
}

async function reconciliationView(params) {
  const { from, to } = period(params, 1)
  view.append(h('h1', {}, 'Reconciliation with the chain'), periodForm('reconciliation', { from, to }),
    h('p', { class: 'muted' }, 'At most 31 days. Each charge\'s transaction is re-read from the chain; rows that differ are highlighted.'))
  let r
  try {
    r = await api(`/ledger/reconciliation?${qs({ from: instant(from), to: instant(to) })}`)
  } catch (e) {
    showError(e)
    return
  }
  const s = r.summary
  const clean = [s.ledgerOnly, s.chainOnly, s.amountMismatches, s.daysWithDifference].every((n) => BigInt(n) === 0n)
  view.append(h('div', { class: 'cards', 'data-testid': 'reconciliation-summary' },
    card('Charges checked', num(s.chargesChecked)), card('Matched', num(s.matched)),
    card('Amount mismatches', num(s.amountMismatches)), card('Ledger only', num(s.ledgerOnly)),
    card('Chain only', num(s.chainOnly)), card('Days with a difference', num(s.daysWithDifference)),
    card('Result', clean ? h('span', { class: 'ok' }, 'ledger = chain') : h('span', { class: 'error' }, 'differences'))))
  view.append(h('h2', {}, 'Per day and recipient'), h('div', { 'data-testid': 'reconciliation-days' }, table(
    ['Day', 'Recipient', M('Ledger'), M('Chain'), M('Difference'), ''],
    r.days.map((d) => [td(d.day), td(d.recipient, 'mono'), tdNum(money(d.ledgerTotal)), tdNum(money(d.chainTotal)), tdNum(money(d.difference)), td(d.matched ? 'matched' : 'MISMATCH')]),
    { rowClass: (i) => (r.days[i].matched ? null : 'mismatch') })))
  const checks = (title, list, testId) => [h('h2', {}, `${title} (${list.length})`), h('div', { 'data-testid': testId }, table(
    ['Charge', 'Tx', 'Recipient', M('Ledger'), M('Chain'), 'Detail'],
    list.map((c) => [td(h('a', { href: `#/charge/${encodeURIComponent(c.challengeId)}` }, short(c.challengeId, 12))), td(txLink(c.txHash, '')),
      td(short(c.recipient), 'mono'), tdNum(money(c.ledgerAmount)), tdNum(c.chainAmount === null ? '' : money(c.chainAmount)), td(c.detail ?? '')]),
    { rowClass: () => 'mismatch' }))]
  view.append(...checks('Amount mismatches', r.amountMismatches, 'reconciliation-mismatches'))
  view.append(...checks('Ledger only (no matching transfer on chain)', r.ledgerOnly, 'reconciliation-ledger-only'))
  view.append(h('h2', {}, `Chain only (${r.chainOnly.length})`), table(['Tx', 'From', 'To', M('Amount'), 'Block', 'Time (UTC)'],
    r.chainOnly.map((c) => [td(txLink(c.txHash, '')), td(short(c.from), 'mono'), td(short(c.to), 'mono'), tdNum(money(c.amount)), tdNum(String(c.blockNumber)), td(dateTime(c.timestamp))]),
    { rowClass: () => 'mismatch' }))
  view.append(h('h2', {}, `Matched (${r.matched.length})`), h('div', { 'data-testid': 'reconciliation-matched' }, table(['Charge', 'Tx', 'Recipient', M('Amount')],
    r.matched.map((c) => [td(h('a', { href: `#/charge/${encodeURIComponent(c.challengeId)}` }, short(c.challengeId, 12))), td(txLink(c.txHash, '')), td(short(c.recipient), 'mono'), tdNum(money(c.ledgerAmount))]))))
}

async function balancesView(params) {
  const prefix = params.get('prefix') ?? ''
  const form = h('form', { class: 'filters' },
    h('label', {}, 'Account prefix', h('input', { name: 'prefix', value: prefix, placeholder: 'revenue:' })),
    h('button', { type: 'submit' }, 'Show'))
  form.addEventListener('submit', (ev) => { ev.preventDefault(); location.hash = `#/balances?${qs({ prefix: new FormData(form).get('prefix') })}` })
  view.append(h('h1', {}, 'Balances by account'), form)
  const rows = await api(`/ledger/balances?${qs({ prefix })}`)
  const groups = new Map()
  for (const b of rows) {
    const kind = b.account.split(':')[0]
    if (!groups.has(kind)) groups.set(kind, [])
    groups.get(kind).push(b)
  }
  view.append(h('div', { class: 'cards' }, [...groups].map(([kind, list]) => card(kind, formatMoney(sum(list.map((b) => b.balance))), `${list.length} accounts · debit − credit`))))
  view.append(h('div', { 'data-testid': 'balances-table' }, table(['Account', M('Debit'), M('Credit'), M('Balance (debit − credit)')],
    rows.map((b) => [td(b.account, 'mono'), tdNum(money(b.debit)), tdNum(money(b.credit)), tdNum(money(b.balance))]))))
  const total = sum(rows.map((b) => b.balance))
  view.append(h('p', { class: total === 0n ? 'ok' : 'error', 'data-testid': 'balances-total' },
    `Sum of all balances shown: ${formatMoney(total)}${prefix ? '' : total === 0n ? ' (the journal balances)' : ''}`))
}

// ---------- routing ----------
const ROUTES = {
  overview: overview,
  charges: chargesView,
  reconciliation: reconciliationView,
  balances: balancesView,
}

async function render() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?')
  const [name, ...rest] = path.split('/')
  const params = new URLSearchParams(query)
  for (const c of charts) c.destroy()
  charts = []
  view.replaceChildren()
  view.dataset.state = 'loading'
  const active = name === 'charge' ? 'charges' : (ROUTES[name] ? name : 'overview')
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.view === active)
  try {
    if (name === 'charge' && rest.length) await chargeView(decodeURIComponent(rest.join('/')))
    else await (ROUTES[name] ?? overview)(params)
  } catch (e) {
    if (!(e instanceof ApiError && e.message === 'signed out')) showError(e)
  }
  view.dataset.state = 'ready'
}

async function start() {
  try {
    settings = await api('/dashboard-api/settings')
    document.getElementById('user').textContent = settings.user
    document.getElementById(settings.tokenSignIn ? 'sign-out' : 'oidc-sign-out').hidden = false
  } catch (e) {
    showError(e)
    return
  }
  window.addEventListener('hashchange', render)
  await render()
}

start()
