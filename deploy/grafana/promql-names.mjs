// The metric names a PromQL expression reads (for checking a dashboard against a live /q/metrics scrape):
// label matchers, range selectors, strings, numbers and grouping clauses are dropped, functions and keywords skipped.
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and',
  'or', 'unless', 'inf', 'nan'])

export function metricNames(expr) {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/(?<![a-zA-Z0-9_:])\d[\d.]*(?:e[+-]?\d+)?/gi, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
  const names = new Set()
  for (const m of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (m[2] || KEYWORDS.has(m[1].toLowerCase())) continue // a function call or a keyword
    names.add(m[1])
  }
  return [...names]
}

/** Every PromQL query of a Grafana dashboard: panel targets (rows' nested panels too) and query variables. */
export function dashboardQueries(dashboard) {
  const queries = []
  const visit = (panels) => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) if (t.expr) queries.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr })
      visit(p.panels)
    }
  }
  visit(dashboard.panels)
  for (const v of dashboard.templating?.list ?? []) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query
    if (v.type === 'query' && q) {
      const inner = q.match(/^\s*(?:label_values|query_result)\((.*)\)\s*$/)
      // label_values(metric, label): the metric; query_result(expr): the expression
      queries.push({ where: `variable $${v.name}`, expr: inner ? inner[1].replace(/,\s*\w+\s*$/, '') : q })
    }
  }
  return queries
}

/** Series names present in a Prometheus text exposition. */
export function scrapedNames(text) {
  const names = new Set()
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/)
    if (m) names.add(m[1])
  }
  return names
}
