// The invariant checker as a command (lib/invariants.mjs says what it checks). Reads the chain, the payments and
// ledger databases and the stand-in's journal of the lane in the environment (eval "$(LANE=N deploy/local/lane-env.sh)").
//
//   node deploy/load/check.mjs [--since ISO-TIME] [--from-block N] [--strict] [--json]
//     --since / --from-block   the window (default: everything; --since alone starts the chain's at that time's block)
//     --strict                 an unfulfilled, unrefunded charge is a violation too
//     --upstream-retries N     upstream calls one delivery attempt may make (default 1)
//     --no-standin             skip the upstream rule (e.g. against the real APIs)
//   env: RPC_URL, LANE_PG_PORT, STANDIN_URL, PG_HOST/PG_USER/PG_PASSWORD (default 127.0.0.1 / gateway / gateway),
//        PAYMENTS_DB / LEDGER_DB (payments / ledger), MPP_RECIPIENT, REALMS (comma-separated)
// Exit code 0 when every invariant holds, 1 otherwise (the violations are printed).
import { checkInvariants, formatVerdict, DEFAULT_REALMS } from './lib/invariants.mjs'
import { rpcCall } from './lib/funding.mjs'

const argv = process.argv.slice(2)
const opt = (n) => (argv.indexOf(`--${n}`) >= 0 ? argv[argv.indexOf(`--${n}`) + 1] : undefined)
const rpcUrl = process.env.RPC_URL ?? 'http://127.0.0.1:8545'

/** The first block at or after a time (binary search over block timestamps): --since alone scopes the chain too. */
async function firstBlockAt(iso) {
  const t = BigInt(Math.floor(new Date(iso).getTime() / 1000))
  let lo = 0
  let hi = Number.parseInt(await rpcCall(rpcUrl, 'eth_blockNumber'), 16)
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    const block = await rpcCall(rpcUrl, 'eth_getBlockByNumber', ['0x' + mid.toString(16), false])
    if (BigInt(block.timestamp) < t) lo = mid + 1
    else hi = mid
  }
  return lo
}

const verdict = await checkInvariants({
  rpcUrl,
  pg: { host: process.env.PG_HOST ?? '127.0.0.1', port: process.env.LANE_PG_PORT ?? '5432', user: process.env.PG_USER ?? 'gateway', password: process.env.PG_PASSWORD ?? 'gateway' },
  paymentsDb: process.env.PAYMENTS_DB ?? 'payments',
  ledgerDb: process.env.LEDGER_DB ?? 'ledger',
  standinUrl: argv.includes('--no-standin') ? undefined : process.env.STANDIN_URL ?? 'http://127.0.0.1:8090',
  recipient: process.env.MPP_RECIPIENT,
  realms: process.env.REALMS ? process.env.REALMS.split(',') : DEFAULT_REALMS,
  since: opt('since'),
  fromBlock: opt('from-block') ? Number(opt('from-block')) : opt('since') ? await firstBlockAt(opt('since')) : 0,
  allowUnfulfilled: !argv.includes('--strict'),
  maxUpstreamCallsPerAttempt: opt('upstream-retries') ? Number(opt('upstream-retries')) : 1,
})
if (argv.includes('--json')) console.log(JSON.stringify(verdict, null, 2))
else console.log(formatVerdict(verdict, { max: 200 }))
process.exit(verdict.ok ? 0 : 1)
