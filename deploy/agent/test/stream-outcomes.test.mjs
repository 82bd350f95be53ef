// End to end, outcomes that cannot be gamed (issue 9 item 3): how a paid stream ends decides whether the payment
// is redeemable, and no sequence of hang-ups buys a second answer. A buyer who read a Grok stream to its
// finish_reason and hung up before the usage chunk and [DONE] had the whole answer: presenting the same credential
// again is refused. A buyer who hung up mid-answer was delivered what was relayed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { recordingBuyer } from '../lib/buyer.mjs'
import { PROVIDERS, STANDIN_URL, ledgerCharge } from '../lib/gateway.mjs'

// node --test runs files in parallel; funding from an unlocked dev account of its own (#5, public anvil test
// account) keeps this file's funding transactions from racing the others' for the same nonce
const FUNDER = '0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc'
const GROK = PROVIDERS.grok.url

const post = (body, headers = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

async function upstreamCalls(marker) {
  const res = await fetch(`${STANDIN_URL}/__admin/requests/find`, {
    method: 'POST', body: JSON.stringify({ method: 'POST', url: '/xai/v1/chat/completions', bodyPatterns: [{ contains: marker }] }),
  })
  return (await res.json()).requests.length
}

/** Reads the paid stream until `enough(text so far)`, then hangs up. */
async function readThenHangUp(res, abort, enough) {
  const reader = res.body.getReader()
  let received = ''
  while (!enough(received)) {
    const { value, done } = await reader.read()
    if (done) break
    received += new TextDecoder().decode(value)
  }
  abort.abort()
  return received
}

test('grok: read to the finish_reason, hang up before [DONE], present again: refused, one upstream answer', async () => {
  const marker = `standin:slow-usage ${crypto.randomUUID()}`
  const body = { model: 'grok-4', max_completion_tokens: 64, stream: true, messages: [{ role: 'user', content: marker }] }
  const { mppx, challengeId, credential } = await recordingBuyer({ funder: FUNDER })
  const abort = new AbortController()
  const res = await mppx.fetch(`${GROK}/v1/chat/completions`, { ...post(body), signal: abort.signal })
  assert.equal(res.status, 200)
  const read = await readThenHangUp(res, abort, (text) => text.includes('"finish_reason":"stop"'))
  assert.ok(!read.includes('[DONE]'), 'hung up before [DONE]')

  const charge = await ledgerCharge(challengeId(), { until: (c) => c.usage?.length > 0 })
  assert.equal(charge.usage[0].outcome, 'FULFILLED', JSON.stringify(charge.usage[0]))
  assert.equal(charge.usage[0].totalTokens, 134, 'the usage chunk was read after the buyer left')

  const again = await fetch(`${GROK}/v1/chat/completions`, post(body, { authorization: credential() }))
  assert.equal(again.status, 402, await again.text())
  assert.equal(await upstreamCalls(marker), 1, 'one payment, one answer')
})

test('grok: a buyer who hangs up mid-answer was delivered what was relayed (CLIENT_GONE, delivered)', async () => {
  const marker = `standin:stall-mid-stream ${crypto.randomUUID()}`
  const body = { model: 'grok-4', max_completion_tokens: 64, stream: true, messages: [{ role: 'user', content: marker }] }
  const { mppx, challengeId } = await recordingBuyer({ funder: FUNDER })
  const abort = new AbortController()
  const res = await mppx.fetch(`${GROK}/grok/chat`, { ...post(body), signal: abort.signal })
  assert.equal(res.status, 200)
  // the first half of the stream, then hang up during the stall before the second
  await readThenHangUp(res, abort, (text) => text.includes('" from"'))
  const charge = await ledgerCharge(challengeId(), { until: (c) => c.usage?.length > 0 })
  assert.equal(charge.usage[0].outcome, 'CLIENT_GONE')
  assert.ok(charge.usage[0].completionTokens >= 2 && charge.usage[0].completionTokens < 8, JSON.stringify(charge.usage[0]))
})
