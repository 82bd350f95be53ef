// End to end, mistral-service: every paid route bought by the real mppx client on the local chain, with the ledger
// showing the charge and its usage; every pre-payment rejection. Needs the local stack and the four services
// (deploy/test.sh starts them). One mppx payment per fresh key (anvil, see fund.mjs). Run: node --test deploy/agent/test/
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { recordingBuyer } from '../lib/buyer.mjs'
import { PROVIDERS, challengeParams, decodeB64urlJson, ledgerCharge, onChainTransfer, standinCount } from '../lib/gateway.mjs'

const MISTRAL = PROVIDERS.mistral.url
// node --test runs files in parallel; funding from an unlocked dev account of its own (#6, public anvil test
// account) keeps this file's funding transactions from racing the others' for the same nonce
const FUNDER = '0x976ea74026e726554db657fa54763abd0c3a0aa9'
const buyer = () => recordingBuyer({ funder: FUNDER })

const json = (body) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

// route, request, upstream path, expected usage in the ledger, fixed price (null = dynamic)
const ROUTES = [
  ['/mistral/chat', json({ model: 'mistral-small-latest', max_tokens: 128, messages: [{ role: 'user', content: 'Hi' }] }), '/mistral/v1/chat/completions', { promptTokens: 12, completionTokens: 24, totalTokens: 36 }, null],
  ['/v1/chat/completions', json({ model: 'codestral-latest', messages: [{ role: 'user', content: 'Write hello world in C' }] }), '/mistral/v1/chat/completions', { promptTokens: 12, completionTokens: 24, totalTokens: 36 }, null],
  ['/mistral/fim', json({ model: 'codestral-latest', prompt: 'def add(a, b):', suffix: '' }), '/mistral/v1/fim/completions', { promptTokens: 9, completionTokens: 6, totalTokens: 15 }, null],
  ['/v1/fim/completions', json({ model: 'codestral-latest', prompt: 'int main() {', max_tokens: 64 }), '/mistral/v1/fim/completions', { promptTokens: 9, completionTokens: 6, totalTokens: 15 }, null],
  ['/mistral/embed', json({ model: 'mistral-embed', input: ['pay per call', 'agents'] }), '/mistral/v1/embeddings', { promptTokens: 15, completionTokens: 0, totalTokens: 15 }, 8000n],
  ['/v1/embeddings', json({ model: 'mistral-embed', input: 'pay per call' }), '/mistral/v1/embeddings', { promptTokens: 15, totalTokens: 15 }, 8000n],
  ['/mistral/moderate', json({ model: 'mistral-moderation-latest', input: 'hello' }), '/mistral/v1/moderations', { totalTokens: 0 }, 8000n],
  ['/v1/moderations', json({ model: 'mistral-moderation-latest', input: ['hello', 'world'] }), '/mistral/v1/moderations', { totalTokens: 0 }, 8000n],
  // /v1/chat/moderations pays splits locally: mistral-splits.test.mjs
  ['/mistral/ocr', json({ model: 'mistral-ocr-latest', document: { type: 'document_url', document_url: 'https://example.com/invoice.pdf' } }), '/mistral/v1/ocr', { units: 2 }, null],
  ['/v1/ocr', json({ model: 'mistral-ocr-latest', pages: [0, 1], document: { type: 'image_url', image_url: 'https://example.com/scan.png' } }), '/mistral/v1/ocr', { units: 2 }, null],
  ['/mistral/models', { method: 'GET' }, null, { totalTokens: 0 }, 8000n],
  ['/mistral/models', json({}), null, { totalTokens: 0 }, 8000n],
  ['/v1/models', { method: 'GET' }, null, { totalTokens: 0 }, 8000n],
  ['/v1/models/mistral-small-latest', { method: 'GET' }, null, { totalTokens: 0 }, 8000n],
]

for (const [route, init, upstreamPath, usage, fixedPrice] of ROUTES) {
  test(`mistral ${init.method} ${route}: paid with mppx, answered with a receipt, booked with its usage`, async () => {
    const { mppx, exchanges } = await buyer()
    const upstreamBefore = upstreamPath ? await standinCount(upstreamPath) : 0
    const res = await mppx.fetch(`${MISTRAL}${route}`, init)
    const body = await res.json()
    assert.equal(res.status, 200, JSON.stringify(body))
    assert.equal(res.headers.get('cache-control'), 'private')
    // where the time went: the call to payment-service (of it, payment-service's own time and the node's share), the
    // wait for the settled fact, the upstream, all of it
    assert.match(res.headers.get('server-timing'),
      /^settle;dur=\d+, payment;dur=\d+\.\d, chain;dur=\d+\.\d, claim;dur=\d+\.\d, release;dur=\d+, upstream;dur=\d+, gateway;dur=\d+$/)

    const challenged = exchanges.find((e) => e.response.status === 402)
    const params = challengeParams(challenged.response.headers.get('www-authenticate'))
    const quoted = BigInt(decodeB64urlJson(params.request).amount)
    if (fixedPrice) assert.equal(quoted, fixedPrice)
    else assert.ok(quoted >= 5000n && quoted <= 100000n, `quote ${quoted}`)
    if (init.method === 'GET') assert.equal(params.digest, undefined, 'nothing to bind on a GET')
    else assert.ok(params.digest?.startsWith('sha-256=:'))

    const receipt = decodeB64urlJson(res.headers.get('payment-receipt'))
    assert.equal((await onChainTransfer(receipt.reference)).amount, quoted)
    if (upstreamPath) assert.equal(await standinCount(upstreamPath), upstreamBefore + 1)

    const charge = await ledgerCharge(params.id, { until: (c) => c.status === 'fulfilled' && c.usage?.length > 0 })
    assert.equal(BigInt(charge.amount), quoted)
    assert.equal(charge.provider, 'mistral')
    assert.equal(charge.route, route)
    assert.equal(charge.txHash, receipt.reference)
    assert.equal(charge.usage[0].outcome, 'FULFILLED')
    for (const [k, v] of Object.entries(usage)) assert.equal(charge.usage[0][k], v, k)
  })
}

test('mistral: every pre-payment rejection is in Mistral\'s error format, with no challenge and no upstream call', async () => {
  const before = await standinCount('/mistral/v1/chat/completions')
  const cases = [
    ['/v1/chat/completions', JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }), 400, 'model', 'unknown_model'],
    ['/mistral/chat', JSON.stringify({ model: 'mistral-small-latest', max_tokens: 1_000_000, messages: [{ role: 'user', content: 'x' }] }), 400, 'max_tokens', 'invalid_value'],
    ['/mistral/embed', JSON.stringify({ model: 'mistral-small-latest', input: 'x' }), 400, 'model', 'unknown_model'],
    ['/mistral/chat', '{"model": "mistral-small-latest", "messages": [', 400, null, 'invalid_json'],
    ['/v1/chat/completions', JSON.stringify({ model: 'mistral-small-latest', messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }] }), 413, null, 'request_too_large'],
  ]
  for (const [route, body, status, param, code] of cases) {
    const res = await fetch(`${MISTRAL}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    assert.equal(res.status, status, `${route} ${code}`)
    assert.equal(res.headers.get('www-authenticate'), null)
    const error = await res.json()
    assert.deepEqual({ object: error.object, type: error.type, param: error.param, code: error.code },
      { object: 'error', type: 'invalid_request_error', param, code })
  }
  const card = await fetch(`${MISTRAL}/v1/models/gpt-4o`)
  assert.equal(card.status, 404)
  assert.equal((await card.json()).code, 'model_not_found')
  assert.equal(await standinCount('/mistral/v1/chat/completions'), before)
})

test('mistral: discovery documents for agents', async () => {
  const doc = await (await fetch(`${MISTRAL}/openapi.json`)).json()
  assert.deepEqual(doc['x-service-info'].docs.llms, '/llms.txt')
  // a fixed price is published as its amount; a price that depends on the request (embeddings by input size since
  // issue 12) as null with the formula
  const models = doc.paths['/v1/models'].get
  assert.deepEqual(models['x-payment-info'], { intent: 'charge', method: 'tempo', amount: '8000', currency: '0x20c0000000000000000000000000000000000000' })
  const embed = doc.paths['/v1/embeddings'].post
  assert.equal(embed['x-payment-info'].amount, null)
  assert.match(embed['x-payment-info'].description, /input bytes/)
  assert.ok(embed.responses['402'])
  assert.equal(doc.paths['/v1/chat/completions'].post['x-payment-info'].amount, null)
  assert.match(doc.paths['/v1/chat/completions'].post['x-payment-info'].description, /max_tokens/)
  const llms = await (await fetch(`${MISTRAL}/llms.txt`)).text()
  assert.match(llms, /POST \/mistral\/chat/)
})
