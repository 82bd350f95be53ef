// One honest agent: the real mppx client (library) with a key of its own pays for one call, reads the whole answer,
// and, as the gateway's README tells a buyer to, presents the SAME credential again when the answer says the
// payment is kept (502/503/504 payment-kept), the payment is still in progress (409), or verification was
// unavailable (503 verification-unavailable) — honouring Retry-After — until it gets its answer or a final refusal.
//
// mppx is created with maxPaymentRetries: 1. Its default (3) pays AGAIN when a paid request is answered with a 402,
// which on anvil hangs (one mppx payment per key, local-tempo-chain.md pitfall 1) and would hide the failure this
// suite is counting: a 402 after paying is money taken and nothing delivered.
import { createClient, http, privateKeyToAccount, Mppx, tempo } from './deps.mjs'
import { localChain } from '../../agent/lib/buyer.mjs'
import { challengeParams } from '../../agent/lib/gateway.mjs'

const REPRESENTABLE = new Set(['payment-kept', 'payment-in-progress', 'verification-unavailable'])

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
 * @param o.onEvent optional callback(name, detail) for the fault orchestration (e.g. 'paid' when the credential goes out)
 */
export async function runAgent({ key, mode, url, body, rpcUrl, representUntil, onEvent = () => {}, abortAfterFirstChunk = false }) {
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
      getClient: () => createClient({ chain: localChain, transport: http(rpcUrl) }),
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
    const problem = res.status === 200 ? undefined : problemCode(answer.json?.type) ?? (answer.error ? 'read-error' : 'no-problem-type')
    if (res.status === 200) {
      if (complete(answer)) result.deliveries++
      else result.incomplete++
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
  while (last.status !== 200 && (last.status === 'error' || REPRESENTABLE.has(last.problem)) && Date.now() < deadline) {
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
