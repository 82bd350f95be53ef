// The money invariants of the gateway, checked against the three places money is recorded — the chain, the
// payments database and the ledger database — plus the upstream stand-in's request journal:
//
//   chain-charge     every pathUSD TransferWithMemo to the recipient carrying our attribution memo (tag, version, one
//                    of our realms) ↔ exactly one charge (same tx, same challenge, not pending/failed); and every
//                    such charge is backed by that transfer (payer, amount net of splits, memo bound to its challenge)
//   delivery         every charge delivered at most once (usage events with delivered=true, or FULFILLED/REDEEMED in
//                    older events); a refunded charge delivered nothing; no charge left in flight (pending,
//                    settled, redeeming, refunding) once the system has settled
//   upstream         no upstream call without a settled charge: the stand-in's paid-route calls are at most one per
//                    delivery attempt (usage event), and a call whose body names a load agent belongs to a payer
//                    with a settled charge
//   ledger-payments  every charge is booked by the ledger with the same amount, tx and (settled) status; the ledger
//                    books nothing the payments database does not have; refunds match
//   journal          every journal transaction balances; account balances equal the postings
//   pipelines        payments' outbox is drained; the ledger rejected no event
//
// Scope: a window starting at a block number (chain) and a time (databases, stand-in journal), so that a run can be
// checked on a stack that earlier tests used too. Reads the databases with psql (no extra npm dependency), the chain
// over JSON-RPC, the stand-in over its admin API. Schema differences between versions (status names `fulfilled` →
// `delivered`, a `delivered` column) are tolerated.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { keccak256, stringToBytes } from './deps.mjs'
import { rpcCall as rpc } from './funding.mjs'

const run = promisify(execFile)

export const TRANSFER_WITH_MEMO_TOPIC = '0x57bc7354aa85aed339e000bccffabbc529466af35f0772c8f8ee1145927de7f0'
export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef'
export const PATH_USD = '0x20c0000000000000000000000000000000000000'
export const DEFAULT_RECIPIENT = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc'
export const DEFAULT_REALMS = ['mistral.mppgateway.local', 'grok.mppgateway.local']
/** Marker a load agent puts in a distinct body, so the stand-in's journal names who asked. */
export const AGENT_MARKER = /load-agent:(0x[0-9a-fA-F]{40})/

const MEMO_TAG = keccak256(stringToBytes('mpp')).slice(2, 10)
const fp = (s, bytes) => keccak256(stringToBytes(s)).slice(2, 2 + bytes * 2)
const IN_FLIGHT = new Set(['pending', 'settled', 'redeeming', 'refunding'])
const NOT_A_CHARGE = new Set(['pending', 'failed'])
/** one name per state across schema versions */
const canonical = (status) => (status === 'fulfilled' ? 'delivered' : status)

/** Decodes an attribution memo: {realmFp, challengeFp} or null when it is not one. */
export function decodeMemo(memoHex) {
  const m = memoHex?.toLowerCase().replace(/^0x/, '')
  if (!m || m.length !== 64 || m.slice(0, 8) !== MEMO_TAG || m.slice(8, 10) !== '01') return null
  return { realmFp: m.slice(10, 30), clientFp: m.slice(30, 50), challengeFp: m.slice(50, 64) }
}

export function pgClient({ host = '127.0.0.1', port, user = 'gateway', password = 'gateway' }) {
  return async function query(db, sql) {
    const { stdout } = await run('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', host, '-p', String(port), '-U', user,
      '-d', db, '-c', `SELECT coalesce(json_agg(t), '[]'::json) FROM (${sql}) t`],
    { env: { ...process.env, PGPASSWORD: password }, maxBuffer: 512 * 1024 * 1024 })
    return JSON.parse(stdout)
  }
}


const pad = (addr) => '0x' + addr.toLowerCase().replace(/^0x/, '').padStart(64, '0')
const addrOf = (topic) => '0x' + topic.slice(26).toLowerCase()
const sqlStr = (s) => `'${String(s).replace(/'/g, "''")}'`

/** Several queries of one database in one psql call (each psql start costs ~0.5 s on a loaded 2-core machine). */
async function batch(query, db, named) {
  const parts = Object.entries(named).map(([k, sql]) => `'${k}', (SELECT coalesce(json_agg(t), '[]'::json) FROM (${sql}) t)`)
  const [row] = await query(db, `SELECT json_build_object(${parts.join(', ')}) AS r`)
  return row.r
}

/** table → Set of its columns, for the tables named */
async function columnsOf(query, db, tables) {
  const rows = await query(db, `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name IN (${tables.map(sqlStr).join(',')})`)
  const out = Object.fromEntries(tables.map((t) => [t, new Set()]))
  for (const r of rows) out[r.table_name].add(r.column_name)
  return out
}

/**
 * @param o.rpcUrl chain
 * @param o.pg {port, host?, user?, password?}
 * @param o.paymentsDb / o.ledgerDb database names (payments, ledger)
 * @param o.standinUrl the upstream stand-in (optional: skips the upstream rule when absent)
 * @param o.fromBlock first block of the window (default 0)
 * @param o.since ISO time the window starts (default: epoch)
 * @param o.recipient gateway wallet; o.realms our realms
 * @param o.maxUpstreamCallsPerAttempt how many upstream calls one delivery attempt may make (the provider's retries)
 * @param o.allowUnfulfilled false → an unfulfilled, unrefunded charge is a violation (a load run where every agent
 *   should have been served)
 * @param o.clientResults optional [{challengeId, deliveries}] as buyers saw them: more than one 200 for one
 *   challenge is a duplicated delivery
 * @returns {Promise<{ok: boolean, violations: Array<{rule: string, message: string}>, figures: object}>}
 */
export async function checkInvariants(o) {
  const query = pgClient(o.pg)
  const paymentsDb = o.paymentsDb ?? 'payments'
  const ledgerDb = o.ledgerDb ?? 'ledger'
  const recipient = (o.recipient ?? DEFAULT_RECIPIENT).toLowerCase()
  const realms = o.realms ?? DEFAULT_REALMS
  const since = o.since ?? '1970-01-01T00:00:00Z'
  const fromBlock = o.fromBlock ?? 0
  const violations = []
  const v = (rule, message) => violations.push({ rule, message })
  const figures = {}

  // ---- the payments database
  const pCols = await columnsOf(query, paymentsDb, ['charges', 'refunds'])
  const chargeCols = pCols.charges
  const chargeSelect = `SELECT charge_id::text AS charge_id, challenge_id, lower(tx_hash) AS tx_hash, lower(payer) AS payer, amount, status, realm, route, mode,
      ${chargeCols.has('splits') ? 'splits' : `'[]'::jsonb AS splits`}, ${chargeCols.has('route_memo') ? 'route_memo' : 'NULL AS route_memo'}, settled_at FROM charges`
  const p = await batch(query, paymentsDb, {
    charges: `${chargeSelect} WHERE settled_at >= ${sqlStr(since)}::timestamptz`,
    refunds: pCols.refunds.size ? `SELECT r.charge_id::text AS charge_id, c.challenge_id, lower(r.tx_hash) AS tx_hash, r.amount, r.status, lower(r.payer) AS payer
      FROM refunds r JOIN charges c ON c.charge_id = r.charge_id
      WHERE c.settled_at >= ${sqlStr(since)}::timestamptz OR r.created_at >= ${sqlStr(since)}::timestamptz` : 'SELECT 1 WHERE false',
    outbox: `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL AND created_at >= ${sqlStr(since)}::timestamptz`,
  })
  const charges = p.charges
  const refunds = p.refunds
  const outboxBacklog = p.outbox[0].n
  const byTx = new Map()
  for (const c of charges) {
    if (!byTx.has(c.tx_hash)) byTx.set(c.tx_hash, [])
    byTx.get(c.tx_hash).push(c)
  }
  const statusCount = {}
  for (const c of charges) statusCount[canonical(c.status)] = (statusCount[canonical(c.status)] ?? 0) + 1
  figures.charges = charges.length
  figures.chargesByStatus = statusCount

  // ---- the chain: every pathUSD TransferWithMemo to the recipient since fromBlock
  const latest = Number.parseInt(await rpc(o.rpcUrl, 'eth_blockNumber'), 16)
  const logs = await rpc(o.rpcUrl, 'eth_getLogs', [{
    address: PATH_USD, fromBlock: '0x' + fromBlock.toString(16), toBlock: '0x' + latest.toString(16),
    topics: [TRANSFER_WITH_MEMO_TOPIC, null, pad(recipient)],
  }])
  const realmFps = new Map(realms.map((r) => [fp(r, 10), r]))
  const ours = []
  for (const log of logs) {
    const memo = decodeMemo(log.topics[3])
    if (!memo || !realmFps.has(memo.realmFp)) continue
    ours.push({ tx: log.transactionHash.toLowerCase(), from: addrOf(log.topics[1]), amount: BigInt(log.data), memo, realm: realmFps.get(memo.realmFp), block: Number.parseInt(log.blockNumber, 16) })
  }
  figures.onChainPayments = ours.length
  figures.onChainAmount = ours.reduce((s, t) => s + t.amount, 0n).toString()
  // transfers of the window whose charge was settled before it (or never): one query for all of them
  const missing = [...new Set(ours.map((t) => t.tx).filter((tx) => !byTx.has(tx)))]
  if (missing.length) {
    for (const c of await query(paymentsDb, `${chargeSelect} WHERE lower(tx_hash) IN (${missing.map(sqlStr).join(',')})`)) {
      if (!byTx.has(c.tx_hash)) byTx.set(c.tx_hash, [])
      byTx.get(c.tx_hash).push(c)
    }
  }
  const transfersByTx = new Map()
  for (const t of ours) {
    if (!transfersByTx.has(t.tx)) transfersByTx.set(t.tx, [])
    transfersByTx.get(t.tx).push(t)
    const matched = byTx.get(t.tx) ?? []
    const live = matched.filter((c) => !NOT_A_CHARGE.has(c.status))
    if (live.length === 0) {
      v('chain-charge', `LOST: on-chain payment ${t.tx} (block ${t.block}) of ${t.amount} base units from ${t.from} to the recipient, memo of realm ${t.realm} and challenge fingerprint ${t.memo.challengeFp}, has no settled charge${matched.length ? ` (its claim is ${matched.map((c) => c.status).join(', ')})` : ''}`)
    } else if (live.length > 1) {
      v('chain-charge', `DUPLICATE: on-chain payment ${t.tx} is claimed by ${live.length} charges: ${live.map((c) => c.challenge_id).join(', ')}`)
    } else if (fp(live[0].challenge_id, 7) !== t.memo.challengeFp && !live[0].route_memo) {
      v('chain-charge', `MISBOUND: on-chain payment ${t.tx} carries the memo of another challenge than its charge ${live[0].challenge_id}`)
    }
  }
  figures.lostPayments = violations.filter((x) => x.message.startsWith('LOST')).length
  // payments whose memo names a challenge that more than one transfer paid (a second payment for one challenge)
  const perChallengeFp = new Map()
  for (const t of ours) perChallengeFp.set(`${t.realm}/${t.memo.challengeFp}`, (perChallengeFp.get(`${t.realm}/${t.memo.challengeFp}`) ?? 0) + 1)
  for (const [k, n] of perChallengeFp) if (n > 1) v('chain-charge', `PAID TWICE: ${n} on-chain payments carry the memo of one challenge (${k})`)

  // every live charge is backed by its transfer
  for (const c of charges) {
    if (NOT_A_CHARGE.has(c.status)) continue
    let transfers = transfersByTx.get(c.tx_hash)
    if (!transfers) transfers = await transfersOf(o.rpcUrl, c.tx_hash, recipient)
    const splitSum = (Array.isArray(c.splits) ? c.splits : []).reduce((s, x) => s + BigInt(x.amount ?? 0), 0n)
    const expected = BigInt(c.amount) - splitSum
    const ok = transfers.some((t) => t.from === c.payer && t.amount === expected
      && (c.route_memo ? true : t.memo && fp(c.challenge_id, 7) === t.memo.challengeFp))
    if (!ok) {
      v('chain-charge', `UNBACKED: charge ${c.challenge_id} (${c.status}, ${c.amount} base units, tx ${c.tx_hash}) has no matching transfer of ${expected} from ${c.payer} to the recipient on chain`)
    }
  }

  // ---- the ledger
  const lCols = await columnsOf(query, ledgerDb, ['usage_records', 'account_balances'])
  const deliveredExpr = lCols.usage_records.has('delivered')
    ? `CASE WHEN delivered IS NULL THEN outcome IN ('FULFILLED', 'REDEEMED') ELSE delivered END`
    : `outcome IN ('FULFILLED', 'REDEEMED')`
  const challengeIds = charges.map((c) => c.challenge_id)
  const inList = challengeIds.length ? challengeIds.map(sqlStr).join(',') : `''`
  const l = await batch(query, ledgerDb, {
    charges: `SELECT challenge_id, amount, lower(tx_hash) AS tx_hash, lower(payer) AS payer, status FROM charges
      WHERE challenge_id IN (${inList}) OR settled_at >= ${sqlStr(since)}::timestamptz`,
    usage: `SELECT challenge_id, outcome, (${deliveredExpr}) AS delivered FROM usage_records
      WHERE challenge_id IN (${inList}) OR recorded_at >= ${sqlStr(since)}::timestamptz`,
    refunds: `SELECT challenge_id, amount, lower(refund_tx_hash) AS tx_hash FROM refunds
      WHERE challenge_id IN (${inList}) OR refunded_at >= ${sqlStr(since)}::timestamptz`,
    rejected: `SELECT topic, reason FROM rejected_events WHERE rejected_at >= ${sqlStr(since)}::timestamptz`,
    unbalanced: `SELECT p.journal_transaction_id AS id, sum(p.debit)::text AS debit, sum(p.credit)::text AS credit
      FROM postings p JOIN journal_transactions j ON j.id = p.journal_transaction_id
      WHERE j.posted_at >= ${sqlStr(since)}::timestamptz OR j.challenge_id IN (${inList})
      GROUP BY p.journal_transaction_id HAVING sum(p.debit) <> sum(p.credit)`,
    drift: lCols.account_balances.size ? `SELECT coalesce(b.account, p.account) AS account FROM account_balances b
      FULL JOIN (SELECT account, sum(debit) AS debit, sum(credit) AS credit FROM postings GROUP BY account) p ON p.account = b.account
      WHERE coalesce(b.debit, 0) <> coalesce(p.debit, 0) OR coalesce(b.credit, 0) <> coalesce(p.credit, 0)` : 'SELECT 1 WHERE false',
  })
  const { charges: ledgerCharges, usage, refunds: ledgerRefunds, rejected, unbalanced, drift: balanceDrift } = l

  const usageBy = new Map()
  for (const u of usage) {
    if (!usageBy.has(u.challenge_id)) usageBy.set(u.challenge_id, [])
    usageBy.get(u.challenge_id).push(u)
  }
  const ledgerBy = new Map(ledgerCharges.map((c) => [c.challenge_id, c]))
  const paymentsBy = new Map(charges.map((c) => [c.challenge_id, c]))
  const refundsBy = new Map(refunds.map((r) => [r.challenge_id, r]))

  // delivery: at most once; refunded → nothing delivered; nothing left in flight
  let deliveries = 0
  for (const c of charges) {
    if (c.status === 'failed') continue
    const delivered = (usageBy.get(c.challenge_id) ?? []).filter((u) => u.delivered).length
    deliveries += Math.min(delivered, 1)
    if (delivered > 1) v('delivery', `DUPLICATED: charge ${c.challenge_id} was delivered ${delivered} times for one payment`)
    if (canonical(c.status) === 'refunded' && delivered > 0) v('delivery', `REFUNDED AFTER DELIVERY: charge ${c.challenge_id} was refunded although it was delivered`)
    if (refundsBy.has(c.challenge_id) && delivered > 0) v('delivery', `REFUND OF A DELIVERED CHARGE: ${c.challenge_id} has a refund (${refundsBy.get(c.challenge_id).status}) and a delivery`)
    if (canonical(c.status) === 'delivered' && delivered === 0 && ledgerBy.has(c.challenge_id)) {
      v('delivery', `DELIVERED WITHOUT USAGE: charge ${c.challenge_id} is ${c.status} in payments but the ledger has no delivered usage for it`)
    }
    if (IN_FLIGHT.has(c.status)) v('delivery', `IN FLIGHT: charge ${c.challenge_id} is still ${c.status} (settled at ${c.settled_at}) after the system settled`)
    if (o.allowUnfulfilled === false && canonical(c.status) === 'unfulfilled') {
      v('delivery', `OWED: charge ${c.challenge_id} is unfulfilled (paid, nothing delivered) and neither redeemed nor refunded`)
    }
  }
  figures.deliveries = deliveries
  figures.unfulfilled = statusCount.unfulfilled ?? 0
  figures.refunded = statusCount.refunded ?? 0
  for (const r of o.clientResults ?? []) {
    if (r.challengeId && r.deliveries > 1) v('delivery', `DUPLICATED (buyer side): challenge ${r.challengeId} answered 200 ${r.deliveries} times`)
  }

  // ledger = payments
  for (const c of charges) {
    if (NOT_A_CHARGE.has(c.status)) continue
    const l = ledgerBy.get(c.challenge_id)
    if (!l) { v('ledger-payments', `NOT BOOKED: charge ${c.challenge_id} (${c.status}, ${c.amount}) is not in the ledger`); continue }
    if (String(l.amount) !== String(c.amount)) v('ledger-payments', `AMOUNT: charge ${c.challenge_id} is ${c.amount} in payments, ${l.amount} in the ledger`)
    if (l.tx_hash !== c.tx_hash) v('ledger-payments', `TX: charge ${c.challenge_id} names tx ${c.tx_hash} in payments, ${l.tx_hash} in the ledger`)
    if (l.payer !== c.payer) v('ledger-payments', `PAYER: charge ${c.challenge_id} paid by ${c.payer} in payments, ${l.payer} in the ledger`)
    if (canonical(l.status) !== canonical(c.status)) v('ledger-payments', `STATUS: charge ${c.challenge_id} is ${c.status} in payments, ${l.status} in the ledger`)
  }
  const outside = ledgerCharges.filter((x) => !paymentsBy.has(x.challenge_id)).map((x) => x.challenge_id)
  const outsideBy = new Map(outside.length
    ? (await query(paymentsDb, `SELECT challenge_id, status FROM charges WHERE challenge_id IN (${outside.map(sqlStr).join(',')})`)).map((c) => [c.challenge_id, c])
    : [])
  for (const l of ledgerCharges) {
    const c = paymentsBy.get(l.challenge_id) ?? outsideBy.get(l.challenge_id)
    if (!c || NOT_A_CHARGE.has(c.status)) v('ledger-payments', `BOOKED WITHOUT CHARGE: the ledger books ${l.challenge_id} (${l.amount}, ${l.status}) but payments has ${c ? `it ${c.status}` : 'no such charge'}`)
  }
  const ledgerRefundsBy = new Map()
  for (const r of ledgerRefunds) ledgerRefundsBy.set(r.challenge_id, [...(ledgerRefundsBy.get(r.challenge_id) ?? []), r])
  for (const r of refunds) {
    if (r.status !== 'sent') {
      v('ledger-payments', `REFUND IN FLIGHT: refund of ${r.challenge_id} is ${r.status}`)
      continue
    }
    const l = ledgerRefundsBy.get(r.challenge_id) ?? []
    if (l.length !== 1 || String(l[0].amount) !== String(r.amount) || l[0].tx_hash !== r.tx_hash) {
      v('ledger-payments', `REFUND MISMATCH: refund of ${r.challenge_id} (${r.amount}, tx ${r.tx_hash}) is booked as ${JSON.stringify(l)}`)
    }
    const back = await transfersOf(o.rpcUrl, r.tx_hash, null)
    if (!back.some((t) => t.from === recipient && t.to === r.payer && t.amount === BigInt(r.amount))) {
      v('chain-charge', `REFUND NOT ON CHAIN: refund ${r.tx_hash} of ${r.challenge_id} moves no ${r.amount} from the recipient to ${r.payer}`)
    }
  }
  for (const [challengeId, l] of ledgerRefundsBy) {
    if (!refundsBy.has(challengeId)) v('ledger-payments', `REFUND WITHOUT PAYMENTS RECORD: the ledger books ${l.length} refund(s) of ${challengeId}`)
  }
  figures.ledgerCharges = ledgerCharges.length

  // journal
  for (const u of unbalanced) v('journal', `UNBALANCED: journal transaction ${u.id} debits ${u.debit} and credits ${u.credit}`)
  for (const b of balanceDrift) v('journal', `BALANCE DRIFT: account ${b.account}'s running balance differs from its postings`)

  // pipelines
  if (outboxBacklog > 0) v('pipelines', `OUTBOX: ${outboxBacklog} payments event(s) of the window not yet published`)
  for (const r of rejected) v('pipelines', `REJECTED EVENT: the ledger rejected a ${r.topic} event: ${r.reason}`)

  // upstream: no call without a settled charge
  if (o.standinUrl) {
    const calls = await upstreamCalls(o.standinUrl, since)
    const attempts = usage.length
    const bound = attempts * (o.maxUpstreamCallsPerAttempt ?? 1)
    figures.upstreamCalls = calls.length
    figures.deliveryAttempts = attempts
    if (calls.length > bound) {
      v('upstream', `UPSTREAM WITHOUT CHARGE: the upstream was called ${calls.length} times on paid routes but only ${attempts} delivery attempts were recorded (allowed ${bound}): calls nobody paid for, or calls whose outcome was never recorded`)
    }
    const payersWithCharge = new Set(charges.filter((c) => !NOT_A_CHARGE.has(c.status)).map((c) => c.payer))
    for (const call of calls) {
      const m = AGENT_MARKER.exec(call.body ?? '')
      if (m && !payersWithCharge.has(m[1].toLowerCase())) {
        v('upstream', `UPSTREAM WITHOUT CHARGE: ${call.url} was called for agent ${m[1]}, which has no settled charge`)
      }
    }
  }
  return { ok: violations.length === 0, violations, figures }
}

/** pathUSD movements of one transaction, with decoded memos (TransferWithMemo stands for the Transfer before it). */
async function transfersOf(rpcUrl, tx, to) {
  const receipt = await rpc(rpcUrl, 'eth_getTransactionReceipt', [tx])
  if (!receipt || receipt.status !== '0x1') return []
  const out = []
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== PATH_USD) continue
    const m = { from: addrOf(log.topics[1]), to: addrOf(log.topics[2]), amount: BigInt(log.data) }
    if (log.topics[0] === TRANSFER_WITH_MEMO_TOPIC) {
      const last = out.at(-1)
      if (last && !last.memo && last.to === m.to && last.amount === m.amount) out.pop()
      out.push({ ...m, memo: decodeMemo(log.topics[3]) })
    } else if (log.topics[0] === TRANSFER_TOPIC) out.push(m)
  }
  return to ? out.filter((t) => t.to === to) : out
}

/** POSTs the stand-in received on the providers' upstream APIs since a time (control URLs excluded). */
export async function upstreamCalls(standinUrl, since) {
  const res = await fetch(`${standinUrl}/__admin/requests?since=${encodeURIComponent(new Date(since).toISOString())}&limit=1000000`)
  if (!res.ok) throw new Error(`stand-in journal: HTTP ${res.status}`)
  const { requests } = await res.json()
  return requests
    .map((r) => r.request)
    .filter((r) => r.method === 'POST' && /^\/(mistral|xai)\/v1\//.test(r.url))
    .map((r) => ({ url: r.url, body: r.body }))
}

/** Prints a verdict block; returns the text. */
export function formatVerdict({ ok, violations, figures }, { max = 20 } = {}) {
  const lines = [`invariants: ${ok ? 'OK' : `VIOLATED (${violations.length})`}  ${JSON.stringify(figures)}`]
  for (const x of violations.slice(0, max)) lines.push(`  [${x.rule}] ${x.message}`)
  if (violations.length > max) lines.push(`  … and ${violations.length - max} more`)
  return lines.join('\n')
}
