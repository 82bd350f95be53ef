// A paying agent for the e2e tests: the real mppx client with a fresh funded key on the local chain, and a fetch
// that records every exchange so a test can look at the 402 challenge and the credential it sent.
import { createClient, defineChain, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { tempoLocalnet } from 'viem/chains'
import OpenAI from 'openai'
import { Mppx, tempo } from 'mppx/client'
import { fundFreshAccount } from '../fund.mjs'
import { RPC_URL, challengeParams } from './gateway.mjs'

export const localChain = defineChain({ ...tempoLocalnet, id: 1337, rpcUrls: { default: { http: [RPC_URL] } } })

/**
 * @param funder an unlocked anvil dev account (public test account) of the calling test file: node --test runs
 *   files in parallel, and funding from one account per file keeps their funding transactions' nonces apart.
 *   Anvil allows one mppx payment per key, hence a fresh key per buyer.
 */
export async function recordingBuyer({ funder } = {}) {
  const { privateKey, address } = await fundFreshAccount(RPC_URL, funder ? { from: funder } : {})
  const exchanges = []
  const recordingFetch = async (input, init = {}) => {
    const res = await fetch(input, init)
    // status and headers only: a clone of a streamed body that nobody reads stalls the stream (Node 20)
    exchanges.push({ headers: new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)), response: { status: res.status, headers: res.headers } })
    return res
  }
  const mppx = Mppx.create({
    polyfill: false, fetch: recordingFetch,
    methods: [tempo.charge({ account: privateKeyToAccount(privateKey), getClient: () => createClient({ chain: localChain, transport: http(RPC_URL) }) })],
  })
  // for SDKs: mppx 0.11 retries a paid call on response.url, so a Request object (what SDKs hand their fetcher)
  // would lose its method and body on the second try: hand mppx a URL and an init instead
  const payingFetch = async (input, init) => {
    if (!(input instanceof Request)) return mppx.fetch(input, init)
    const body = input.method === 'GET' || input.method === 'HEAD' ? undefined : await input.arrayBuffer()
    return mppx.fetch(input.url, { method: input.method, headers: input.headers, body, signal: input.signal })
  }
  const challenge = () => challengeParams(exchanges.find((e) => e.response.status === 402).response.headers.get('www-authenticate'))
  const challengeId = () => challenge().id
  const credential = () => exchanges.find((e) => e.headers.get('authorization')?.startsWith('Payment ')).headers.get('authorization')
  return { mppx, fetch: payingFetch, address, exchanges, challenge, challengeId, credential }
}

/** A paying fetch from a fresh key, and the challenge id it paid (for the ledger), for SDKs that take a fetch. */
export async function payingFetch({ funder } = {}) {
  const buyer = await recordingBuyer({ funder })
  return { fetch: buyer.fetch, paid: { get challengeId() { return buyer.challengeId() } } }
}

/** The npm openai SDK at baseURL (a service's /v1), paying with a fresh key: no API key, the payment is the credential. */
export async function payingOpenAi({ funder, baseURL }) {
  const { fetch, paid } = await payingFetch({ funder })
  return { openai: new OpenAI({ apiKey: 'unused-mpp-pays', baseURL, fetch, maxRetries: 0 }), paid }
}
