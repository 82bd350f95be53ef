// The invariant checker can fail: after a clean paid call it passes, then each seeded fault — a ledger row
// deleted, a fake charge, a second delivery, an unbalanced journal transaction, a payment on chain without a
// charge, an upstream call nobody paid for — makes it fail with a message that names the fault; the seeds that can
// be undone are undone. Needs the local stack and the four services (deploy/test.sh or deploy/load/run.sh).
//   node --test deploy/load/test/invariants.test.mjs      (with the lane's env: eval "$(LANE=N deploy/local/lane-env.sh)")
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { checkInvariants, pgClient } from '../lib/invariants.mjs'
import { fundKeys, rpcCall } from '../lib/funding.mjs'
import { runAgent } from '../lib/agent.mjs'
import { encodeFunctionData, parseAbi, keccak256, stringToBytes } from '../lib/deps.mjs'
import { PROVIDERS } from '../../agent/lib/gateway.mjs'

const run = promisify(execFile)
const RPC_URL = process.env.RPC_URL ?? 'http://127.0.0.1:8545'
const STANDIN_URL = process.env.STANDIN_URL ?? 'http://127.0.0.1:8090'
const PG_PORT = process.env.LANE_PG_PORT ?? '5432'
const query = pgClient({ port: PG_PORT })
const psql = (db, sql) => run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', PG_PORT, '-U', 'gateway', '-d', db, '-c', sql],
  { env: { ...process.env, PGPASSWORD: 'gateway' } })
const blockNumber = async () => Number.parseInt(await rpcCall(RPC_URL, 'eth_blockNumber'), 16)
const rules = (verdict) => verdict.violations.map((x) => `${x.rule}: ${x.message}`).join('\n')

async function settled(check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  let verdict
  do {
    verdict = await check()
    if (verdict.ok) return verdict
    await new Promise((r) => setTimeout(r, 500))
  } while (Date.now() < deadline)
  return verdict
}

test('the invariant checker passes on a clean call and fails on every seeded fault', { timeout: 240_000 }, async (t) => {
  const fromBlock = (await blockNumber()) + 1
  const since = new Date(Date.now() - 1000).toISOString()
  const check = (extra = {}) => checkInvariants({ rpcUrl: RPC_URL, pg: { port: PG_PORT }, standinUrl: STANDIN_URL, fromBlock, since, ...extra })

  const [key] = await fundKeys(RPC_URL, 1)
  const p = PROVIDERS.mistral
  const agent = await runAgent({ key, mode: 'pull', url: `${p.url}${p.route}`, rpcUrl: RPC_URL,
    body: { ...p.body, messages: [{ role: 'user', content: `checker baseline load-agent:${key.address}` }] } })
  assert.equal(agent.status, 200, agent.paidStatuses.join(' → '))
  const clean = await settled(() => check())
  assert.ok(clean.ok, `a clean paid call passes:\n${rules(clean)}`)
  assert.equal(clean.figures.charges, 1)
  assert.equal(clean.figures.onChainPayments, 1)
  const [charge] = await query('payments', `SELECT challenge_id FROM charges WHERE lower(payer) = '${key.address.toLowerCase()}'`)

  await t.test('a ledger charge deleted → NOT BOOKED', async () => {
    const [row] = await query('ledger', `SELECT * FROM charges WHERE challenge_id = '${charge.challenge_id}'`)
    await psql('ledger', `DELETE FROM charges WHERE challenge_id = '${charge.challenge_id}'`)
    try {
      const verdict = await check()
      assert.equal(verdict.ok, false)
      assert.match(rules(verdict), new RegExp(`ledger-payments: NOT BOOKED: charge ${charge.challenge_id}`))
    } finally {
      await psql('ledger', `INSERT INTO charges SELECT * FROM json_populate_record(NULL::charges, '${JSON.stringify(row).replace(/'/g, "''")}')`)
    }
    assert.ok((await check()).ok, 'undone')
  })

  await t.test('a fake charge in payments → UNBACKED and NOT BOOKED', async () => {
    const fake = `seeded-fake-${Date.now()}`
    const tx = keccak256(stringToBytes(fake))
    await psql('payments', `INSERT INTO charges (charge_id, challenge_id, tx_hash, credential_ref, provider, route, realm, amount, currency, chain_id, payer, recipient, mode, status, settled_at)
      VALUES (gen_random_uuid(), '${fake}', '${tx}', '${tx}', 'mistral', '/mistral/chat', 'mistral.mppgateway.local', 5000, '0x20c0000000000000000000000000000000000000', 1337,
      '${key.address}', '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', 'push', 'fulfilled', now())`)
    try {
      const text = rules(await check())
      assert.match(text, new RegExp(`chain-charge: UNBACKED: charge ${fake}`))
      assert.match(text, new RegExp(`ledger-payments: NOT BOOKED: charge ${fake}`))
    } finally {
      await psql('payments', `DELETE FROM charges WHERE challenge_id = '${fake}'`)
    }
    assert.ok((await check()).ok, 'undone')
  })

  await t.test('a second delivery of one charge → DUPLICATED (ledger and buyer side)', async () => {
    const eventId = `seeded-dup-${Date.now()}`
    await psql('ledger', `INSERT INTO usage_records (event_id, challenge_id, provider, outcome, delivered, recorded_at)
      VALUES ('${eventId}', '${charge.challenge_id}', 'mistral', 'FULFILLED', true, now())`)
    try {
      assert.match(rules(await check()), new RegExp(`delivery: DUPLICATED: charge ${charge.challenge_id} was delivered 2 times`))
    } finally {
      await psql('ledger', `DELETE FROM usage_records WHERE event_id = '${eventId}'`)
    }
    const buyerSide = await check({ clientResults: [{ challengeId: charge.challenge_id, deliveries: 2 }] })
    assert.match(rules(buyerSide), /DUPLICATED \(buyer side\)/)
  })

  await t.test('an unbalanced journal transaction → UNBALANCED', async () => {
    // the ledger's own balance trigger would refuse it: the seed switches it off inside its transaction only
    await psql('ledger', `BEGIN;
      ALTER TABLE journal_transactions DISABLE TRIGGER journal_transactions_balanced;
      WITH j AS (INSERT INTO journal_transactions (kind, challenge_id, source_event_id, occurred_at, description)
        VALUES ('settlement', 'seeded-unbalanced', 'seeded-unbalanced-${Date.now()}', now(), 'seeded by invariants.test.mjs') RETURNING id)
      INSERT INTO postings (journal_transaction_id, account, debit, credit) SELECT id, 'seeded:unbalanced', 1, 0 FROM j;
      -- the running balance follows the posting, so only the imbalance is seeded (no balance drift)
      INSERT INTO account_balances (account, debit, credit) VALUES ('seeded:unbalanced', 1, 0)
        ON CONFLICT (account) DO UPDATE SET debit = account_balances.debit + 1;
      ALTER TABLE journal_transactions ENABLE TRIGGER journal_transactions_balanced;
      COMMIT;`)
    try {
      const text = rules(await check())
      assert.match(text, /journal: UNBALANCED: journal transaction \d+ debits 1 and credits 0/)
    } finally {
      // undone, so that no later reader of this database (balances page, later suites) sees the seeded imbalance
      await psql('ledger', `BEGIN;
        ALTER TABLE postings DISABLE TRIGGER postings_append_only;
        ALTER TABLE journal_transactions DISABLE TRIGGER journal_transactions_append_only;
        DELETE FROM postings WHERE account = 'seeded:unbalanced';
        DELETE FROM journal_transactions WHERE challenge_id = 'seeded-unbalanced';
        DELETE FROM account_balances WHERE account = 'seeded:unbalanced';
        ALTER TABLE journal_transactions ENABLE TRIGGER journal_transactions_append_only;
        ALTER TABLE postings ENABLE TRIGGER postings_append_only;
        COMMIT;`)
    }
    assert.ok(!rules(await check()).includes('UNBALANCED'), 'undone')
  })

  await t.test('a payment on chain without a charge → LOST', async () => {
    const realmFp = keccak256(stringToBytes('mistral.mppgateway.local')).slice(2, 22)
    const challengeFp = keccak256(stringToBytes('seeded-no-charge')).slice(2, 16)
    const memo = `0x${keccak256(stringToBytes('mpp')).slice(2, 10)}01${realmFp}${'0'.repeat(20)}${challengeFp}`
    const data = encodeFunctionData({ abi: parseAbi(['function transferWithMemo(address to, uint256 amount, bytes32 memo)']),
      functionName: 'transferWithMemo', args: ['0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', 1234n, memo] })
    const hash = await rpcCall(RPC_URL, 'eth_sendTransaction', [{ from: '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65', to: '0x20c0000000000000000000000000000000000000', data }])
    for (let i = 0; i < 100 && !(await rpcCall(RPC_URL, 'eth_getTransactionReceipt', [hash])); i++) await new Promise((r) => setTimeout(r, 100))
    const text = rules(await check())
    assert.match(text, new RegExp(`chain-charge: LOST: on-chain payment ${hash} .* of 1234 base units`))
  })

  await t.test('an upstream call nobody paid for → UPSTREAM WITHOUT CHARGE', async () => {
    const res = await fetch(`${STANDIN_URL}/mistral/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer seeded' },
      body: JSON.stringify({ model: 'mistral-small-latest', messages: [{ role: 'user', content: 'free? load-agent:0x000000000000000000000000000000000000dEaD' }] }),
    })
    assert.equal(res.status, 200)
    const text = rules(await check())
    assert.match(text, /upstream: UPSTREAM WITHOUT CHARGE: the upstream was called 2 times on paid routes but only 1 delivery attempts/)
    assert.match(text, /upstream: UPSTREAM WITHOUT CHARGE: \/mistral\/v1\/chat\/completions was called for agent 0x000000000000000000000000000000000000dEaD/)
  })
})
