// Unpaid 402s at full speed with wrk (Debian's `wrk` package): a POST with the benchmark's body from
// `connections` keep-alive connections for `seconds`. A Lua script counts the answers that are not 402 (per wrk
// thread, summed in done()) and prints one JSON line with the figures.
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

const luaScript = (body) => `
wrk.method = "POST"
wrk.body = [==[${body}]==]
wrk.headers["Content-Type"] = "application/json"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not402 = 0 end
function response(status, headers, body) if status ~= 402 then not402 = not402 + 1 end end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("not402") end
  io.write(string.format('WRK_JSON {"requests":%d,"durationUs":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"not402":%d,"errConnect":%d,"errRead":%d,"errWrite":%d,"errTimeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    bad, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
`

/** Parses the WRK_JSON line of a run's output. */
export function parseWrk(output) {
  const line = output.split('\n').find((l) => l.startsWith('WRK_JSON '))
  if (!line) throw new Error(`wrk printed no result:\n${output.slice(-2000)}`)
  const r = JSON.parse(line.slice('WRK_JSON '.length))
  const errors = r.errConnect + r.errRead + r.errWrite + r.errTimeout
  return {
    requests: r.requests,
    rps: r.requests / (r.durationUs / 1e6),
    p50: r.p50Us / 1000, p90: r.p90Us / 1000, p99: r.p99Us / 1000, max: r.maxUs / 1000,
    not402: r.not402, errors,
  }
}

/** Runs wrk against url; resolves to parseWrk()'s figures (ms, requests/s). */
export async function runWrk({ url, body, connections = 16, threads = 2, seconds = 10, timeoutSeconds = 10 }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-wrk-'))
  const script = path.join(dir, 'post402.lua')
  writeFileSync(script, luaScript(body))
  try {
    const output = await new Promise((resolve, reject) => {
      const child = spawn('wrk', [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, `--timeout`, `${timeoutSeconds}s`, '-s', script, url], { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      child.stdout.on('data', (d) => { out += d })
      child.stderr.on('data', (d) => { out += d })
      child.on('error', (e) => reject(new Error(`cannot run wrk (${e.message}); install it: apt-get install -y wrk`)))
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}:\n${out}`))))
    })
    return parseWrk(output)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
