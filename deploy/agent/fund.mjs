// Create a throwaway buyer key for the LOCAL dev chain (anvil --network tempo) and fund it.
//
//   node deploy/agent/fund.mjs            -> prints {"privateKey":"0x…","address":"0x…"}
//   RPC_URL=http://127.0.0.1:8545 node deploy/agent/fund.mjs
//
//   import { fundFreshAccount } from '../deploy/agent/fund.mjs'
//   const { privateKey, address } = await fundFreshAccount('http://127.0.0.1:8545')
//
// Why a fresh key every time: on anvil 1.7.1 the mppx client signs every payment on Tempo's
// "expiring" nonce lane, which anvil treats as an ordinary sequential lane, so one key can make only
// ONE mppx payment there (later ones are silently dropped). A real Tempo node does not do this.
//
// The key is random and only ever holds play money on a local chain. Funding comes from anvil dev
// account #0, which anvil keeps unlocked, so plain eth_sendTransaction works without any key here.
import { pathToFileURL } from 'node:url'
import { realpathSync } from 'node:fs'
import { encodeFunctionData, parseAbi } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'

export const DEFAULT_RPC_URL = 'http://127.0.0.1:8545'
/** anvil dev account #0 (public test account of the "test test … junk" mnemonic). */
export const FUNDER = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
/** TIP-20 precompiles on anvil --network tempo (all 6 decimals). */
export const PATH_USD = '0x20c0000000000000000000000000000000000000'
export const FEE_TOKENS = [
  '0x20c0000000000000000000000000000000000001', // AlphaUSD
  '0x20c0000000000000000000000000000000000002', // BetaUSD
  '0x20c0000000000000000000000000000000000003', // ThetaUSD
]
/** 1000 tokens in base units (6 decimals). */
export const DEFAULT_AMOUNT = 1_000_000_000n

const tip20 = parseAbi([
  'function transfer(address to, uint256 amount) returns (bool)', // selector 0xa9059cbb
  'function balanceOf(address owner) view returns (uint256)',
])

let rpcId = 0
async function rpc(rpcUrl, method, params = []) {
  let res
  try {
    res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }),
    })
  } catch (e) {
    throw new Error(`cannot reach the chain at ${rpcUrl} (${e.cause?.code ?? e.message}); start it with deploy/local/chain.sh up`)
  }
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status} from ${rpcUrl}`)
  const body = await res.json()
  if (body.error) throw new Error(`${method}: ${body.error.message ?? JSON.stringify(body.error)}`)
  return body.result
}

async function waitForReceipt(rpcUrl, hash, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const receipt = await rpc(rpcUrl, 'eth_getTransactionReceipt', [hash])
    if (receipt) return receipt
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`no receipt for ${hash} after ${timeoutMs} ms`)
}

async function balanceOf(rpcUrl, token, owner) {
  const data = encodeFunctionData({ abi: tip20, functionName: 'balanceOf', args: [owner] })
  return BigInt(await rpc(rpcUrl, 'eth_call', [{ to: token, data }, 'latest']))
}

// The funder's transactions are serialized within this process so that concurrent callers
// (e.g. parallel tests) do not race for the same account nonce.
let queue = Promise.resolve()

/**
 * Fund `address` with `amount` of pathUSD and of each fee token from the unlocked dev account.
 * Waits for every receipt and checks its status. Returns the transaction hashes.
 */
export function fundAddress(rpcUrl, address, { amount = DEFAULT_AMOUNT, from = FUNDER, tokens = [PATH_USD, ...FEE_TOKENS] } = {}) {
  const run = async () => {
    const hashes = []
    for (const token of tokens) {
      const data = encodeFunctionData({ abi: tip20, functionName: 'transfer', args: [address, amount] })
      const hash = await rpc(rpcUrl, 'eth_sendTransaction', [{ from, to: token, data }])
      const receipt = await waitForReceipt(rpcUrl, hash)
      if (receipt.status !== '0x1') throw new Error(`transfer of ${token} to ${address} reverted (tx ${hash})`)
      hashes.push(hash)
    }
    return hashes
  }
  const result = queue.then(run, run)
  queue = result.catch(() => {})
  return result
}

/**
 * Create a fresh random key and fund it (pathUSD + fee tokens, 1000 each by default).
 * @returns {Promise<{privateKey: `0x${string}`, address: `0x${string}`}>}
 */
export async function fundFreshAccount(rpcUrl = process.env.RPC_URL ?? DEFAULT_RPC_URL, options = {}) {
  const privateKey = generatePrivateKey()
  const { address } = privateKeyToAccount(privateKey)
  await fundAddress(rpcUrl, address, options)
  const amount = options.amount ?? DEFAULT_AMOUNT
  const got = await balanceOf(rpcUrl, PATH_USD, address)
  if (got < amount) throw new Error(`funding failed: ${address} holds ${got} pathUSD base units`)
  return { privateKey, address }
}

const isMain = (() => {
  try {
    return process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href
  } catch {
    return false
  }
})()

if (isMain) {
  try {
    const account = await fundFreshAccount(process.env.RPC_URL ?? DEFAULT_RPC_URL)
    console.log(JSON.stringify(account))
  } catch (e) {
    console.error(`fund.mjs: ${e.message}`)
    process.exit(1)
  }
}
