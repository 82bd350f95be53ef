// Measurements, mistral-service: time to first byte of a streamed chat through the service vs directly from the
// stand-in, and the latency a paid non-streaming chat adds beyond payment verification. Figures are printed as test
// diagnostics; MISTRAL_LATENCY_SAMPLES (default 10) sets how many paid calls each measurement makes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createClient, defineChain, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { tempoLocalnet } from 'viem/chains'
import { Mppx, tempo } from 'mppx/client'
import { fundFreshAccount } from '../fund.mjs'
import { PROVIDERS, RPC_URL, STANDIN_URL } from '../lib/gateway.mjs'

const MISTRAL = PROVIDERS.mistral.url
const SAMPLES = Number(process.env.MISTRAL_LATENCY_SAMPLES ?? 10)
// node --test runs files in parallel; funding from an unlocked dev account of its own (#9, public anvil test
// account) keeps this file's funding transactions from racing the others' for the same nonce
const FUNDER = '0xa0ee7a142d267c1f36714e4a8f75612f20a79720'
const chain = defineChain({ ...tempoLocalnet, id: 1337, rpcUrls: { default: { http: [RPC_URL] } } })

/** A buyer whose fetch times the paid request (the one carrying the credential) from send to headers. */
async function timedBuyer() {
  const { privateKey } = await fundFreshAccount(RPC_URL, { from: FUNDER })
  const timing = {}
  const timingFetch = async (input, init = {}) => {
    const paid = new Headers(init.headers).get('authorization')?.startsWith('Payment ')
    if (paid) timing.sentAt = performance.now()
    const res = await fetch(input, init)
    if (paid) timing.headersAt = performance.now()
    return res
  }
  const mppx = Mppx.create({
    polyfill: false, fetch: timingFetch,
    methods: [tempo.charge({ account: privateKeyToAccount(privateKey), getClient: () => createClient({ chain, transport: http(RPC_URL) }) })],
  })
  return { mppx, timing }
}

const serverTiming = (res) => Object.fromEntries(res.headers.get('server-timing').split(', ').map((m) => {
  const [name, dur] = m.split(';dur=')
  return [name, Number(dur)]
}))
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
const fmt = (values) => `median ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms (n=${values.length})`
const STREAM_BODY = { model: 'mistral-small-latest', stream: true, messages: [{ role: 'user', content: 'Say hello' }] }
const CHAT_BODY = { model: 'mistral-small-latest', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello' }] }

/**
 * When the first whole event (up to its blank line) was in the client's hands, and when the stream ended. Whole
 * events on both sides: the stand-in's paced chunks split events at arbitrary bytes, the service relays event by event.
 */
async function firstEventAndEnd(res, since) {
  const reader = res.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let firstAt
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
    if (firstAt === undefined && text.includes('\n\n')) firstAt = performance.now() - since
  }
  assert.ok(firstAt !== undefined)
  return { firstAt, endAt: performance.now() - since }
}

test('time to first event of a streamed chat: through the service vs directly from the stand-in', async (t) => {
  const direct = []
  for (let i = 0; i < SAMPLES; i++) {
    const sent = performance.now()
    const res = await fetch(`${STANDIN_URL}/mistral/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer standin' }, body: JSON.stringify(STREAM_BODY),
    })
    direct.push((await firstEventAndEnd(res, sent)).firstAt)
  }
  const paidTtfb = []
  const afterRelease = []
  const streamDuration = []
  for (let i = 0; i < SAMPLES; i++) {
    const { mppx, timing } = await timedBuyer()
    const res = await mppx.fetch(`${MISTRAL}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(STREAM_BODY),
    })
    assert.equal(res.status, 200)
    const { firstAt, endAt } = await firstEventAndEnd(res, timing.sentAt)
    const server = serverTiming(res)
    paidTtfb.push(firstAt)
    // what the relay adds on top of verification and release: upstream first byte + relaying
    afterRelease.push(firstAt - server.settle - server.release)
    streamDuration.push(endAt)
  }
  t.diagnostic(`stand-in directly: first event ${fmt(direct)}`)
  t.diagnostic(`through mistral-service, paid request (verification + release + upstream): first event ${fmt(paidTtfb)}`)
  t.diagnostic(`through mistral-service, after verification and release: first event ${fmt(afterRelease)}`)
  t.diagnostic(`through mistral-service: whole stream ${fmt(streamDuration)}`)
  // relayed, not buffered: the first event arrives well before the ~600 ms stream is over
  assert.ok(percentile(afterRelease, 50) < percentile(streamDuration, 50) - 300)
})

test('latency a paid non-streaming chat adds beyond payment verification', async (t) => {
  const beyondVerification = []
  const gatewayOnly = []
  const verification = []
  for (let i = 0; i < SAMPLES; i++) {
    const { mppx, timing } = await timedBuyer()
    const res = await mppx.fetch(`${MISTRAL}/mistral/chat`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(CHAT_BODY),
    })
    assert.equal(res.status, 200)
    await res.json()
    const total = performance.now() - timing.sentAt
    const server = serverTiming(res)
    verification.push(server.settle)
    beyondVerification.push(total - server.settle)
    gatewayOnly.push(total - server.settle - server.upstream)
  }
  t.diagnostic(`payment verification (payment-service settle call): ${fmt(verification)}`)
  t.diagnostic(`added beyond verification (release on the Kafka event + upstream stand-in + gateway + network): ${fmt(beyondVerification)}`)
  t.diagnostic(`added beyond verification, without the upstream's own time: ${fmt(gatewayOnly)}`)
  assert.ok(percentile(beyondVerification, 50) < 1000)
})
