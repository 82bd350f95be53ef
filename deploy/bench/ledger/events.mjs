// Writes the ingestion benchmark's events to stdout, one Kafka record per line as `key|json` (the console producer
// splits at the first '|'): for charge i of N, its payments.settled event, or its usage.recorded event.
//   node events.mjs settled|usage N [seed]
// 90 % of the calls are delivered (FULFILLED, tokens and an upstream cost), 10 % fail upstream (UNFULFILLED);
// 20,000 payers, two providers, four models each, settlements spread over the last 24 hours. Deterministic per seed,
// so the two topics describe the same charges.
import { createHash } from 'node:crypto'

const [kind, nArg, seedArg] = process.argv.slice(2)
const n = Number(nArg)
const seed = seedArg ?? 'bench'
if (!['settled', 'usage'].includes(kind) || !(n > 0)) {
  console.error('usage: node events.mjs settled|usage N [seed]')
  process.exit(2)
}
const h = (s) => createHash('sha256').update(seed + ':' + s).digest()
const b64url = (buf) => buf.toString('base64url')
const hex = (buf, bytes) => buf.subarray(0, bytes).toString('hex')
const uuid = (buf) => {
  const x = hex(buf, 16)
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-a${x.slice(17, 20)}-${x.slice(20, 32)}`
}
const models = { mistral: ['mistral-small-latest', 'mistral-medium-latest', 'mistral-large-latest', 'codestral-latest'],
  grok: ['grok-4', 'grok-3-mini', 'grok-4-fast', 'grok-code-fast-1'] }
const recipient = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc'
const now = Date.now()
let out = []
for (let i = 0; i < n; i++) {
  const challengeId = b64url(h('c' + i))
  const chargeId = uuid(h('k' + i))
  const provider = i % 3 === 0 ? 'grok' : 'mistral'
  const amount = 5000 + (i * 7919) % 95000
  const settledAt = new Date(now - 86_400_000 + Math.floor((i * 86_400_000) / n))
  let line
  if (kind === 'settled') {
    line = JSON.stringify({ eventId: uuid(h('s' + i)), chargeId, challengeId, provider, route: `/${provider}/chat`,
      realm: `${provider}.gateway.local`, amount, currency: '0x20c0000000000000000000000000000000000000', chainId: 1337,
      txHash: '0x' + hex(h('t' + i), 32), payer: '0x' + hex(h('p' + (i * 31) % 20000), 20), recipient, mode: 'pull',
      digest: null, settledAt: settledAt.toISOString(), splits: [] })
  } else {
    const delivered = i % 10 !== 7
    const prompt = 50 + i % 2000
    const completion = delivered ? 20 + (i * 7) % 800 : 0
    line = JSON.stringify({ eventId: uuid(h('u' + i)), chargeId, challengeId, provider, route: `/${provider}/chat`,
      model: models[provider][Math.floor(i / 3) % 4], outcome: delivered ? 'FULFILLED' : 'UPSTREAM_FAILED', delivered,
      promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion, reasoningTokens: 0,
      cachedTokens: 0, images: 0, characters: 0, pages: 0, toolCalls: 0, upstreamStatus: delivered ? 200 : 502,
      latencyMs: 300 + i % 4000, upstreamCost: delivered ? Math.floor(amount * 4 / 10) : 0,
      quotedUpstreamCost: Math.floor(amount * 8 / 10), costInUsdTicks: null,
      recordedAt: new Date(settledAt.getTime() + 2000).toISOString() })
  }
  out.push(challengeId + '|' + line)
  if (out.length === 10000) {
    process.stdout.write(out.join('\n') + '\n')
    out = []
  }
}
if (out.length) process.stdout.write(out.join('\n') + '\n')
