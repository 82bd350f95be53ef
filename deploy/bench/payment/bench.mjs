// Small payment-service benchmark against a running instance (see run.sh, which starts one from the built jar).
//
//   PAYMENT_URL=http://127.0.0.1:18081 RPC_URL=http://127.0.0.1:8545 node deploy/bench/payment/bench.mjs
//
// 1. challenges issued per second: POST /internal/challenges from CONCURRENCY clients for CHALLENGE_SECONDS.
// 2. the time payment-service adds to a settlement beyond the chain's own calls: SETTLEMENTS push settlements of
//    real on-chain transfers (made beforehand from anvil's unlocked dev account #1, so the chain's work is not in the
//    figure), one at a time; the service reports per settlement total minus time spent waiting for the node
//    (payment_settlement_overhead_seconds, median and p99 from /q/metrics), and the client-side latency is printed too.
import { createPrivateKey, sign as cryptoSign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const agentDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../agent')
const require = createRequire(path.join(agentDir, 'package.json'))
const { keccak256, toHex, concat, pad, encodeFunctionData, parseAbi } = await import(require.resolve('viem'))

const PAYMENT_URL = process.env.PAYMENT_URL ?? 'http://127.0.0.1:18081'
const RPC_URL = process.env.RPC_URL ?? 'http://127.0.0.1:8545'
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16)
const CHALLENGE_SECONDS = Number(process.env.CHALLENGE_SECONDS ?? 10)
const SETTLEMENTS = Number(process.env.SETTLEMENTS ?? 200)
const REALM = 'bench.local'
const ROUTE = '/mistral/chat'
const DIGEST = 'sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:'
const PAYER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' // anvil dev account #1 (public test account)
const RECIPIENT = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' // anvil dev account #2, the local gateway wallet
const PATH_USD = '0x20c0000000000000000000000000000000000000'

// payment-service's /internal/* wants a service token: mistral-service's, signed with its PUBLIC TEST key (dev-keys)
const serviceToken = (() => {
  const key = createPrivateKey(readFileSync(new URL('../../local/dev-keys/mistral-service-dev-private.pem', import.meta.url)))
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'mistral-service' })}.${b64({ iss: 'mistral-service', sub: 'mistral-service', aud: 'payment-service', iat: now, exp: now + 540 })}`
  return `Bearer ${input}.${cryptoSign('sha256', Buffer.from(input), key).toString('base64url')}`
})()
const post = (url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: serviceToken }, body: JSON.stringify(body) })
let rpcId = 0
async function rpc(method, params) {
  const res = await post(RPC_URL, { jsonrpc: '2.0', id: ++rpcId, method, params })
  const body = await res.json()
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`)
  return body.result
}
const challengeRequest = (amount) => ({ realm: REALM, provider: 'mistral', route: ROUTE, amount, digest: DIGEST, description: 'bench' })
const params = (h) => Object.fromEntries([...h.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]))
const b64url = (s) => Buffer.from(s).toString('base64url')
const memo = (realm, id) => {
  const k = (s) => keccak256(toHex(s))
  return concat([k('mpp').slice(0, 10), '0x01', '0x' + k(realm).slice(2, 22), '0x' + '00'.repeat(10), '0x' + k(id).slice(2, 16)])
}
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]

// --- 1. challenges per second ---
for (let i = 0; i < 200; i++) await post(`${PAYMENT_URL}/internal/challenges`, challengeRequest(1000)) // warm-up
let issued = 0
const deadline = Date.now() + CHALLENGE_SECONDS * 1000
await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
  while (Date.now() < deadline) {
    const res = await post(`${PAYMENT_URL}/internal/challenges`, challengeRequest(1000 + (issued % 1000)))
    if (res.status !== 200) throw new Error(`challenge: HTTP ${res.status}`)
    await res.arrayBuffer()
    issued++
  }
}))
console.log(`challenges: ${issued} in ${CHALLENGE_SECONDS} s with ${CONCURRENCY} clients = ${(issued / CHALLENGE_SECONDS).toFixed(0)} /s`)

// --- 2. settlement overhead ---
const abi = parseAbi(['function transferWithMemo(address to, uint256 amount, bytes32 memo)'])
const prepared = []
for (let i = 0; i < SETTLEMENTS; i++) {
  const amount = 100 + i
  const res = await post(`${PAYMENT_URL}/internal/challenges`, challengeRequest(amount))
  const challenge = params((await res.json()).wwwAuthenticate)
  const data = encodeFunctionData({ abi, functionName: 'transferWithMemo', args: [RECIPIENT, BigInt(amount), memo(REALM, challenge.id)] })
  const hash = await rpc('eth_sendTransaction', [{ from: PAYER, to: PATH_USD, data, gas: '0x100000' }])
  prepared.push({ amount, challenge, hash })
}
for (const p of prepared) { // all mined before timing starts
  for (let t = 0; !(await rpc('eth_getTransactionReceipt', [p.hash])); t++) {
    if (t > 200) throw new Error(`${p.hash} not mined`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
const latencies = []
for (const p of prepared) {
  const credential = 'Payment ' + b64url(JSON.stringify({ challenge: p.challenge, payload: { type: 'hash', hash: p.hash }, source: `did:pkh:eip155:1337:${PAYER}` }))
  const started = process.hrtime.bigint()
  const res = await post(`${PAYMENT_URL}/internal/settlements`, {
    authorization: [credential], realm: REALM, provider: 'mistral', route: ROUTE, amount: p.amount, digest: DIGEST, description: 'bench',
  })
  const body = await res.text()
  latencies.push(Number(process.hrtime.bigint() - started) / 1e6)
  if (res.status !== 200) throw new Error(`settlement: HTTP ${res.status} ${body}`)
}
latencies.sort((a, b) => a - b)
const metrics = await (await fetch(`${PAYMENT_URL}/q/metrics`)).text()
const q = (name, quantile) => {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('mode="push"') && l.includes(`quantile="${quantile}"`))
  return line ? (Number(line.split(' ').pop()) * 1000).toFixed(2) : 'n/a'
}
const rpcLine = (m) => metrics.split('\n').filter((l) => l.startsWith('payment_chain_rpc_seconds_') && l.includes(`method="${m}"`))
console.log(`settlements: ${SETTLEMENTS} push settlements, sequential`)
console.log(`  client-side latency (incl. chain reads): median ${pct(latencies, 50).toFixed(2)} ms, p99 ${pct(latencies, 99).toFixed(2)} ms`)
console.log(`  payment-service overhead beyond chain calls: median ${q('payment_settlement_overhead_seconds', '0.5')} ms, p99 ${q('payment_settlement_overhead_seconds', '0.99')} ms`)
const q2 = (name, quantile) => {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`quantile="${quantile}"`))
  return line ? (Number(line.split(' ').pop()) * 1000).toFixed(2) : 'n/a'
}
console.log(`    of which the synchronous outbox publish to Kafka (acks=all): median ${q2('payment_outbox_publish_seconds', '0.5')} ms, p99 ${q2('payment_outbox_publish_seconds', '0.99')} ms`)
console.log(`  chain RPC (eth_getTransactionReceipt): ${rpcLine('eth_getTransactionReceipt').join(' | ')}`)
