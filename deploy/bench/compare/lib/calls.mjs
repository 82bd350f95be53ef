// One paid call with the real mppx client (a fresh funded key per call), timed in its phases; one "floor" sample
// (the same kind of payment broadcast straight to the chain and the stand-in called straight, no server); and
// the stand-in's own time to first event of a stream.
import { Mppx, tempo } from 'mppx/client'
import { privateKeyToAccount } from 'viem/accounts'
import { rpc, viemClient } from './chain.mjs'
import { parseServerTiming } from './parse.mjs'

const client = viemClient()
const now = () => performance.now()

/** Reads a response body to its end; `firstEventAt`: when the first whole SSE event (up to a blank line) was in. */
async function readBody(res, { sse = false, signal } = {}) {
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let firstEventAt
  for (;;) {
    if (signal?.aborted) throw new Error('aborted')
    const { done, value } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
    if (sse && firstEventAt === undefined && /\r?\n\r?\n/.test(text)) firstEventAt = now()
  }
  return { text, firstEventAt, endAt: now() }
}

const problemType = (text) => {
  try { return JSON.parse(text).type ?? JSON.parse(text).error?.type ?? '' } catch { return text.slice(0, 80) }
}

/**
 * A paid call as an agent makes it: POST without credential -> 402 -> the mppx client pays (pull mode, its
 * default: it signs a Tempo transaction the server broadcasts) -> the same POST with `Authorization: Payment`.
 * Times (ms): toChallenge (first request sent -> 402 headers), credential (402 in -> paid request sent: the
 * client's eth_fillTransaction + signing), paid (paid request sent -> whole answer in), total, and for streams
 * ttfb (paid request sent -> first whole event).
 * `onHeaders(res)` (streams): called when the paid answer's headers are in, before the body is read.
 */
export async function paidCall({ url, body, key, sse = false, timeoutMs = 120_000, onHeaders }) {
  const t = {}
  const signal = AbortSignal.timeout(timeoutMs)
  const timingFetch = async (input, init = {}) => {
    const paid = new Headers(init.headers).get('authorization')?.startsWith('Payment ')
    if (paid) t.paidSent = now()
    const res = await fetch(input, { ...init, signal })
    if (paid) t.paidHeaders = now()
    else if (t.got402 === undefined) { t.got402 = now(); t.firstStatus = res.status }
    return res
  }
  const mppx = Mppx.create({
    polyfill: false, fetch: timingFetch,
    methods: [tempo.charge({ account: privateKeyToAccount(key.privateKey), getClient: () => client })],
  })
  t.start = now()
  try {
    const res = await mppx.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    onHeaders?.(res)
    const { text, firstEventAt, endAt } = await readBody(res, { sse, signal })
    const ok = res.status === 200 && !!res.headers.get('payment-receipt') && (!sse || text.includes('[DONE]'))
    const result = {
      ok, status: res.status,
      toChallenge: t.got402 - t.start,
      credential: t.paidSent - t.got402,
      paid: endAt - t.paidSent,
      total: endAt - t.start,
      serverTiming: parseServerTiming(res.headers.get('server-timing')),
    }
    if (sse && firstEventAt !== undefined) result.ttfb = firstEventAt - t.paidSent
    if (!ok) result.error = `HTTP ${res.status} ${res.status === 200 ? (sse ? 'stream without [DONE]' : 'no Payment-Receipt') : problemType(text)}`
    if (t.firstStatus !== 402) result.error = `first answer HTTP ${t.firstStatus}, not 402`
    if (t.firstStatus !== 402) result.ok = false
    return result
  } catch (e) {
    return { ok: false, status: 0, error: `${e.name}: ${e.message}`.slice(0, 200) }
  }
}

/**
 * What a paid call costs without any server in between, for one key: a challenge from `challengeUrl` and the
 * mppx client's signed transaction for it are made first (untimed), then timed: the transaction broadcast with
 * eth_sendRawTransactionSync (what a server does in pull mode) and the stand-in called directly with the body.
 * Returns {chain, upstream, total} in ms.
 */
export async function floorSample({ challengeUrl, body, key, upstreamUrl }) {
  const first = await fetch(challengeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  await first.arrayBuffer()
  const challenge = first.headers.get('www-authenticate')
  if (first.status !== 402 || !challenge) throw new Error(`floor: no challenge from ${challengeUrl} (HTTP ${first.status})`)
  let credential
  const stubFetch = async (_input, init = {}) => {
    const auth = new Headers(init.headers).get('authorization')
    if (auth) { credential = auth; return new Response('{}', { status: 200 }) }
    return new Response('{}', { status: 402, headers: { 'www-authenticate': challenge, 'content-type': 'application/problem+json' } })
  }
  const mppx = Mppx.create({
    polyfill: false, fetch: stubFetch,
    methods: [tempo.charge({ account: privateKeyToAccount(key.privateKey), getClient: () => client })],
  })
  await (await mppx.fetch(challengeUrl, { method: 'POST', body })).arrayBuffer()
  const payload = JSON.parse(Buffer.from(credential.replace(/^Payment\s+/i, ''), 'base64url').toString('utf8')).payload
  if (payload?.type !== 'transaction') throw new Error(`floor: expected a pull credential, got ${payload?.type}`)

  const t0 = now()
  const receipt = await rpc('eth_sendRawTransactionSync', [payload.signature])
  const t1 = now()
  if (receipt?.status !== '0x1') throw new Error(`floor: transaction ${receipt?.transactionHash} failed`)
  const res = await fetch(upstreamUrl, {
    method: 'POST', body, headers: { 'content-type': 'application/json', authorization: 'Bearer standin-local-key' },
  })
  await res.arrayBuffer()
  const t2 = now()
  if (res.status !== 200) throw new Error(`floor: stand-in answered HTTP ${res.status}`)
  return { chain: t1 - t0, upstream: t2 - t1, total: t2 - t0 }
}

/** The stand-in's own time to first whole event of a stream, and to its end (ms). */
export async function directStream({ upstreamUrl, body }) {
  const sent = now()
  const res = await fetch(upstreamUrl, {
    method: 'POST', body, headers: { 'content-type': 'application/json', authorization: 'Bearer standin-local-key' },
  })
  const { firstEventAt, endAt } = await readBody(res, { sse: true })
  return { ttfb: firstEventAt - sent, total: endAt - sent }
}

/** An unpaid request: {status, ms}. */
export async function unpaid({ url, body }) {
  const sent = now()
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  await res.arrayBuffer()
  return { status: res.status, ms: now() - sent, challenge: res.headers.get('www-authenticate') }
}
