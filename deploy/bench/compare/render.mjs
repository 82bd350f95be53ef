// Re-renders a run's section of docs/benchmarks.md from its saved figures (.local/bench/compare-*.json), e.g.
// after a harness fix made one phase's figures void:
//   node deploy/bench/compare/render.mjs .local/bench/compare-baseline-….json docs/benchmarks.md \
//     [--drop streams] [--note "why"] [--title "heading"]
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { renderSection, replaceSection } from './lib/report.mjs'

const [file, docs, ...rest] = process.argv.slice(2)
if (!file || !docs) {
  console.error('usage: node render.mjs <results.json> <docs.md> [--drop phase]... [--note text]...')
  process.exit(2)
}
const results = JSON.parse(readFileSync(file, 'utf8'))
for (let i = 0; i < rest.length; i += 2) {
  if (rest[i] === '--drop') {
    delete results[rest[i + 1]]
    for (const phase of Object.keys(results.rss ?? {})) if (phase.includes(rest[i + 1])) delete results.rss[phase]
    results.failures = (results.failures ?? []).filter((f) => !f.where.includes(rest[i + 1]))
  } else if (rest[i] === '--title') {
    results.meta.title = rest[i + 1]
  } else if (rest[i] === '--note') {
    results.meta.notes = [...(results.meta.notes ?? []), rest[i + 1]]
  } else throw new Error(`unknown option ${rest[i]}`)
}
const doc = existsSync(docs) ? readFileSync(docs, 'utf8') : '# Benchmarks\n'
writeFileSync(docs, replaceSection(doc, results.meta.label, renderSection(results)))
console.log(`re-rendered the "${results.meta.label}" section of ${docs}`)
