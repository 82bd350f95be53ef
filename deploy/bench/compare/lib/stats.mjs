// Plain statistics for the side-by-side benchmark: no dependencies, so the unit tests run without npm.

/** The p-th percentile (nearest rank, p in 0..100) of numbers; NaN for none. */
export function percentile(values, p) {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

/** The median (the mean of the middle two for an even count); NaN for none. */
export function median(values) {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** {n, p50, p99, min, max} of a sample. */
export function summary(values) {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    min: values.length ? Math.min(...values) : NaN,
    max: values.length ? Math.max(...values) : NaN,
  }
}

/**
 * One figure measured in several rounds: the median of the per-round values with their min..max.
 * @param perRound numbers, one per round
 */
export function acrossRounds(perRound) {
  const values = perRound.filter((v) => Number.isFinite(v))
  return { median: median(values), min: values.length ? Math.min(...values) : NaN, max: values.length ? Math.max(...values) : NaN, rounds: values.length }
}

/**
 * "time added beyond the floor" per call: each call's duration minus the floor's median measured at the same
 * concurrency in the same round (a paid call and a floor payment cannot be the same payment, so the floor is a
 * distribution of its own and its median is what is subtracted).
 */
export function addedBeyond(durations, floorDurations) {
  const floor = median(floorDurations)
  return durations.map((d) => d - floor)
}

/** ours / reference, or NaN when either is missing. */
export function ratio(ours, reference) {
  return Number.isFinite(ours) && Number.isFinite(reference) && reference !== 0 ? ours / reference : NaN
}

const group = (s) => s.replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/** A number for a table: thousands separated, `digits` decimals, '—' when not a number. */
export function fmt(value, digits = 1) {
  if (!Number.isFinite(value)) return '—'
  const [int, frac] = Math.abs(value).toFixed(digits).split('.')
  return (value < 0 ? '-' : '') + group(int) + (frac ? '.' + frac : '')
}

/** "median (min..max)" of an acrossRounds() result. */
export function fmtRange(r, digits = 1) {
  if (!Number.isFinite(r.median)) return '—'
  if (r.rounds < 2) return fmt(r.median, digits)
  return `${fmt(r.median, digits)} (${fmt(r.min, digits)}..${fmt(r.max, digits)})`
}

/** A ratio for a table: "1.39×". */
export function fmtRatio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '—'
}
