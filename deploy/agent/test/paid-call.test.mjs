// End to end: the real mppx client (library) pays for a Mistral chat and a Grok chat through the whole suite on the
// local Tempo chain, then replays the credential. Needs the local stack and the four services running
// (deploy/test.sh starts them). Run: node --test deploy/agent/test/
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { recordingBuyer } from '../lib/buyer.mjs'
import {
  PROVIDERS, challengeParams, decodeB64urlJson, ledgerCharge, onChainTransfer, standinCount,
} from '../lib/gateway.mjs'

const RECIPIENT = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc' // anvil dev account #2, the gateway wallet locally
// funded from anvil dev account #0 (fund.mjs's default funder; no other test file uses it)
const buyer = () => recordingBuyer()

const expectedUsage = {
  mistral: { promptTokens: 12, completionTokens: 24, totalTokens: 36, reasoningTokens: 0 },
  grok: { promptTokens: 32, completionTokens: 9, totalTokens: 135, reasoningTokens: 94 },
}

for (const [name, p] of Object.entries(PROVIDERS)) {
  test(`${name}: mppx pays, gets the answer with a receipt, the ledger books it, and a replay is refused`, async () => {
    const { mppx, exchanges, credential: credentialOf } = await buyer()
    const upstreamBefore = await standinCount(p.upstreamPath)

    const res = await mppx.fetch(`${p.url}${p.route}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p.body),
    })
    const answer = await res.json()
    assert.equal(res.status, 200, JSON.stringify(answer))
    assert.equal(answer.object, 'chat.completion')
    assert.equal(answer.model, p.body.model)
    assert.equal(res.headers.get('cache-control'), 'private')

    // the 402 the client paid: its quoted amount and challenge id
    const challenge402 = exchanges.find((e) => e.response.status === 402)
    assert.ok(challenge402, 'the client was challenged first')
    assert.equal(challenge402.response.headers.get('cache-control'), 'no-store')
    const params = challengeParams(challenge402.response.headers.get('www-authenticate'))
    const quoted = BigInt(decodeB64urlJson(params.request).amount)
    assert.ok(params.digest?.startsWith('sha-256=:'), 'the challenge is bound to the body digest')

    // the receipt names the on-chain transfer, which pays exactly the quote to the gateway wallet
    const receipt = decodeB64urlJson(res.headers.get('payment-receipt'))
    assert.equal(receipt.method, 'tempo')
    assert.equal(receipt.status, 'success')
    assert.match(receipt.reference, /^0x[0-9a-f]{64}$/)
    const transfer = await onChainTransfer(receipt.reference)
    assert.equal(transfer.status, '0x1')
    assert.equal(transfer.to, RECIPIENT)
    assert.equal(transfer.amount, quoted)

    // the ledger has the charge, with the upstream's token counts and balanced postings
    const charge = await ledgerCharge(params.id, { until: (c) => c.status === 'fulfilled' && c.usage?.length > 0 })
    assert.equal(BigInt(charge.amount), quoted)
    assert.equal(charge.txHash, receipt.reference)
    assert.equal(charge.provider, name)
    assert.equal(charge.route, p.route)
    const usage = charge.usage[0]
    for (const [k, v] of Object.entries(expectedUsage[name])) assert.equal(usage[k], v, k)
    for (const tx of charge.journal) {
      const debit = tx.postings.reduce((s, x) => s + BigInt(x.debit), 0n)
      const credit = tx.postings.reduce((s, x) => s + BigInt(x.credit), 0n)
      assert.equal(debit, credit, `journal transaction ${tx.id} balances`)
    }
    // the provider reports the call's actual upstream cost (usage x price table), which the ledger books too
    assert.deepEqual(charge.journal.map((t) => t.kind).sort(), ['delivery', 'settlement', 'upstream_cost'])

    assert.equal(await standinCount(p.upstreamPath), upstreamBefore + 1, 'one upstream call for one payment')

    // the same credential again: 402 verification-failed, and the upstream is not called a second time
    const credential = credentialOf()
    const replay = await fetch(`${p.url}${p.route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: credential },
      body: JSON.stringify(p.body),
    })
    assert.equal(replay.status, 402)
    assert.equal(replay.headers.get('content-type'), 'application/problem+json')
    assert.match(replay.headers.get('www-authenticate'), /^Payment id="/)
    assert.equal(replay.headers.get('payment-receipt'), null)
    const problem = await replay.json()
    assert.equal(problem.type, 'https://paymentauth.org/problems/verification-failed')
    assert.equal(await standinCount(p.upstreamPath), upstreamBefore + 1, 'no second upstream call')
  })
}

test('an unpaid request never reaches the upstream and a bad one is refused before any challenge', async () => {
  const p = PROVIDERS.mistral
  const before = await standinCount(p.upstreamPath)
  const unpaid = await fetch(`${p.url}${p.route}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(p.body),
  })
  assert.equal(unpaid.status, 402)
  assert.match(unpaid.headers.get('www-authenticate'), /method="tempo", intent="charge"/)
  const bad = await fetch(`${p.url}${p.route}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'mistral-small-latest' }),
  })
  assert.equal(bad.status, 400)
  assert.equal(bad.headers.get('www-authenticate'), null)
  assert.equal((await bad.json()).param, 'messages')
  assert.equal(await standinCount(p.upstreamPath), before)
})
