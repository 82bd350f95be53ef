// Money in integer base units (pathUSD: 6 decimals); no floating point.

/** base units (integer or integer string) -> the decimal amount mppx's charge takes ("5000" -> "0.005"). */
export function decimalAmount(baseUnits, decimals = 6) {
  const units = BigInt(baseUnits)
  if (units < 0n) throw new Error(`negative amount ${baseUnits}`)
  const scale = 10n ** BigInt(decimals)
  const frac = (units % scale).toString().padStart(decimals, '0').replace(/0+$/, '')
  return (units / scale).toString() + (frac ? '.' + frac : '')
}
