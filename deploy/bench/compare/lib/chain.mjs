// The local chain for the benchmark: JSON-RPC, the viem chain of anvil --network tempo (chain id 1337), and many
// fresh payer keys funded at once.
//
// Anvil accepts one mppx payment per key (shared/reference/local-tempo-chain.md, pitfall 1), so every paid call
// of the benchmark gets a key of its own: a few thousand per run. deploy/agent/fund.mjs sends four awaited
// transfers per key; here one Tempo transaction (type 0x76) carries the transfers for KEYS_PER_TX keys as a batch
// of calls, signed locally by a public anvil dev account on a random 2D nonce lane (nonceKey random, nonce 0), so
// it never races anyone's eth_sendTransaction from the same account (those use the protocol lane). One transaction
// at a time (anvil executes them one after the other anyway; on a busy machine a 400-transfer transaction took
// over 10 s); batches stay far below ~1,000 keys.
//
// Keys get pathUSD only: it pays the charge and the transaction's fee (checked: an mppx payment from a key holding
// nothing else succeeds). Every funded balance is state the node carries from then on, and anvil's time per block
// grows with its state (measured on one busy machine: an empty block 0.1-0.3 s on a fresh chain, 0.7-1.0 s after
// ~10,000 keys with four tokens each), which is why compare.sh starts every run on a fresh chain.
import { createClient, defineChain, encodeFunctionData, http, parseAbi, publicActions, walletActions } from 'viem'
import { generatePrivateKey, mnemonicToAccount, privateKeyToAccount } from 'viem/accounts'
import { tempoLocalnet } from 'viem/chains'

export const RPC_URL = process.env.RPC_URL ?? 'http://127.0.0.1:8545'
export const CHAIN_ID = 1337
export const PATH_USD = '0x20c0000000000000000000000000000000000000'
/** pathUSD and the fee tokens AlphaUSD, BetaUSD, ThetaUSD (TIP-20 precompiles, 6 decimals). */
export const TOKENS = [PATH_USD, '0x20c0000000000000000000000000000000000001', '0x20c0000000000000000000000000000000000002', '0x20c0000000000000000000000000000000000003']
/** anvil dev account #2 (public test account): the local gateway wallet, also the reference server's recipient. */
export const RECIPIENT = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
/** anvil's public test mnemonic; account #8 funds the benchmark's keys (a local play-money chain only). */
const DEV_MNEMONIC = 'test test test test test test test test test test test junk'
const FUNDER_INDEX = 8
const KEYS_PER_TX = 200
/** 1 pathUSD (6 decimals): many charges' worth and the fee of one payment. */
const AMOUNT = 1_000_000n
const GAS_PER_TRANSFER = 60_000n

export const localChain = defineChain({ ...tempoLocalnet, id: CHAIN_ID, rpcUrls: { default: { http: [RPC_URL] } } })
/** A viem client of the local chain; the transport waits up to 60 s (viem's 10 s default is short on a busy machine). */
export const viemClient = () => createClient({ chain: localChain, transport: http(RPC_URL, { timeout: 60_000 }) })

let rpcId = 0
export async function rpc(method, params = []) {
  const res = await fetch(RPC_URL, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }),
  })
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status} from ${RPC_URL}`)
  const body = await res.json()
  if (body.error) throw new Error(`${method}: ${body.error.message ?? JSON.stringify(body.error)}`)
  return body.result
}

const tip20 = parseAbi([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function balanceOf(address owner) view returns (uint256)',
])

const funder = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: FUNDER_INDEX })
const funderClient = createClient({ chain: localChain, transport: http(RPC_URL, { timeout: 120_000 }), account: funder }).extend(walletActions).extend(publicActions)

async function fundBatch(addresses, tokens) {
  const calls = addresses.flatMap((to) => tokens.map((token) => ({
    to: token, data: encodeFunctionData({ abi: tip20, functionName: 'transfer', args: [to, AMOUNT] }),
  })))
  // viem's estimate covers only the first call of a batch: give the gas explicitly
  const gas = GAS_PER_TRANSFER * BigInt(calls.length) + 50_000n
  for (let attempt = 1; ; attempt++) {
    const nonceKey = BigInt(1 + Math.floor(Math.random() * 2 ** 48))
    try {
      const receipt = await funderClient.sendTransactionSync({ calls, nonceKey, nonce: 0, gas })
      if (receipt.status !== 'success') throw new Error(`funding transaction ${receipt.transactionHash} ${receipt.status}`)
      return
    } catch (e) {
      // viem's errors quote the whole request (a 200-call transaction): keep the message short. A retry on a fresh
      // lane may fund a key twice, which is harmless.
      if (attempt >= 3) throw new Error(`funding ${addresses.length} keys failed ${attempt} times: ${e.shortMessage ?? e.message.slice(0, 200)}`)
    }
  }
}

/** n fresh keys ({privateKey, address}), each holding 1 pathUSD (and 1 of any other `tokens`). */
export async function fundKeys(n, tokens = [PATH_USD]) {
  const keys = Array.from({ length: n }, () => {
    const privateKey = generatePrivateKey()
    return { privateKey, address: privateKeyToAccount(privateKey).address }
  })
  const batches = []
  for (let i = 0; i < n; i += KEYS_PER_TX) batches.push(keys.slice(i, i + KEYS_PER_TX).map((k) => k.address))
  for (const batch of batches) await fundBatch(batch, tokens)
  if (keys.length) {
    const last = keys.at(-1).address
    const held = await funderClient.readContract({ address: PATH_USD, abi: tip20, functionName: 'balanceOf', args: [last] })
    if (held < AMOUNT) throw new Error(`funding failed: ${last} holds ${held} pathUSD base units`)
  }
  return keys
}
