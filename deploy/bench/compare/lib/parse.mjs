// Reading what the servers answer: the price in a challenge, the Server-Timing header. No dependencies.

/** `name;dur=1.2, other;dur=3` -> {name: 1.2, other: 3} (durations in ms; entries without dur are skipped). */
export function parseServerTiming(header) {
  const out = {}
  for (const entry of (header ?? '').split(',')) {
    const [name, ...params] = entry.trim().split(';')
    const dur = params.map((p) => p.trim()).find((p) => p.startsWith('dur='))
    if (name && dur) out[name] = Number(dur.slice(4))
  }
  return out
}

/** The amount (base units, a string) of a `WWW-Authenticate: Payment … request="<base64url JSON>"` challenge. */
export function priceOf(challenge) {
  const request = /request="([^"]+)"/.exec(challenge ?? '')?.[1]
  if (!request) throw new Error(`no request in challenge: ${challenge}`)
  const amount = JSON.parse(Buffer.from(request, 'base64url').toString('utf8')).amount
  if (!/^\d+$/.test(String(amount))) throw new Error(`challenge amount is not base units: ${amount}`)
  return String(amount)
}
