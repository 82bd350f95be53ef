// End to end, grok-service's Responses routes paid by the real mppx client on the local chain: the npm openai SDK
// (baseURL = the service's /v1, fetch = mppx's) calling responses.create plain and with stream:true, and
// models.retrieve; the Vercel AI SDK's xAI provider (generateText, streamText); plain mppx fetches on the
// Locus-style /grok/web-search, /grok/x-search and /grok/code-execution.
// Each call pays with a fresh key; the ledger shows the charge with its tokens, tool calls and xAI's cost.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createXai } from '@ai-sdk/xai'
import { generateText, streamText } from 'ai'
import { payingFetch as payingFetchFrom, payingOpenAi as payingOpenAiAt } from '../lib/buyer.mjs'
import { PROVIDERS, decodeB64urlJson, ledgerCharge } from '../lib/gateway.mjs'

const GROK = PROVIDERS.grok.url
// node --test runs files in parallel: a funding account of this file's own (#6, public anvil test account)
const FUNDER = '0x976ea74026e726554db657fa54763abd0c3a0aa9'
const payingFetch = () => payingFetchFrom({ funder: FUNDER })
const payingOpenAi = () => payingOpenAiAt({ funder: FUNDER, baseURL: `${GROK}/v1` })
const TEXT = 'Hello from the local xAI (Grok) stand-in.'
const CITED = ['https://en.wikipedia.org/wiki/Rayleigh_scattering', 'https://x.com/NASA/status/1']

async function booked(challengeId, route) {
  const charge = await ledgerCharge(challengeId, { until: (c) => c.status === 'fulfilled' && c.usage?.length > 0 })
  assert.equal(charge.provider, 'grok')
  assert.equal(charge.route, route)
  assert.equal(charge.usage[0].outcome, 'FULFILLED')
  return charge
}

async function postPaid(path, body) {
  const { fetch, paid } = await payingFetch()
  const res = await fetch(`${GROK}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  })
  assert.equal(res.status, 200, await res.clone().text())
  assert.equal(decodeB64urlJson(res.headers.get('payment-receipt')).status, 'success')
  return { answer: await res.json(), paid }
}

test('openai SDK responses.create with the web_search tool: the answer, its citations; the ledger books tokens, tool calls and xAI\'s cost', async () => {
  const { openai, paid } = await payingOpenAi()
  const { data: response, response: raw } = await openai.responses
    .create({ model: 'grok-4-fast', input: 'Why is the sky blue?', max_output_tokens: 256, tools: [{ type: 'web_search' }] })
    .withResponse()
  assert.equal(raw.status, 200)
  assert.equal(decodeB64urlJson(raw.headers.get('payment-receipt')).status, 'success')
  assert.equal(response.object, 'response')
  assert.match(response.output_text, /Rayleigh scattering/)
  const cited = response.output.find((o) => o.type === 'message').content[0].annotations.map((a) => a.url)
  assert.deepEqual([...new Set(cited)], CITED)
  const charge = await booked(paid.challengeId, '/v1/responses')
  const [usage] = charge.usage
  assert.equal(usage.promptTokens, 1840)
  assert.equal(usage.reasoningTokens, 300)
  assert.equal(usage.totalTokens, 2185)
  assert.equal(usage.toolCalls, 2)
  assert.equal(usage.costInUsdTicks, 105_000_000)
  assert.equal(usage.upstreamCost, 10_500, 'xAI\'s own 1.05 cents')
})

test('openai SDK responses.create with stream:true gets the typed events, response.completed last; the ledger books its usage', async () => {
  const { openai, paid } = await payingOpenAi()
  const stream = await openai.responses.create({ model: 'grok-3', input: 'Say hello', max_output_tokens: 64, stream: true })
  const events = []
  for await (const event of stream) events.push(event)
  assert.equal(events[0].type, 'response.created')
  assert.equal(events.at(-1).type, 'response.completed')
  const deltas = events.filter((e) => e.type === 'response.output_text.delta')
  assert.equal(deltas.length, 8)
  assert.equal(deltas.map((e) => e.delta).join(''), TEXT)
  assert.equal(events.at(-1).response.usage.total_tokens, 150)
  const [usage] = (await booked(paid.challengeId, '/v1/responses')).usage
  assert.equal(usage.totalTokens, 150)
  assert.equal(usage.reasoningTokens, 110)
  assert.equal(usage.cachedTokens, 8)
})

test('mppx pays for /grok/web-search: xAI\'s response with citations, the tool and turn limit sent upstream', async () => {
  const { answer, paid } = await postPaid('/grok/web-search', { model: 'grok-4-fast', input: 'Why is the sky blue?' })
  assert.deepEqual(answer.citations, CITED)
  assert.equal(answer.output[0].type, 'web_search_call')
  const charge = await booked(paid.challengeId, '/grok/web-search')
  assert.equal(charge.usage[0].toolCalls, 2)
  assert.ok(charge.amount > charge.usage[0].upstreamCost, `charged ${charge.amount}, cost ${charge.usage[0].upstreamCost}`)
})

test('mppx pays for /grok/x-search and /grok/code-execution', async () => {
  const x = await postPaid('/grok/x-search', { model: 'grok-3-mini', input: 'What did NASA post today?', max_turns: 1 })
  assert.ok(x.answer.citations.includes('https://x.com/NASA/status/1'))
  assert.equal((await booked(x.paid.challengeId, '/grok/x-search')).usage[0].toolCalls, 2)
  const code = await postPaid('/grok/code-execution', { model: 'grok-code-fast-1', input: 'What is 101*3? Run code.' })
  assert.equal(code.answer.output[0].type, 'code_interpreter_call')
  assert.equal(code.answer.output[0].outputs[0].logs, '303\n')
  const [usage] = (await booked(code.paid.challengeId, '/grok/code-execution')).usage
  assert.equal(usage.toolCalls, 1)
  assert.equal(usage.upstreamCost, 5_200)
})

test('openai SDK models.retrieve pays for one model card, priced as sold here', async () => {
  const { openai, paid } = await payingOpenAi()
  const model = await openai.models.retrieve('grok-4')
  assert.equal(model.id, 'grok-4')
  assert.equal(model.gateway_pricing.input_per_million, 3_600_000)
  assert.equal((await booked(paid.challengeId, '/v1/models/grok-4')).amount, 8_000)
})

test('the openai SDK sees a pre-payment refusal as xAI\'s own 400 (nothing paid)', async () => {
  const { openai } = await payingOpenAi()
  await assert.rejects(openai.responses.create({ model: 'grok-9', input: 'hi' }), (err) => {
    assert.equal(err.status, 400)
    assert.equal(err.code, 'unknown_model')
    assert.equal(err.param, 'model')
    return true
  })
  await assert.rejects(openai.responses.create({ model: 'grok-4', input: 'hi', tools: [{ type: 'file_search', vector_store_ids: ['v'] }] }),
    (err) => err.status === 400 && err.param === 'tools[0].type')
})

// the Vercel AI SDK's xAI provider (npm @ai-sdk/xai with `ai`) at the service's /v1: its default API is Responses
/** The AI SDK's xAI provider paying with a fresh key: no API key, the payment is the credential. */
async function payingXai() {
  const { fetch, paid } = await payingFetch()
  return { xai: createXai({ baseURL: `${GROK}/v1`, apiKey: 'unused-mpp-pays', fetch }), paid }
}

const bookedUsage = async (challengeId) => (await booked(challengeId, '/v1/responses')).usage[0]

test('@ai-sdk/xai generateText: paid through /v1/responses, the answer and its usage; the ledger books the same tokens', async () => {
  const { xai, paid } = await payingXai()
  const result = await generateText({ model: xai('grok-3'), prompt: 'Say hello', maxOutputTokens: 64, maxRetries: 0 })
  assert.equal(result.text, TEXT)
  const usage = await bookedUsage(paid.challengeId)
  assert.equal(result.usage.inputTokens, usage.promptTokens)
  assert.ok(usage.totalTokens > 0)
})

test('@ai-sdk/xai streamText: the typed Responses stream arrives whole, and the ledger books the streamed usage', async () => {
  const { xai, paid } = await payingXai()
  const result = streamText({ model: xai('grok-3'), prompt: 'Say hello', maxOutputTokens: 64, maxRetries: 0 })
  let text = ''
  for await (const delta of result.textStream) text += delta
  assert.equal(text, TEXT)
  const usage = await bookedUsage(paid.challengeId)
  // xAI's total counts the reasoning (110 here); the AI SDK's is input + output only
  assert.equal(usage.totalTokens, 150)
  assert.equal((await result.usage).inputTokens, usage.promptTokens)
})
