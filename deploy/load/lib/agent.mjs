// One honest agent: the real mppx client (library) with a key of its own pays for one call, reads the whole answer,
// and, as the gateway's README tells a buyer to, presents the SAME credential again when the answer says the
// payment is kept (502/503/504 payment-kept), the payment is still in progress (409), or verification or the
// upstream was unavailable (503 verification-unavailable, upstream-unavailable) — honouring Retry-After — until it
// gets its answer or a final refusal.
//
// mppx is created with maxPaymentRetries: 1. Its default (3) pays AGAIN when a paid request is answered with a 402,
// which on anvil hangs (one mppx payment per key, local-tempo-chain.md pitfall 1) and would hide the failure this
// suite is counting: a 402 after paying is money taken and nothing delivered.
import { createClient, http, privateKeyToAccount, Mppx, tempo } from './deps.mjs'
import { localChain } from '../../agent/lib/buyer.mjs'
import { challengeParams } from '../../agent/lib/gateway.mjs'

// proxy-error: a bare 502/503/504 without a problem type comes from the ingress (its upstream replica died mid-call),
// not from the gateway: whether the payment was taken is unknown, and presenting the same credential again is safe
const REPRESENTABLE = new Set(['payment-kept', 'payment-in-progress', 'verification-unavailable', 'upstream-unavailable',
  'proxy-error'])

export const problemCode = (type) => (typeof type === 'string' ? type.replace(/^.*\//, '') : undefined)

/** Reads an answer whole. JSON: parsed; SSE: every event until [DONE] (or the end). */
async function readAnswer(res) {
  const type = res.headers.get('content-type') ?? ''
  const text = await res.text()
  if (type.startsWith('text/event-stream')) {
    const events = text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim())
    return { stream: true, done: events.at(-1) === '[DONE]', events: events.length, text }
  }
  try {
    return { json: JSON.parse(text), text }
  } catch {
    return { text }
  }
}

/** Did this 200 carry a whole answer? */
function complete(answer) {
  if (answer.stream) return answer.done
  return answer.json?.object === 'chat.completion'
}

/**
 * @param o.key {privateKey, address}
 * @param o.mode 'pull' | 'push'
 * @param o.url the paid route's URL
 * @param o.body request body (object)
 * @param o.rpcUrl the chain
 * @param o.representUntil ms since epoch after which the agent stops re-presenting (default: 60 s from start)
 * @param o.onEvent optional callback(name, detail) for the fault orchestration ('presenting' when a credential goes out)
 * @param o.fundedAmount the key's pathUSD balance before paying: lets the agent start over when a refusal took nothing
 * @returns the first answer (status, problem, latencyMs), the final one (finalStatus, finalProblem), deliveries
 *   (whole answers received), every paid answer in order (paidStatuses), the challenge id and the credential
 */
export async function runAgent(o) {
  const deadline = o.representUntil ?? Date.now() + 60_000
  let result = await payOnce({ ...o, representUntil: deadline })
  const first = { status: result.status, problem: result.problem, latencyMs: result.latencyMs }
  const trail = [...result.paidStatuses]
  // A real agent starts over when the answer took nothing from it: the first (unpaid) request failed (5xx), or its
  // payment was refused before it reached the chain (402 with a fresh challenge, its balance untouched). On anvil the
  // same key can pay again only then (one mppx payment per key).
  for (let round = 1; round < 4 && result.deliveries === 0 && Date.now() < deadline; round++) {
    const unpaid5xx = !result.credential && (result.finalStatus === 'error' || result.finalStatus >= 500)
    const refused = result.finalStatus === 402
    // nothing taken: a push client may have broadcast before it failed, so the balance decides, never the status
    if (!(unpaid5xx || refused) || o.fundedAmount === undefined) break
    if ((await balanceOf(o.rpcUrl, o.key.address)) !== o.fundedAmount) break
    await new Promise((r) => setTimeout(r, 1000))
    result = await payOnce({ ...o, representUntil: deadline })
    trail.push('| start over', ...result.paidStatuses)
  }
  return { ...result, ...first, paidStatuses: trail }
}

const BALANCE_OF = '0x70a08231'
async function balanceOf(rpcUrl, address) {
  const res = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_call', params: [{ to: '0x20c0000000000000000000000000000000000000', data: BALANCE_OF + address.slice(2).toLowerCase().padStart(64, '0') }, 'latest'] }) })
  return BigInt((await res.json()).result)
}

async function payOnce({ key, mode, url, body, rpcUrl, representUntil, onEvent = () => {} }) {
  const started = Date.now()
  const result = {
    address: key.address, mode, url, status: undefined, problem: undefined, finalStatus: undefined,
    finalProblem: undefined, challengeId: undefined, credential: undefined, latencyMs: undefined,
    presentations: 0, deliveries: 0, incomplete: 0, error: undefined, paidStatuses: [],
  }
  const exchanges = []
  const recordingFetch = async (input, init = {}) => {
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined))
    if (headers.get('authorization')?.startsWith('Payment ')) {
      result.credential = headers.get('authorization')
      onEvent('presenting', result)
    }
    const res = await fetch(input, init)
    exchanges.push({ status: res.status, headers: res.headers, sentCredential: headers.has('authorization') })
    return res
  }
  const mppx = Mppx.create({
    polyfill: false, fetch: recordingFetch, maxPaymentRetries: 1,
    methods: [tempo.charge({
      account: privateKeyToAccount(key.privateKey), mode,
      // viem's default 10 s RPC timeout is shorter than a push payment's broadcast on a loaded 2-core machine: the
      // transfer lands, the client gives up and never presents it (counted LOST by the checker, a harness artefact)
      getClient: () => createClient({ chain: localChain, transport: http(rpcUrl, { timeout: 60_000 }) }),
    })],
  })
  const init = () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

  const settle = async (res) => {
    result.presentations++
    let answer
    try {
      answer = await readAnswer(res)
    } catch (e) {
      answer = { error: e.message }
    }
    const bare = [502, 503, 504].includes(res.status) ? 'proxy-error' : 'no-problem-type'
    const problem = res.status === 200 ? undefined : problemCode(answer.json?.type) ?? (answer.error ? 'read-error' : bare)
    if (res.status === 200) {
      if (complete(answer)) result.deliveries++
      else {
        // the answer broke off (e.g. the provider died mid-stream): a real agent asks again with its credential
        result.incomplete++
        result.paidStatuses.push('200 incomplete')
        return { status: 'incomplete', problem: 'incomplete-answer', retryAfter: '1' }
      }
    }
    result.paidStatuses.push(problem ? `${res.status} ${problem}` : `${res.status}`)
    return { status: res.status, problem, retryAfter: res.headers.get('retry-after') }
  }

  let last
  try {
    const res = await mppx.fetch(url, init())
    result.latencyMs = Date.now() - started
    const challenge402 = exchanges.find((e) => e.status === 402)
    if (challenge402) result.challengeId = challengeParams(challenge402.headers.get('www-authenticate') ?? '').id
    if (!result.credential) {
      // mppx answered without paying (e.g. the first answer was not a 402)
      last = await settle(res)
      result.status = last.status; result.problem = last.problem
      result.finalStatus = last.status; result.finalProblem = last.problem
      return result
    }
    last = await settle(res)
    result.status = last.status; result.problem = last.problem
  } catch (e) {
    result.latencyMs = Date.now() - started
    result.error = e.cause?.code ?? e.message?.split('\n')[0] ?? String(e)
    result.status = 'error'; result.problem = result.error
    if (!result.credential) {
      result.finalStatus = 'error'; result.finalProblem = result.error
      return result
    }
    last = { status: 'error', problem: result.error, retryAfter: '1' }
  }

  // honest re-presentation of the same credential
  const deadline = representUntil ?? started + 60_000
  while (last.status !== 200 && (last.status === 'error' || last.status === 'incomplete' || REPRESENTABLE.has(last.problem)) && Date.now() < deadline) {
    const waitS = Math.min(Number.parseInt(last.retryAfter ?? '1', 10) || 1, 5)
    await new Promise((r) => setTimeout(r, waitS * 1000))
    try {
      const res = await fetch(url, { ...init(), headers: { 'content-type': 'application/json', authorization: result.credential } })
      last = await settle(res)
    } catch (e) {
      last = { status: 'error', problem: e.cause?.code ?? e.message, retryAfter: '1' }
      result.paidStatuses.push(`error ${last.problem}`)
    }
  }
  result.finalStatus = last.status
  result.finalProblem = last.problem
  return result
}
