// The reference the gateway is measured against: a small Node server built the way the npm mppx package shows
// (mppx/server, method tempo, intent charge), charging the SAME price for the same route as the gateway and
// forwarding paid calls to the SAME upstream stand-in. Benchmark-only; never part of the runtime.
//
//   PORT=8088 RPC_URL=http://127.0.0.1:8545 STANDIN_URL=http://127.0.0.1:8090 \
//     PRICES='{"/mistral/chat":"5000"}' node deploy/bench/compare/reference-server.mjs
//
// PRICES: route -> price in pathUSD base units (6 decimals), learned by bench.mjs from the gateway's own 402 for
// the body the benchmark sends. Routes: POST /mistral/chat -> {STANDIN_URL}/mistral/v1/chat/completions,
// POST /grok/chat -> {STANDIN_URL}/xai/v1/chat/completions; `"stream": true` bodies are relayed as they arrive.
// Like a plain mppx server it does not bind the body's digest, and it keeps its replay store in memory.
// Measurement only: the paid answer carries `Server-Timing: chain;dur=<ms>`, the time this request spent waiting
// on the chain's JSON-RPC (summed per request through AsyncLocalStorage around viem's fetch); nothing else changes.
import { AsyncLocalStorage } from 'node:async_hooks'
import { createServer } from 'node:http'
import { Mppx, tempo } from 'mppx/server'
import { createClient, http } from 'viem'
import { localChain, PATH_USD, RECIPIENT, RPC_URL } from './lib/chain.mjs'
import { decimalAmount } from './lib/amount.mjs'

const PORT = Number(process.env.PORT ?? 8088)
const STANDIN_URL = process.env.STANDIN_URL ?? 'http://127.0.0.1:8090'
const PRICES = JSON.parse(process.env.PRICES ?? '{}')
// LOCAL BENCHMARK ONLY: the HMAC key of this throwaway server's challenges; protects nothing.
const SECRET_KEY = 'local-bench-only-reference-secret-not-for-production-use'

const ROUTES = {
  '/mistral/chat': { upstream: '/mistral/v1/chat/completions', description: 'Mistral chat completion' },
  '/grok/chat': { upstream: '/xai/v1/chat/completions', description: 'Grok chat completion' },
}

// a plain viem client, as an mppx user would give it (viem's default 10 s request timeout); its fetch adds the
// time of every JSON-RPC call to the request it serves
const perRequest = new AsyncLocalStorage()
const timedFetch = async (url, init) => {
  const t0 = performance.now()
  try {
    return await fetch(url, init)
  } finally {
    const store = perRequest.getStore()
    if (store) store.chainMs += performance.now() - t0
  }
}
const client = createClient({ chain: localChain, transport: http(RPC_URL, { fetchFn: timedFetch }) })
const mppx = Mppx.create({
  realm: 'reference.bench.local',
  secretKey: SECRET_KEY,
  methods: [tempo.charge({ currency: PATH_USD, recipient: RECIPIENT, decimals: 6, getClient: () => client })],
})

const handlers = new Map()
for (const [path, route] of Object.entries(ROUTES)) {
  if (PRICES[path] === undefined) continue
  handlers.set(path, { ...route, charge: mppx.charge({ amount: decimalAmount(PRICES[path]), description: route.description }) })
}
if (!handlers.size) throw new Error(`no route priced: PRICES=${JSON.stringify(PRICES)}`)

async function send(res, response, signal) {
  const headers = {}
  for (const [k, v] of response.headers) headers[k] = v
  res.writeHead(response.status, headers)
  if (response.body) {
    const reader = response.body.getReader()
    try {
      for (;;) {
        if (signal?.aborted) break
        const { done, value } = await reader.read()
        if (done) break
        if (!res.write(value)) await new Promise((resolve) => res.once('drain', resolve))
      }
    } finally {
      reader.releaseLock()
    }
  }
  res.end()
}

const server = createServer((req, res) => perRequest.run({ chainMs: 0 }, () => handle(req, res)))

async function handle(req, res) {
  const abort = new AbortController()
  res.once('close', () => abort.abort())
  try {
    const route = handlers.get((req.url ?? '').split('?')[0])
    if (!route || req.method !== 'POST') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}')
      return
    }
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const body = Buffer.concat(chunks)
    const headers = new Headers()
    for (const name of ['authorization', 'content-type', 'accept', 'accept-payment']) {
      if (req.headers[name]) headers.set(name, req.headers[name])
    }
    const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url}`, { method: 'POST', headers, body })
    const result = await route.charge(request)
    if (result.status === 402) return await send(res, result.challenge)
    const upstream = await fetch(STANDIN_URL + route.upstream, {
      method: 'POST', body, signal: abort.signal,
      headers: { 'content-type': 'application/json', authorization: 'Bearer standin-local-key' },
    })
    const answer = new Response(upstream.body, {
      status: upstream.status,
      headers: {
        'content-type': upstream.headers.get('content-type') ?? 'application/json', 'cache-control': 'private',
        'server-timing': `chain;dur=${perRequest.getStore().chainMs.toFixed(1)}`,
      },
    })
    await send(res, result.withReceipt(answer), abort.signal)
  } catch (e) {
    if (abort.signal.aborted) return
    console.error('reference server error:', e)
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
    res.end(String(e.message ?? e))
  }
}
server.keepAliveTimeout = 65_000
server.listen(PORT, '127.0.0.1', () => console.log(`mppx reference server on http://127.0.0.1:${PORT}, prices ${JSON.stringify(PRICES)}`))
const stop = () => server.close(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
