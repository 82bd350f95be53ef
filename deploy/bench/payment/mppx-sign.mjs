// Produces the Authorization header the real mppx client (library, 0.11.0) sends for one challenge, without a server:
// a stub fetch answers the first request with 402 + the challenge and captures the credential of the retry.
//
//   MPPX_PRIVATE_KEY=0x… node deploy/bench/payment/mppx-sign.mjs '<WWW-Authenticate value>' [pull|push] [rpcUrl]
//
// Prints the credential ("Payment …") on stdout. In push mode the client broadcasts the transfer itself first.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const agentDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../agent')
const require = createRequire(path.join(agentDir, 'package.json'))
const load = (m) => import(require.resolve(m))
const [{ createClient, defineChain, http }, { privateKeyToAccount }, { tempoLocalnet }, { Mppx, tempo }] =
  await Promise.all([load('viem'), load('viem/accounts'), load('viem/chains'), load('mppx/client')])

const [challenge, mode, rpcUrl = 'http://127.0.0.1:8545'] = process.argv.slice(2)
if (!challenge || !process.env.MPPX_PRIVATE_KEY) {
  console.error('usage: MPPX_PRIVATE_KEY=0x… node mppx-sign.mjs <challenge> [pull|push] [rpcUrl]')
  process.exit(2)
}
const chain = defineChain({ ...tempoLocalnet, id: 1337, rpcUrls: { default: { http: [rpcUrl] } } })
let credential
const stubFetch = async (_input, init = {}) => {
  const auth = new Headers(init.headers).get('authorization')
  if (auth) {
    credential = auth
    return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } })
  }
  return new Response('{}', { status: 402, headers: { 'www-authenticate': challenge, 'content-type': 'application/problem+json' } })
}
const mppx = Mppx.create({
  polyfill: false,
  fetch: stubFetch,
  methods: [tempo.charge({
    account: privateKeyToAccount(process.env.MPPX_PRIVATE_KEY),
    getClient: () => createClient({ chain, transport: http(rpcUrl) }),
    ...(mode ? { mode } : {}),
  })],
})
await mppx.fetch('http://payment.invalid/paid', { method: 'POST', body: '{}' })
if (!credential) {
  console.error('mppx did not produce a credential')
  process.exit(1)
}
process.stdout.write(credential + '\n')
