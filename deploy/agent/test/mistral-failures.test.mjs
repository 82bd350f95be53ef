// End to end, mistral-service: upstream failures injected in the stand-in after a real payment. The buyer is told the
// payment is kept (never a new challenge), the ledger records UPSTREAM_FAILED / CLIENT_GONE, and presenting the same
// credential again re-runs the call without a second payment (REDEEMED).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { encodeFunctionData, parseAbi } from 'viem'
import { PATH_USD } from '../fund.mjs'
import { recordingBuyer } from '../lib/buyer.mjs'
import { PROVIDERS, STANDIN_URL, ledgerCharge, rpc } from '../lib/gateway.mjs'

const MISTRAL = PROVIDERS.mistral.url
// node --test runs files in parallel; funding from an unlocked dev account of its own (#8, public anvil test
// account) keeps this file's funding transactions from racing the others' for the same nonce
const FUNDER = '0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f'
const buyer = () => recordingBuyer({ funder: FUNDER })

const post = (body, headers = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

async function pathUsdBalance(address) {
  const data = encodeFunctionData({ abi: parseAbi(['function balanceOf(address) view returns (uint256)']), functionName: 'balanceOf', args: [address] })
  return BigInt(await rpc('eth_call', [{ to: PATH_USD, data }, 'latest']))
}

async function upstreamRequests(marker) {
  const res = await fetch(`${STANDIN_URL}/__admin/requests/find`, {
    method: 'POST', body: JSON.stringify({ method: 'ANY', urlPattern: '/mistral/v1/.*', bodyPatterns: [{ contains: marker }] }),
  })
  return (await res.json()).requests.length
}

function assertKept(problem, status, res) {
  assert.equal(res.status, status)
  assert.equal(res.headers.get('content-type'), 'application/problem+json')
  assert.equal(res.headers.get('www-authenticate'), null, 'never a new challenge after settlement')
  assert.equal(res.headers.get('payment-receipt'), null)
  assert.equal(problem.type, 'https://paymentauth.org/problems/payment-kept')
  assert.equal(problem.paymentKept, true)
  assert.match(problem.detail, /the same credential can be presented again/)
}

test('an upstream outage after payment: 503 payment kept, then the same credential is served without paying again', async () => {
  const marker = `standin:outage ${crypto.randomUUID()}`
  const body = { model: 'mistral-small-latest', max_tokens: 64, messages: [{ role: 'user', content: marker }] }
  const { mppx, address, challengeId, credential } = await buyer()
  await fetch(`${STANDIN_URL}/mistral/__standin/outage-begins`, { method: 'POST' })
  let failed
  try {
    failed = await mppx.fetch(`${MISTRAL}/v1/chat/completions`, post(body))
    assertKept(await failed.json(), 503, failed)
  } finally {
    await fetch(`${STANDIN_URL}/mistral/__standin/outage-over`, { method: 'POST' })
  }
  assert.equal(await upstreamRequests(marker), 3, 'the first try and two retries')
  const unfulfilled = await ledgerCharge(challengeId(), { until: (c) => c.usage?.some((u) => u.outcome === 'UPSTREAM_FAILED') })
  assert.equal(unfulfilled.usage[0].outcome, 'UPSTREAM_FAILED')
  const balance = await pathUsdBalance(address)

  const again = await fetch(`${MISTRAL}/v1/chat/completions`, post(body, { authorization: credential() }))
  const answer = await again.json()
  assert.equal(again.status, 200, JSON.stringify(answer))
  assert.ok(again.headers.get('payment-receipt'))
  assert.equal(answer.usage.total_tokens, 36)
  assert.equal(await pathUsdBalance(address), balance, 'no second payment')
  assert.equal(await upstreamRequests(marker), 4)
  const redeemed = await ledgerCharge(challengeId(), { until: (c) => c.usage?.some((u) => u.outcome === 'REDEEMED') })
  assert.equal(redeemed.usage.find((u) => u.outcome === 'REDEEMED').totalTokens, 36)

  // delivered now: a third presentation is a replay
  const replay = await fetch(`${MISTRAL}/v1/chat/completions`, post(body, { authorization: credential() }))
  assert.equal(replay.status, 402)
  assert.equal(await upstreamRequests(marker), 4)
})

test('an upstream 500 after payment: 502 payment kept, UPSTREAM_FAILED in the ledger', async () => {
  const marker = `standin:fail-500 ${crypto.randomUUID()}`
  const { mppx, challengeId } = await buyer()
  const res = await mppx.fetch(`${MISTRAL}/mistral/embed`, post({ model: 'mistral-embed', input: [marker] }))
  assertKept(await res.json(), 502, res)
  assert.equal(await upstreamRequests(marker), 3)
  const charge = await ledgerCharge(challengeId(), { until: (c) => c.usage?.length > 0 })
  assert.equal(charge.usage[0].outcome, 'UPSTREAM_FAILED')
})

test('an upstream 429 with Retry-After on a stream: waited out twice, then 503 payment kept', async () => {
  const marker = `standin:rate-limit ${crypto.randomUUID()}`
  const { mppx, challengeId } = await buyer()
  const started = Date.now()
  const res = await mppx.fetch(`${MISTRAL}/v1/fim/completions`, post({ model: 'codestral-latest', stream: true, prompt: `# ${marker}` }))
  const tookMs = Date.now() - started
  assertKept(await res.json(), 503, res)
  assert.equal(await upstreamRequests(marker), 3)
  assert.ok(tookMs >= 2000, `Retry-After: 1 honoured before each retry (${tookMs} ms)`)
  const charge = await ledgerCharge(challengeId(), { until: (c) => c.usage?.length > 0 })
  assert.equal(charge.usage[0].outcome, 'UPSTREAM_FAILED')
})

test('an upstream stream that breaks after its headers: the stream ends without [DONE], UPSTREAM_FAILED', async () => {
  const marker = `standin:reset-mid-stream ${crypto.randomUUID()}`
  const { mppx, challengeId } = await buyer()
  const res = await mppx.fetch(`${MISTRAL}/v1/chat/completions`, post({ model: 'mistral-small-latest', stream: true, messages: [{ role: 'user', content: marker }] }))
  assert.equal(res.status, 200)
  assert.ok(res.headers.get('payment-receipt'))
  const text = await res.text().catch((e) => `(cut: ${e.message})`)
  assert.ok(!text.includes('[DONE]'))
  const charge = await ledgerCharge(challengeId(), { until: (c) => c.usage?.length > 0 })
  assert.equal(charge.usage[0].outcome, 'UPSTREAM_FAILED')
})

test('a buyer who hangs up mid-stream: CLIENT_GONE with the tokens relayed so far', async () => {
  const { mppx, challengeId } = await buyer()
  const abort = new AbortController()
  const res = await mppx.fetch(`${MISTRAL}/mistral/chat`, { ...post({ model: 'mistral-small-latest', stream: true, messages: [{ role: 'user', content: 'Say hello' }] }), signal: abort.signal })
  assert.equal(res.status, 200)
  const reader = res.body.getReader()
  let received = ''
  while (!received.includes('"Hello"')) received += new TextDecoder().decode((await reader.read()).value)
  abort.abort()
  const charge = await ledgerCharge(challengeId(), { until: (c) => c.usage?.length > 0 })
  assert.equal(charge.usage[0].outcome, 'CLIENT_GONE')
  assert.ok(charge.usage[0].completionTokens >= 1 && charge.usage[0].completionTokens < 7, JSON.stringify(charge.usage[0]))
})
