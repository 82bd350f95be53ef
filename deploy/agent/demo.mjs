// The paying agent of the demo: for each provider it takes a fresh funded key of the local chain and pays for one
// chat completion with the real `mppx` CLI, then prints the answer, the decoded Payment-Receipt, the on-chain
// transfer behind it and the charge as the ledger booked it; then it buys one Grok image and one Grok speech clip
// with mppx's paying fetch and prints what it got. Run by deploy/demo.sh once the suite is up.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { fundFreshAccount } from './fund.mjs'
import { recordingBuyer } from './lib/buyer.mjs'
import { PROVIDERS, RPC_URL, challengeParams, decodeB64urlJson, ledgerCharge, onChainTransfer } from './lib/gateway.mjs'

const MPPX = fileURLToPath(new URL('./node_modules/.bin/mppx', import.meta.url))
/** Base units as pathUSD (6 decimals) with integer arithmetic only. */
const units = (n) => {
  const v = BigInt(n)
  return `${v} base units (${v / 1_000_000n}.${(v % 1_000_000n).toString().padStart(6, '0')} pathUSD)`
}

function runCli(privateKey, url, body) {
  return new Promise((resolve, reject) => {
    const child = spawn(MPPX, ['--rpc-url', RPC_URL, '-i', '-J', JSON.stringify(body), url], {
      env: { ...process.env, MPPX_PRIVATE_KEY: privateKey }, stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => { out += d })
    child.stderr.on('data', (d) => { err += d })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`mppx exited ${code}: ${err || out}`))))
  })
}

/** Splits `mppx -i` output into responses: [{status, headers, body}]. */
function parseCliOutput(out) {
  const blocks = out.split(/^(?=HTTP\/1\.1 )/m).filter((b) => b.trim())
  return blocks.map((block) => {
    const [head, ...rest] = block.split(/\r?\n\r?\n/)
    const [statusLine, ...headerLines] = head.split(/\r?\n/)
    const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]))
    return { status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\n\n').trim() }
  })
}

let failures = 0
for (const [name, p] of Object.entries(PROVIDERS)) {
  const url = `${p.url}${p.route}`
  console.log(`\n=== ${name}: POST ${url}`)
  console.log(`question: ${p.body.messages[0].content}`)
  try {
    const { privateKey, address } = await fundFreshAccount(RPC_URL)
    console.log(`agent:    ${address} (fresh local-dev key, funded from anvil dev account #0)`)
    const responses = parseCliOutput(await runCli(privateKey, url, p.body))
    const challenge = responses.find((r) => r.status === 402)
    const paid = responses.find((r) => r.status === 200)
    if (!paid) throw new Error(`no 200 from ${url}: ${JSON.stringify(responses.at(-1))}`)
    const params = challengeParams(challenge.headers['www-authenticate'])
    console.log(`402:      challenge ${params.id} for ${units(decodeB64urlJson(params.request).amount)}`)
    console.log(`answer:   ${JSON.parse(paid.body).choices[0].message.content}`)
    const receipt = decodeB64urlJson(paid.headers['payment-receipt'])
    console.log(`receipt:  ${JSON.stringify(receipt)}`)
    const transfer = await onChainTransfer(receipt.reference)
    console.log(`tx hash:  ${receipt.reference}`)
    console.log(`on chain: ${transfer.from} -> ${transfer.to}, ${units(transfer.amount)}, memo ${transfer.memo}`)
    const charge = await ledgerCharge(params.id, { until: (c) => c.usage?.length > 0 })
    const u = charge.usage[0]
    console.log(`ledger:   charge ${charge.chargeId} ${charge.status}, ${units(charge.amount)}, model ${charge.model}, `
      + `tokens prompt ${u.promptTokens} / completion ${u.completionTokens} / reasoning ${u.reasoningTokens} / total ${u.totalTokens}`)
    console.log(`margin:   upstream cost ${units(charge.upstreamCost)} (worst case quoted ${units(charge.quotedUpstreamCost)}), `
      + `margin ${units(BigInt(charge.amount) - BigInt(charge.upstreamCost))}`)
    for (const tx of charge.journal) {
      for (const posting of tx.postings) {
        console.log(`          ${tx.kind.padEnd(10)} ${posting.account.padEnd(60)} debit ${String(posting.debit).padStart(7)}  credit ${String(posting.credit).padStart(7)}`)
      }
    }
  } catch (e) {
    failures++
    console.error(`FAILED: ${e.message}`)
  }
}
/** One paid Grok media call with a fresh key: what came back, and the ledger's row for it. */
async function buyMedia(title, path, body, show) {
  const url = `${PROVIDERS.grok.url}${path}`
  console.log(`\n=== grok ${title}: POST ${url}`)
  try {
    const buyer = await recordingBuyer()
    const res = await buyer.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    if (res.status !== 200) throw new Error(`${res.status} from ${url}: ${await res.text()}`)
    console.log(`got:      ${await show(res)}`)
    const charge = await ledgerCharge(buyer.challengeId(), { until: (c) => c.usage?.length > 0 })
    const u = charge.usage[0]
    console.log(`ledger:   charge ${charge.chargeId} ${charge.status}, ${units(charge.amount)}, images ${u.images}, `
      + `characters ${u.characters}, upstream cost ${units(u.upstreamCost)}`)
  } catch (e) {
    failures++
    console.error(`FAILED: ${e.message}`)
  }
}

await buyMedia('image', '/grok/image-generate', { prompt: 'a lighthouse at dusk, watercolour' }, async (res) => {
  const answer = await res.json()
  return answer.data.map((d) => d.url ?? `${d.b64_json.length} base64 characters`).join(', ')
})
await buyMedia('text to speech', '/grok/tts', { text: 'Paid for with one pathUSD transfer.', language: 'en', voice_id: 'eve' }, async (res) => {
  const audio = Buffer.from(await res.arrayBuffer())
  return `${audio.length} bytes of ${res.headers.get('content-type')}`
})
process.exit(failures ? 1 : 0)
