// What a buyer-side script needs to look at the gateway: endpoints of the local stack, decoding of MPP headers,
// the on-chain transfer behind a receipt, and the ledger entry of a charge. Shared by demo.mjs and the e2e tests.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const RPC_URL = process.env.RPC_URL ?? 'http://127.0.0.1:8545'
export const LEDGER_URL = process.env.LEDGER_URL ?? 'http://127.0.0.1:8084'
export const STANDIN_URL = process.env.STANDIN_URL ?? 'http://127.0.0.1:8090'
export const PATH_USD = '0x20c0000000000000000000000000000000000000'
export const TRANSFER_WITH_MEMO_TOPIC = '0x57bc7354aa85aed339e000bccffabbc529466af35f0772c8f8ee1145927de7f0'

export const PROVIDERS = {
  mistral: {
    url: process.env.MISTRAL_SERVICE_URL ?? 'http://127.0.0.1:8082',
    route: '/mistral/chat',
    upstreamPath: '/mistral/v1/chat/completions',
    body: { model: 'mistral-small-latest', max_tokens: 256, messages: [{ role: 'user', content: 'In one sentence: what is the Machine Payments Protocol?' }] },
  },
  grok: {
    url: process.env.GROK_SERVICE_URL ?? 'http://127.0.0.1:8083',
    route: '/grok/chat',
    upstreamPath: '/xai/v1/chat/completions',
    body: { model: 'grok-4', max_completion_tokens: 256, messages: [{ role: 'user', content: 'In one sentence: why pay per call?' }] },
  },
}

export const decodeB64urlJson = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'))

/** auth-params of a `WWW-Authenticate: Payment …` value. */
export function challengeParams(header) {
  const params = {}
  for (const m of header.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) params[m[1]] = m[2]
  return params
}

export async function rpc(method, params = []) {
  const res = await fetch(RPC_URL, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  const json = await res.json()
  if (json.error) throw new Error(`${method}: ${JSON.stringify(json.error)}`)
  return json.result
}

/** The pathUSD TransferWithMemo in a transaction: {from, to, amount (BigInt), memo}. */
export async function onChainTransfer(txHash) {
  const receipt = await rpc('eth_getTransactionReceipt', [txHash])
  if (!receipt) throw new Error(`no receipt for ${txHash}`)
  const log = receipt.logs.find((l) => l.address.toLowerCase() === PATH_USD && l.topics[0] === TRANSFER_WITH_MEMO_TOPIC)
  if (!log) throw new Error(`no pathUSD TransferWithMemo in ${txHash}`)
  return {
    status: receipt.status,
    from: '0x' + log.topics[1].slice(26),
    to: '0x' + log.topics[2].slice(26),
    amount: BigInt(log.data),
    memo: log.topics[3],
  }
}

export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef'

/**
 * Every pathUSD movement of a transaction: TIP-20's transferWithMemo logs a Transfer and a TransferWithMemo for one
 * movement, so a TransferWithMemo stands for the Transfer right before it.
 */
export async function onChainTransfers(txHash) {
  const receipt = await rpc('eth_getTransactionReceipt', [txHash])
  if (!receipt) throw new Error(`no receipt for ${txHash}`)
  const logs = receipt.logs.filter((l) => l.address.toLowerCase() === PATH_USD)
  const movements = []
  for (const log of logs) {
    const movement = { from: '0x' + log.topics[1].slice(26), to: '0x' + log.topics[2].slice(26), amount: BigInt(log.data) }
    if (log.topics[0] === TRANSFER_WITH_MEMO_TOPIC) {
      const last = movements.at(-1)
      if (last && !last.memo && last.to === movement.to && last.amount === movement.amount) movements.pop()
      movements.push({ ...movement, memo: log.topics[3] })
    } else if (log.topics[0] === TRANSFER_TOPIC) {
      movements.push(movement)
    }
  }
  return movements
}

const MINT_FINANCE_TOKEN = fileURLToPath(new URL('../../local/mint-finance-token.sh', import.meta.url))
let financeToken = process.env.LEDGER_TOKEN

/**
 * Bearer token for the ledger's finance API (it needs the `finance` role): LEDGER_TOKEN if set, else one minted
 * by deploy/local/mint-finance-token.sh with the local-dev key pair (PUBLIC TEST KEYS, local stack only).
 */
export function ledgerToken() {
  financeToken ??= execFileSync(MINT_FINANCE_TOKEN, [], { encoding: 'utf8' }).trim()
  return financeToken
}

/** The ledger's view of a charge once it is settled and its usage applied (polls: both arrive over Kafka). */
export async function ledgerCharge(challengeId, { timeoutMs = 20000, until = (c) => c.usage?.length > 0 } = {}) {
  const deadline = Date.now() + timeoutMs
  const headers = { authorization: `Bearer ${ledgerToken()}` }
  let last
  while (Date.now() < deadline) {
    const res = await fetch(`${LEDGER_URL}/ledger/charges/${encodeURIComponent(challengeId)}`, { headers })
    if (res.status === 401 || res.status === 403) {
      throw new Error(`ledger refused the finance token (HTTP ${res.status}); set LEDGER_TOKEN or check LEDGER_JWT_PUBLIC_KEY_LOCATION`)
    }
    if (res.ok) {
      last = await res.json()
      if (until(last)) return last
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`ledger has no complete entry for ${challengeId} after ${timeoutMs} ms: ${JSON.stringify(last)}`)
}

/** How many requests the upstream stand-in has received on a path. */
export async function standinCount(path) {
  const res = await fetch(`${STANDIN_URL}/__admin/requests/count`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'POST', url: path }),
  })
  return (await res.json()).count
}
