// A minimal in-process OTLP/HTTP trace receiver for tests: accepts POST /v1/traces in protobuf (what Quarkus'
// exporter sends with protocol http/protobuf; gzip or not) or JSON, and keeps the spans. No dependency: the few
// OTLP messages it reads are decoded with a protobuf wire-format reader of its own.
import { createServer } from 'node:http'
import { gunzipSync } from 'node:zlib'

/** Protobuf wire format: the fields of one message as [fieldNumber, wireType, value] (bytes as Buffer). */
export function fields(buf) {
  const out = []
  let pos = 0
  const varint = () => {
    let result = 0n
    let shift = 0n
    for (;;) {
      const b = buf[pos++]
      result |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) return result
      shift += 7n
    }
  }
  while (pos < buf.length) {
    const key = Number(varint())
    const field = key >>> 3
    const wire = key & 7
    if (wire === 0) out.push([field, wire, varint()])
    else if (wire === 1) { out.push([field, wire, buf.readBigUInt64LE(pos)]); pos += 8 }
    else if (wire === 2) { const len = Number(varint()); out.push([field, wire, buf.subarray(pos, pos + len)]); pos += len }
    else if (wire === 5) { out.push([field, wire, buf.readUInt32LE(pos)]); pos += 4 }
    else throw new Error(`unsupported protobuf wire type ${wire}`)
  }
  return out
}

const all = (buf, n) => fields(buf).filter(([f]) => f === n).map(([, , v]) => v)
const one = (buf, n) => all(buf, n)[0]

function anyValue(buf) {
  for (const [f, , v] of fields(buf)) {
    if (f === 1) return v.toString('utf8')
    if (f === 2) return v !== 0n
    if (f === 3) return Number(BigInt.asIntN(64, v))
    if (f === 4) return v
  }
  return null
}

function attributes(list) {
  const attrs = {}
  for (const kv of list) attrs[one(kv, 1).toString('utf8')] = one(kv, 2) ? anyValue(one(kv, 2)) : null
  return attrs
}

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER']

/** ExportTraceServiceRequest (protobuf) -> flat spans with their service.name. */
export function decodeTraces(buf) {
  const spans = []
  for (const rs of all(buf, 1)) {
    const resource = one(rs, 1)
    const resAttrs = resource ? attributes(all(resource, 1)) : {}
    for (const ss of all(rs, 2)) {
      for (const s of all(ss, 2)) {
        const parent = one(s, 4)
        spans.push({
          service: resAttrs['service.name'],
          traceId: one(s, 1).toString('hex'),
          spanId: one(s, 2).toString('hex'),
          parentSpanId: parent && parent.length ? parent.toString('hex') : null,
          name: one(s, 5)?.toString('utf8') ?? '',
          kind: KINDS[Number(one(s, 6) ?? 0n)],
          startNanos: one(s, 7) ?? 0n,
          endNanos: one(s, 8) ?? 0n,
          attributes: attributes(all(s, 9)),
        })
      }
    }
  }
  return spans
}

/** OTLP JSON (the same message, ids in hex) -> the same flat spans. */
export function decodeJsonTraces(body) {
  const spans = []
  const value = (v) => v?.stringValue ?? v?.intValue ?? v?.boolValue ?? v?.doubleValue ?? null
  const attrs = (list) => Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]))
  for (const rs of body.resourceSpans ?? []) {
    const service = attrs(rs.resource?.attributes)['service.name']
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        spans.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || null, name: s.name,
          kind: typeof s.kind === 'number' ? KINDS[s.kind] : String(s.kind ?? '').replace('SPAN_KIND_', ''),
          startNanos: BigInt(s.startTimeUnixNano ?? 0), endNanos: BigInt(s.endTimeUnixNano ?? 0), attributes: attrs(s.attributes) })
      }
    }
  }
  return spans
}

/** Starts the receiver on 127.0.0.1:port; resolves to { spans, close() }. */
export function startReceiver(port) {
  const spans = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      try {
        if (req.method !== 'POST' || !req.url.startsWith('/v1/traces')) {
          res.writeHead(404).end()
          return
        }
        let body = Buffer.concat(chunks)
        if ((req.headers['content-encoding'] ?? '').includes('gzip')) body = gunzipSync(body)
        const json = (req.headers['content-type'] ?? '').includes('json')
        spans.push(...(json ? decodeJsonTraces(JSON.parse(body.toString('utf8'))) : decodeTraces(body)))
        res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' })
        res.end(json ? '{}' : Buffer.alloc(0))
      } catch (e) {
        res.writeHead(400).end(String(e))
      }
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve({ spans, close: () => new Promise((r) => server.close(r)) }))
  })
}
