// End to end, mistral-service with unmodified official clients whose fetch is mppx's: the Mistral TypeScript SDK
// (serverURL = the service) and the npm openai SDK (baseURL = the service's /v1). Each call pays with a fresh key.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { HTTPClient, Mistral } from '@mistralai/mistralai'
import { payingFetch as payingFetchFrom, payingOpenAi as payingOpenAiAt } from '../lib/buyer.mjs'
import { PROVIDERS, ledgerCharge } from '../lib/gateway.mjs'

const MISTRAL = PROVIDERS.mistral.url
// node --test runs files in parallel; funding from an unlocked dev account of its own (#7, public anvil test
// account) keeps this file's funding transactions from racing the others' for the same nonce
const FUNDER = '0x14dc79964da2c08b23698b3d3cc7ca32193d9955'
const payingFetch = () => payingFetchFrom({ funder: FUNDER })
const payingOpenAi = () => payingOpenAiAt({ funder: FUNDER, baseURL: `${MISTRAL}/v1` })

/** The official Mistral SDK pointed at the service; no API key, the payment is the credential. */
async function mistralSdk() {
  const { fetch, paid } = await payingFetch()
  return { sdk: new Mistral({ serverURL: MISTRAL, httpClient: new HTTPClient({ fetcher: fetch }) }), paid }
}

async function bookedUsage(paid) {
  const charge = await ledgerCharge(paid.challengeId, { until: (c) => c.status === 'fulfilled' && c.usage?.length > 0 })
  return charge.usage[0]
}

test('Mistral SDK: chat.complete', async () => {
  const { sdk, paid } = await mistralSdk()
  const answer = await sdk.chat.complete({ model: 'mistral-small-latest', maxTokens: 64, messages: [{ role: 'user', content: 'Say hello' }] })
  assert.equal(answer.object, 'chat.completion')
  assert.equal(answer.choices[0].message.content, 'Hello from the local Mistral stand-in. This is a canned reply.')
  assert.equal(answer.usage.totalTokens, 36)
  assert.equal((await bookedUsage(paid)).totalTokens, 36)
})

test('Mistral SDK: chat.stream', async () => {
  const { sdk, paid } = await mistralSdk()
  const stream = await sdk.chat.stream({ model: 'mistral-small-latest', messages: [{ role: 'user', content: 'Say hello' }] })
  let text = ''
  let usage
  for await (const event of stream) {
    text += event.data.choices[0]?.delta?.content ?? ''
    usage = event.data.usage ?? usage
  }
  assert.equal(text, 'Hello from the local Mistral stand-in.')
  assert.equal(usage.totalTokens, 19)
  const booked = await bookedUsage(paid)
  assert.equal(booked.outcome, 'FULFILLED')
  assert.deepEqual([booked.promptTokens, booked.completionTokens, booked.totalTokens], [12, 7, 19])
})

test('Mistral SDK: embeddings.create', async () => {
  const { sdk, paid } = await mistralSdk()
  const answer = await sdk.embeddings.create({ model: 'mistral-embed', inputs: ['pay per call', 'no account'] })
  assert.equal(answer.data.length, 2)
  assert.equal(answer.data[1].index, 1)
  assert.equal(answer.data[0].embedding.length, 8)
  assert.equal((await bookedUsage(paid)).promptTokens, 15)
})

test('Mistral SDK: classifiers.moderate and moderateChat', async () => {
  const text = await mistralSdk()
  const moderated = await text.sdk.classifiers.moderate({ model: 'mistral-moderation-latest', inputs: ['hello'] })
  assert.equal(moderated.results.length, 1)
  assert.equal(moderated.results[0].categories.pii, false)
  assert.equal((await bookedUsage(text.paid)).outcome, 'FULFILLED')
  const chat = await mistralSdk()
  const conversation = await chat.sdk.classifiers.moderateChat({ model: 'mistral-moderation-latest', inputs: [{ role: 'user', content: 'hello' }] })
  assert.equal(conversation.results.length, 1)
})

test('Mistral SDK: models.list and models.retrieve', async () => {
  const list = await mistralSdk()
  const models = await list.sdk.models.list()
  assert.ok(models.data.some((m) => m.id === 'codestral-latest'))
  assert.equal((await bookedUsage(list.paid)).outcome, 'FULFILLED')
  const one = await mistralSdk()
  const card = await one.sdk.models.retrieve({ modelId: 'mistral-small-latest' })
  assert.equal(card.id, 'mistral-small-latest')
})

test('openai SDK: /v1/chat/completions non-streaming', async () => {
  const { openai, paid } = await payingOpenAi()
  const answer = await openai.chat.completions.create({ model: 'mistral-small-latest', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello' }] })
  assert.equal(answer.choices[0].message.role, 'assistant')
  assert.equal(answer.usage.total_tokens, 36)
  assert.equal((await bookedUsage(paid)).totalTokens, 36)
})

test('openai SDK: /v1/chat/completions streaming', async () => {
  const { openai, paid } = await payingOpenAi()
  const stream = await openai.chat.completions.create({ model: 'mistral-small-latest', stream: true, messages: [{ role: 'user', content: 'Say hello' }] })
  let text = ''
  let chunks = 0
  for await (const chunk of stream) {
    chunks++
    text += chunk.choices[0]?.delta?.content ?? ''
  }
  assert.equal(chunks, 8)
  assert.equal(text, 'Hello from the local Mistral stand-in.')
  assert.equal((await bookedUsage(paid)).totalTokens, 19)
})
