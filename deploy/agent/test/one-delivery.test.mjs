// End to end, one payment, one delivery (issue 9 item 2): a real mppx credential presented 10 times at once, in pull
// and push mode, on both providers. payment-service settles it for one request and answers the others 409
// payment-in-progress while it is being delivered (402 "already used" once it was); the provider must still release
// the one that won (none of the others' cleanup may take its release away): exactly one 200 and one upstream call,
// never zero deliveries, never a 5xx.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { recordingBuyer } from '../lib/buyer.mjs'
import { PROVIDERS, STANDIN_URL, decodeB64urlJson, ledgerCharge } from '../lib/gateway.mjs'

// node --test runs files in parallel; funding from an unlocked dev account of its own (#4, public anvil test
// account) keeps this file's funding transactions from racing the others' for the same nonce
const FUNDER = '0x15d34aaf54267db7d7c367839aaf71a00a2c6a65'
const PRESENTATIONS = 10

async function upstreamCalls(provider, marker) {
  const res = await fetch(`${STANDIN_URL}/__admin/requests/find`, {
    method: 'POST',
    body: JSON.stringify({ method: 'POST', url: PROVIDERS[provider].upstreamPath, bodyPatterns: [{ contains: marker }] }),
  })
  return (await res.json()).requests.length
}

async function presentedAtOnce(provider, mode) {
  const { url, route, body } = PROVIDERS[provider]
  const marker = `one delivery ${crypto.randomUUID()}`
  const init = {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, messages: [{ role: 'user', content: marker }] }),
  }
  const { mppx } = await recordingBuyer({ funder: FUNDER })
  const unpaid = await fetch(url + route, init)
  assert.equal(unpaid.status, 402)
  const credential = await mppx.createCredential(unpaid, { mode })
  const challengeId = decodeB64urlJson(credential.replace(/^Payment /, '')).challenge.id
  const answers = await Promise.all(Array.from({ length: PRESENTATIONS }, async () => {
    const res = await fetch(url + route, { ...init, headers: { ...init.headers, authorization: credential } })
    return { status: res.status, retryAfter: res.headers.get('retry-after'), receipt: res.headers.get('payment-receipt'), body: await res.text() }
  }))
  const byStatus = {}
  for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1
  assert.equal(byStatus[200], 1, `exactly one delivery: ${JSON.stringify(byStatus)}`)
  assert.equal((byStatus[409] ?? 0) + (byStatus[402] ?? 0), PRESENTATIONS - 1, JSON.stringify(answers.filter((a) => a.status !== 200)))
  const delivered = answers.find((a) => a.status === 200)
  assert.equal(decodeB64urlJson(delivered.receipt).status, 'success')
  for (const refused of answers.filter((a) => a.status !== 200)) {
    const problem = JSON.parse(refused.body)
    if (refused.status === 409) {
      assert.equal(problem.type, 'https://paymentauth.org/problems/payment-in-progress')
      assert.ok(refused.retryAfter, 'a 409 says when to retry')
    } else {
      // it came after the delivery was recorded: a replay
      assert.equal(problem.type, 'https://paymentauth.org/problems/verification-failed', refused.body)
    }
    assert.equal(refused.receipt, null)
  }
  assert.equal(await upstreamCalls(provider, marker), 1, 'the upstream was called once')
  const charge = await ledgerCharge(challengeId, { until: (c) => c.status === 'fulfilled' && c.usage?.length > 0 })
  assert.equal(charge.usage.length, 1)
  assert.equal(charge.usage[0].outcome, 'FULFILLED')
  // delivered: presenting it again now is a replay
  const replay = await fetch(url + route, { ...init, headers: { ...init.headers, authorization: credential } })
  assert.equal(replay.status, 402)
  assert.equal(await upstreamCalls(provider, marker), 1)
}

for (const provider of ['mistral', 'grok']) {
  for (const mode of ['pull', 'push']) {
    test(`${provider}, ${mode} mode: one credential presented ${PRESENTATIONS} times at once is delivered exactly once`, async () => {
      await presentedAtOnce(provider, mode)
    })
  }
}
