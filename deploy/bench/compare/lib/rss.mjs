// Resident set size of the processes under test, sampled from /proc while a phase runs.
import { readFileSync } from 'node:fs'

/** VmRSS of a pid in MiB, or NaN when the process is gone. */
export function rssMiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : NaN
  } catch {
    return NaN
  }
}

/**
 * Samples every `everyMs` the RSS of {name: pid}; stop() -> {name: {max, last}} in MiB.
 */
export function sampleRss(pids, everyMs = 500) {
  const seen = Object.fromEntries(Object.keys(pids).map((n) => [n, { max: NaN, last: NaN }]))
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) {
      const v = rssMiB(pid)
      if (!Number.isFinite(v)) continue
      const s = seen[name]
      s.last = v
      s.max = Number.isFinite(s.max) ? Math.max(s.max, v) : v
    }
  }
  sample()
  const timer = setInterval(sample, everyMs)
  timer.unref()
  return {
    stop() {
      clearInterval(timer)
      sample()
      return seen
    },
  }
}
