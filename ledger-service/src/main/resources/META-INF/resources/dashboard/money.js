// Money and numbers for the dashboard. The finance API returns integer base units (6 decimals); this file turns them
// into text with string and BigInt arithmetic only: no floating point ever touches an amount.

export const DECIMALS = 6
export const CURRENCY = 'pathUSD'

/** JSON.parse that keeps every integer exact: integers become BigInt (from their source text where supported). */
export function parseJson(text) {
  return JSON.parse(text, function (key, value, context) {
    if (typeof value !== 'number') return value
    const source = context && context.source
    if (source !== undefined) return /^-?\d+$/.test(source) ? BigInt(source) : value
    return Number.isInteger(value) ? BigInt(value) : value
  })
}

/** An integer (BigInt, integer string or safe integer number) as a BigInt; anything else is an error. */
export function toBigInt(v) {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new TypeError(`not an exact integer: ${v}`)
    return BigInt(v)
  }
  const s = String(v ?? '').trim()
  if (!/^-?\d+$/.test(s)) throw new TypeError(`not an integer amount: ${JSON.stringify(v)}`)
  return BigInt(s)
}

const group = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/** Base units as a decimal with exactly 6 decimals and thousands separators: 1234567 -> "1.234567". */
export function formatBaseUnits(v, decimals = DECIMALS) {
  const n = toBigInt(v)
  const neg = n < 0n
  const digits = (neg ? -n : n).toString().padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  const frac = digits.slice(digits.length - decimals)
  return `${neg ? '-' : ''}${group(whole)}.${frac}`
}

/** "1.234567 pathUSD" */
export const formatMoney = (v) => `${formatBaseUnits(v)} ${CURRENCY}`

/** A count with thousands separators (exact for any integer). */
export const formatCount = (v) => {
  const n = toBigInt(v)
  return n < 0n ? `-${group((-n).toString())}` : group(n.toString())
}

/** Basis points as a percentage with two decimals: 1234 -> "12.34 %". */
export function formatBps(v) {
  if (v === null || v === undefined) return '–'
  const n = toBigInt(v)
  const neg = n < 0n
  const digits = (neg ? -n : n).toString().padStart(3, '0')
  return `${neg ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)} %`
}

/** Sum of integer amounts, exact. */
export const sum = (values) => values.reduce((acc, v) => acc + toBigInt(v), 0n)

/** Compare two integer amounts (for sorting, largest first with `(a, b) => compare(b, a)`). */
export const compare = (a, b) => {
  const x = toBigInt(a), y = toBigInt(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * An amount for a chart axis: Chart.js plots numbers, so the base units are handed over as a Number only for the
 * drawing (exact below 2^53 base units, 9 billion pathUSD); labels and tooltips are formatted from the BigInt.
 */
export const plotValue = (v) => Number(toBigInt(v))
