// End to end, route splits: deploy/local/payment-routes.properties makes /v1/chat/moderations (8,000 base units) pay
// 500 to a partner and 5% to a referrer whose transfer carries a memo. The real mppx client reads the splits from
// the challenge and pays all three in one transaction; payment-service checks them on chain; the ledger books the
// wallet's 7,100 and the splits as costs. Needs the local stack and the four services (deploy/test.sh starts them).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { recordingBuyer } from '../lib/buyer.mjs'
import { PROVIDERS, decodeB64urlJson, ledgerCharge, onChainTransfers } from '../lib/gateway.mjs'

const MISTRAL = PROVIDERS.mistral.url
// anvil dev account #3 (public test account) funds this file's buyers; see recordingBuyer
const FUNDER = '0x90f79bf6eb2c4f870365e785982e1f101e93b906'
const WALLET = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc' // anvil dev account #2, the gateway wallet locally
const PARTNER = '0x15d34aaf54267db7d7c367839aaf71a00a2c6a65' // anvil dev account #4 (public test account)
const REFERRER = '0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc' // anvil dev account #5 (public test account)
const REFERRER_MEMO = '0x6c6f63616c2d72656665727265722d3030303100000000000000000000000000'

test('split route: one transaction pays the wallet, the partner and the referrer; the ledger books the splits', async () => {
  const { mppx, address, challenge } = await recordingBuyer({ funder: FUNDER })
  const res = await mppx.fetch(`${MISTRAL}/v1/chat/moderations`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'mistral-moderation-latest', input: [{ role: 'user', content: 'hello' }] }),
  })
  const body = await res.json()
  assert.equal(res.status, 200, JSON.stringify(body))
  assert.ok(Array.isArray(body.results), 'the moderation answer')

  const params = challenge()
  const request = decodeB64urlJson(params.request)
  assert.equal(request.amount, '8000')
  assert.deepEqual(request.methodDetails.splits, [
    { amount: '500', recipient: PARTNER },
    { amount: '400', memo: REFERRER_MEMO, recipient: REFERRER },
  ])

  const receipt = decodeB64urlJson(res.headers.get('payment-receipt'))
  const movements = (await onChainTransfers(receipt.reference)).filter((m) => m.from === address.toLowerCase())
  const to = (who) => movements.filter((m) => m.to === who)
  assert.deepEqual(to(WALLET).map((m) => m.amount), [7100n], 'the wallet gets the amount minus the splits')
  assert.ok(to(WALLET)[0].memo.startsWith('0xef1ed712'), 'with the MPP attribution memo')
  assert.deepEqual(to(PARTNER).map((m) => m.amount), [500n])
  assert.deepEqual(to(REFERRER).map((m) => [m.amount, m.memo]), [[400n, REFERRER_MEMO]])

  const charge = await ledgerCharge(params.id, { until: (c) => c.status === 'fulfilled' && c.usage?.length > 0 })
  assert.equal(BigInt(charge.amount), 8000n)
  assert.equal(charge.txHash, receipt.reference)
  assert.equal(charge.route, '/v1/chat/moderations')
  assert.equal(charge.walletAmount, 7100)
  assert.deepEqual(charge.splits, [
    { recipient: PARTNER, amount: 500, memo: null },
    { recipient: REFERRER, amount: 400, memo: REFERRER_MEMO },
  ])
  const settlement = charge.journal.find((t) => t.kind === 'settlement')
  const posted = Object.fromEntries(settlement.postings.map((p) => [p.account.toLowerCase(), p.debit - p.credit]))
  assert.deepEqual(posted, {
    [`assets:wallet:${WALLET}`]: 7100,
    [`expenses:splits:${PARTNER}`]: 500,
    [`expenses:splits:${REFERRER}`]: 400,
    'liabilities:unearned:mistral': -8000,
  })
  const delivery = charge.journal.find((t) => t.kind === 'delivery')
  assert.equal(delivery.postings.reduce((s, p) => s + p.credit, 0), 8000, 'delivery earns the whole charge')
})
