// End to end, grok-service's paid chat streamed to the npm openai SDK (baseURL = the service's /v1) whose fetch is
// mppx's, and to a plain mppx fetch on /grok/chat; then image generation (openai SDK) and text to speech (mppx fetch,
// audio bytes). Each call pays with a fresh key on the local chain.
// The gateway always asks xAI for the usage chunk (the ledger needs the tokens) and forwards it only to a buyer who
// asked for it with stream_options.include_usage.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { payingFetch as payingFetchFrom, payingOpenAi as payingOpenAiAt } from '../lib/buyer.mjs'
import { PROVIDERS, decodeB64urlJson, ledgerCharge } from '../lib/gateway.mjs'

const GROK = PROVIDERS.grok.url
// node --test runs files in parallel; funding from an unlocked dev account of its own (#1, public anvil test
// account) keeps this file's funding transactions from racing the others' for the same nonce
const FUNDER = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'
const payingFetch = () => payingFetchFrom({ funder: FUNDER })
const payingOpenAi = () => payingOpenAiAt({ funder: FUNDER, baseURL: `${GROK}/v1` })
const TEXT = 'Hello from the local xAI (Grok) stand-in.'
// the stand-in's usage chunk: 32 prompt + 8 completion + 94 reasoning tokens (xAI counts reasoning in the total only)
const STREAM_USAGE = { promptTokens: 32, completionTokens: 8, reasoningTokens: 94, cachedTokens: 6, totalTokens: 134 }

async function bookedUsage(challengeId) {
  const charge = await ledgerCharge(challengeId, { until: (c) => c.status === 'fulfilled' && c.usage?.length > 0 })
  assert.equal(charge.provider, 'grok')
  return charge.usage[0]
}

function assertStreamUsage(booked) {
  assert.equal(booked.outcome, 'FULFILLED')
  for (const [k, v] of Object.entries(STREAM_USAGE)) assert.equal(booked[k], v, k)
}

test('openai SDK streams a paid Grok chat without the usage chunk it did not ask for; the ledger books the usage', async () => {
  const { openai, paid } = await payingOpenAi()
  const { data: stream, response } = await openai.chat.completions
    .create({ model: 'grok-4', max_completion_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Say hello' }] })
    .withResponse()
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type'), /^text\/event-stream/)
  assert.equal(decodeB64urlJson(response.headers.get('payment-receipt')).status, 'success')
  const chunks = []
  for await (const chunk of stream) chunks.push(chunk)
  assert.equal(chunks.length, 8, 'one chunk per token, no usage-only chunk')
  assert.equal(chunks[0].choices[0].delta.role, 'assistant')
  assert.equal(new Set(chunks.map((c) => c.id)).size, 1, 'one id per stream')
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.choices.length === 1 && c.usage == null))
  assert.equal(chunks.map((c) => c.choices[0].delta.content).join(''), TEXT)
  assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop')
  assertStreamUsage(await bookedUsage(paid.challengeId))
})

test('openai SDK with stream_options.include_usage gets the usage chunk before [DONE]', async () => {
  const { openai, paid } = await payingOpenAi()
  const stream = await openai.chat.completions.create({
    model: 'grok-4', max_completion_tokens: 64, stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Say hello' }],
  })
  const chunks = []
  for await (const chunk of stream) chunks.push(chunk)
  assert.equal(chunks.length, 9, '8 token chunks and the usage chunk')
  assert.ok(chunks.slice(0, 8).every((c) => c.usage == null), 'the other chunks carry null usage')
  const last = chunks.at(-1)
  assert.deepEqual(last.choices, [])
  assert.equal(last.usage.total_tokens, 134)
  assert.equal(last.usage.completion_tokens_details.reasoning_tokens, 94)
  assertStreamUsage(await bookedUsage(paid.challengeId))
})

test('mppx pays for a stream on /grok/chat: data-only events, [DONE] last, receipt in the headers', async () => {
  const { fetch, paid } = await payingFetch()
  const res = await fetch(`${GROK}/grok/chat`, {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ model: 'grok-4', max_completion_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Say hello' }] }),
  })
  assert.equal(res.status, 200)
  assert.match(res.headers.get('cache-control'), /^private/)
  const receipt = decodeB64urlJson(res.headers.get('payment-receipt'))
  assert.equal(receipt.method, 'tempo')
  assert.match(receipt.reference, /^0x[0-9a-f]{64}$/)
  const events = (await res.text()).split('\n\n').filter((e) => e.length > 0)
  assert.ok(events.every((e) => e.startsWith('data: ')), 'data-only events')
  assert.equal(events.at(-1), 'data: [DONE]')
  assert.equal(events.length, 9, '8 token chunks and [DONE]')
  const charge = await ledgerCharge(paid.challengeId, { until: (c) => c.status === 'fulfilled' && c.usage?.length > 0 })
  assert.equal(charge.route, '/grok/chat')
  assert.equal(charge.txHash, receipt.reference)
  assertStreamUsage(charge.usage[0])
})

test('openai SDK generates two paid images on /v1/images/generations; the ledger books the images and xAI\'s cost', async () => {
  const { openai, paid } = await payingOpenAi()
  const { data: images, response } = await openai.images
    .generate({ model: 'grok-imagine-image', prompt: 'a cat in a tree', n: 2 })
    .withResponse()
  assert.equal(response.status, 200)
  assert.equal(decodeB64urlJson(response.headers.get('payment-receipt')).status, 'success')
  assert.equal(images.data.length, 2)
  assert.ok(images.data.every((i) => /^https:\/\//.test(i.url)), JSON.stringify(images.data))
  const charge = await ledgerCharge(paid.challengeId, { until: (c) => c.status === 'fulfilled' && c.usage?.length > 0 })
  assert.equal(charge.route, '/v1/images/generations')
  assert.equal(charge.amount, 120_000, '2 images × 50,000 ceiling at 1k + 20 %')
  const [usage] = charge.usage
  assert.equal(usage.images, 2)
  assert.equal(usage.costInUsdTicks, 400_000_000)
  assert.equal(usage.upstreamCost, 40_000, 'xAI\'s own 4 cents, not the ceiling')
})

test('openai SDK edits a paid image on /v1/images/edits from one input image (b64_json answer)', async () => {
  const { openai, paid } = await payingOpenAi()
  // the openai SDK sends edits as multipart; xAI's edits take JSON ({prompt, image: {url}}), as a raw post does
  const answer = await openai.post('/images/edits', {
    body: { model: 'grok-imagine-image', prompt: 'add a hat', image: { url: 'https://example.com/cat.png' }, response_format: 'b64_json' },
  })
  assert.equal(answer.data.length, 1)
  assert.match(answer.data[0].b64_json, /^iVBOR/, 'a PNG, base64')
  const charge = await ledgerCharge(paid.challengeId, { until: (c) => c.status === 'fulfilled' && c.usage?.length > 0 })
  assert.equal(charge.route, '/v1/images/edits')
  assert.equal(charge.amount, 72_000, '1 output image (50,000) + 1 input image (10,000), + 20 %')
  assert.equal(charge.usage[0].images, 1)
})

test('mppx pays for text to speech on /grok/tts: audio/mpeg bytes relayed; the ledger books the characters', async () => {
  const { fetch, paid } = await payingFetch()
  const res = await fetch(`${GROK}/grok/tts`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'Hello from the gateway', language: 'en', voice_id: 'eve' }),
  })
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('content-type'), 'audio/mpeg')
  const audio = Buffer.from(await res.arrayBuffer())
  assert.equal(audio.subarray(0, 3).toString('latin1'), 'ID3', 'an MP3 with its ID3 header')
  assert.equal(audio.length, 844)
  const charge = await ledgerCharge(paid.challengeId, { until: (c) => c.status === 'fulfilled' && c.usage?.length > 0 })
  assert.equal(charge.route, '/grok/tts')
  assert.equal(charge.amount, 5_000, '22 characters cost 660 base units upstream: the minimum charge applies')
  assert.equal(charge.usage[0].characters, 22)
  assert.equal(charge.usage[0].upstreamCost, 660)
})
