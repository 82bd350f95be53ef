// A JSON-RPC proxy between payment-service and the chain that can stall: the "chain RPC stalled" fault.
//
//   node deploy/load/rpc-proxy.mjs --listen 9195 --target http://127.0.0.1:9145
//   curl -X POST http://127.0.0.1:9195/__proxy/stall     hold every request (none reaches the chain) until …
//   curl -X POST http://127.0.0.1:9195/__proxy/pass      … forward again; the held requests go through now
//   curl -X POST http://127.0.0.1:9195/__proxy/drop      answer held and new requests by closing the connection
//   curl http://127.0.0.1:9195/__proxy/status            {"mode":…,"held":N,"forwarded":N}
//
// Held requests are released in order when the mode returns to pass (a slow node, not a lost one): a
// transaction the service broadcast during the stall still lands, as it would on a congested real node.
// Loopback only. Started and stopped by deploy/load/run.sh (pid file in .local/pids).
import http from 'node:http'

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : dflt
}
const listen = Number(arg('listen', process.env.RPC_PROXY_PORT))
const target = new URL(arg('target', process.env.RPC_URL ?? 'http://127.0.0.1:8545'))
let mode = 'pass'
let forwarded = 0
const held = []

function forward(body, res) {
  forwarded++
  const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': body.length } }, (up) => {
    res.writeHead(up.statusCode, { 'content-type': up.headers['content-type'] ?? 'application/json' })
    up.pipe(res)
  })
  req.on('error', () => res.destroy())
  req.end(body)
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/__proxy/')) {
    const what = req.url.slice('/__proxy/'.length)
    if (req.method === 'POST' && ['stall', 'pass', 'drop'].includes(what)) {
      mode = what
      if (mode !== 'stall') {
        for (const h of held.splice(0)) (mode === 'pass' ? forward(h.body, h.res) : h.res.destroy())
      }
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ mode, held: held.length, forwarded }))
    return
  }
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks)
    if (mode === 'pass') forward(body, res)
    else if (mode === 'stall') held.push({ body, res })
    else res.destroy()
  })
})
server.keepAliveTimeout = 65_000
server.listen(listen, '127.0.0.1', () => console.log(`rpc-proxy on 127.0.0.1:${listen} → ${target.href}`))
process.on('SIGTERM', () => process.exit(0))
