// Many fresh buyer keys at once, funded on the LOCAL dev chain (anvil --network tempo).
//
// Anvil allows one mppx payment per key (local-tempo-chain.md, pitfall 1), so every agent of a load run gets a key
// of its own. deploy/agent/fund.mjs funds one key at a time (four transfers, each awaited): fine for a test, slow
// for hundreds. Here the transfers of a batch are sent back to back from a few unlocked dev accounts (anvil keeps
// each account's nonce in order) and their receipts are awaited together; batches stay below ~1,000 keys.
//
// The funders are anvil dev accounts #4 and #5 (public test accounts of the "test … junk" mnemonic): the node e2e
// tests of deploy/agent use #0, #1, #3, #6–#9 and #2 is the gateway's wallet, so their funding nonces never race.
import { encodeFunctionData, parseAbi, generatePrivateKey, privateKeyToAccount } from './deps.mjs'
import { PATH_USD, FEE_TOKENS } from '../../agent/fund.mjs'

export const LOAD_FUNDERS = [
  '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65', // anvil dev account #4
  '0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc', // anvil dev account #5
]
/** 10 tokens of each (6 decimals): a few hundred paid calls' worth, and the fees. */
export const LOAD_AMOUNT = 10_000_000n
const MAX_BATCH = 500

const tip20 = parseAbi([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function balanceOf(address owner) view returns (uint256)',
])

let rpcId = 0
export async function rpcCall(rpcUrl, method, params = []) {
  const res = await fetch(rpcUrl, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }),
  })
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status} from ${rpcUrl}`)
  const body = await res.json()
  if (body.error) throw new Error(`${method}: ${body.error.message ?? JSON.stringify(body.error)}`)
  return body.result
}

async function receiptOf(rpcUrl, hash, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const receipt = await rpcCall(rpcUrl, 'eth_getTransactionReceipt', [hash])
    if (receipt) return receipt
    if (Date.now() > deadline) throw new Error(`funding transaction ${hash} has no receipt after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * n fresh keys, each holding `amount` of pathUSD and of every fee token.
 * @returns {Promise<Array<{privateKey: string, address: string}>>}
 */
export async function fundKeys(rpcUrl, n, { amount = LOAD_AMOUNT, funders = LOAD_FUNDERS, tokens = [PATH_USD, ...FEE_TOKENS] } = {}) {
  const keys = []
  for (let start = 0; start < n; start += MAX_BATCH) {
    const batch = Array.from({ length: Math.min(MAX_BATCH, n - start) }, () => {
      const privateKey = generatePrivateKey()
      return { privateKey, address: privateKeyToAccount(privateKey).address }
    })
    // one sequential sender per funder account (anvil orders an account's transactions by the nonce it assigns)
    const perFunder = funders.map((from, f) => (async () => {
      const hashes = []
      for (let i = f; i < batch.length; i += funders.length) {
        for (const token of tokens) {
          const data = encodeFunctionData({ abi: tip20, functionName: 'transfer', args: [batch[i].address, amount] })
          hashes.push(await rpcCall(rpcUrl, 'eth_sendTransaction', [{ from, to: token, data }]))
        }
      }
      return hashes
    })())
    const hashes = (await Promise.all(perFunder)).flat()
    for (const hash of hashes) {
      const receipt = await receiptOf(rpcUrl, hash)
      if (receipt.status !== '0x1') throw new Error(`funding transfer ${hash} reverted`)
    }
    keys.push(...batch)
  }
  // spot check: the last key holds pathUSD
  const last = keys.at(-1)
  if (last) {
    const data = encodeFunctionData({ abi: tip20, functionName: 'balanceOf', args: [last.address] })
    const got = BigInt(await rpcCall(rpcUrl, 'eth_call', [{ to: PATH_USD, data }, 'latest']))
    if (got < amount) throw new Error(`funding failed: ${last.address} holds ${got} pathUSD base units`)
  }
  return keys
}
