#!/usr/bin/env node
// Validator of the llm-gateway Kubernetes manifests: what `kubectl kustomize` renders for an overlay, checked
// offline (no cluster) against the schemas and against the project's own rules.
//
//   node validate.mjs [--doc k8s/README.md] [--production] [--label TEXT] [--self-test FIXTURES] <kustomization-dir>...
//
//   --doc FILE      the Markdown file whose "Secrets" table lists every Secret the workloads read (name, keys,
//                   who makes it); every reference must be listed there
//   --production    the production rules too: images pinned by digest, no local host names or realms, database
//                   backups, at least 2 replicas
//   --label TEXT    prefix of the output lines (default: the directory)
//   --self-test DIR every subdirectory of DIR (a kustomization breaking one rule of a real overlay, see fixtures/)
//                   must be rejected with each message of its expected-errors.txt
//
// For every directory:
//   1. `kubectl kustomize <dir>` renders it (kustomize v5 inside kubectl; any error fails the directory);
//   2. every object is validated against its schema: Kubernetes kinds with npm kubernetes-models (ajv) plus a
//      check for fields the schema does not know; custom resources (Strimzi, CloudNativePG, Barman Cloud, External
//      Secrets, Prometheus operator) against the openAPIV3Schema of the CRDs pinned in crds/ (SOURCES.txt), where
//      a field the schema does not declare is an error too (the API server would prune it silently);
//   3. the project's rules (see RULES below), each with a fixture in fixtures/ that must fail.
// Prints one line per object (OK / WARN / FAIL, details indented) and ends with "k8s: <passed> passed, <failed>
// failed"; exit status 1 when anything failed, 2 on usage errors.

import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve, relative, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import Ajv from 'ajv';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const NODE_MODULES = join(HERE, 'node_modules');
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const rel = (p) => relative(process.cwd(), p) || '.';
const display = (o) => `${o.kind} ${o.metadata?.namespace ? o.metadata.namespace + '/' : ''}${o.metadata?.name}`;
const ns = (o) => o.metadata?.namespace ?? '';

// ----------------------------------------------------------------------------------------------
// rendering
// ----------------------------------------------------------------------------------------------
function render(dir) {
  let out;
  try {
    out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 120000, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    if (e.code === 'ENOENT') throw new Error('kubectl is not installed (it renders the kustomizations)');
    throw new Error(`kubectl kustomize ${rel(dir)} failed: ${(e.stderr || e.message).toString().trim().split('\n').slice(0, 3).join(' | ')}`);
  }
  // kustomize (Go, yaml.v3) prints strings such as 0x3C44...93BC without quotes; read them as strings, as
  // kubectl's Go decoder does, not as hex numbers
  const goLike = { customTags: (tags) => tags.filter((t) => !(t.tag === 'tag:yaml.org,2002:int' && (t.format === 'HEX' || t.format === 'OCT'))) };
  return parseAllDocuments(out, goLike).map((d) => d.toJS()).filter(Boolean);
}

// ----------------------------------------------------------------------------------------------
// schemas of custom resources: the pinned CRDs (crds/<project>-<version>/*.yaml)
// ----------------------------------------------------------------------------------------------
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
const crdSchemas = new Map(); // "group/version/Kind" -> { validate, source }
function loadCrds() {
  const root = join(HERE, 'crds');
  for (const dir of readdirSync(root)) {
    const d = join(root, dir);
    if (!statSync(d).isDirectory()) continue;
    for (const f of readdirSync(d).filter((x) => /\.ya?ml$/.test(x))) {
      for (const doc of parseAllDocuments(readFileSync(join(d, f), 'utf8')).map((x) => x.toJS())) {
        if (doc?.kind !== 'CustomResourceDefinition') continue;
        for (const v of doc.spec.versions ?? []) {
          if (!v.served || !v.schema?.openAPIV3Schema) continue;
          const key = `${doc.spec.group}/${v.name}/${doc.spec.names.kind}`;
          crdSchemas.set(key, { schema: v.schema.openAPIV3Schema, source: `${dir}/${f}`, validate: null });
        }
      }
    }
  }
}

// OpenAPI v3 (structural, as the API server reads it) -> JSON Schema for ajv. Objects that declare their
// properties are closed (additionalProperties: false) unless x-kubernetes-preserve-unknown-fields; nullable
// allows null; int-or-string allows both. Combinators (oneOf/anyOf/allOf/not) only constrain, never close.
function toJsonSchema(s, closed = true) {
  if (!isObj(s)) return {};
  if (s['x-kubernetes-int-or-string']) return s.nullable ? { anyOf: [{ type: 'integer' }, { type: 'string' }, { type: 'null' }] } : { anyOf: [{ type: 'integer' }, { type: 'string' }] };
  const out = {};
  if (s.type) out.type = s.nullable ? [s.type, 'null'] : s.type;
  for (const k of ['enum', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'required', 'uniqueItems', 'multipleOf']) {
    if (s[k] !== undefined) out[k] = clone(s[k]);
  }
  if (out.enum && s.nullable && !out.enum.includes(null)) out.enum.push(null);
  // Go (RE2) patterns that JavaScript cannot compile, e.g. "(?i)...", are left to the API server
  if (out.pattern !== undefined) { try { new RegExp(out.pattern, 'u'); } catch { delete out.pattern; } }
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toJsonSchema(v, closed)]));
  if (isObj(s.additionalProperties)) out.additionalProperties = toJsonSchema(s.additionalProperties, closed);
  else if (typeof s.additionalProperties === 'boolean') out.additionalProperties = s.additionalProperties;
  else if (closed && s.properties && !s['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  if (s.items) out.items = toJsonSchema(s.items, closed);
  for (const k of ['oneOf', 'anyOf', 'allOf']) if (Array.isArray(s[k])) out[k] = s[k].map((x) => toJsonSchema(x, false));
  if (s.not) out.not = toJsonSchema(s.not, false);
  return out;
}

function validateCustom(o) {
  const [group, version] = String(o.apiVersion).split('/');
  const entry = crdSchemas.get(`${group}/${version}/${o.kind}`);
  if (!entry) return [`no schema for ${o.apiVersion} ${o.kind}: add its CRD to deploy/k8s-validate/crds/ (pinned, with its licence)`];
  if (!entry.validate) {
    const schema = toJsonSchema(entry.schema);
    // metadata is checked by Kubernetes itself, not by the CRD: accept what kubernetes-models accepts
    schema.properties = { ...(schema.properties ?? {}), metadata: { type: 'object' } };
    entry.validate = ajv.compile(schema);
  }
  if (entry.validate(o)) return [];
  return entry.validate.errors.map((e) => {
    const at = e.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
    if (e.keyword === 'additionalProperties') return `schema (${entry.source}): unknown field "${at ? at + '.' : ''}${e.params.additionalProperty}"`;
    return `schema (${entry.source}): ${at || '(root)'} ${e.message}${e.keyword === 'enum' ? ` (${e.params.allowedValues.join(', ')})` : ''}`;
  });
}

// ----------------------------------------------------------------------------------------------
// schemas of Kubernetes kinds: kubernetes-models, plus an unknown-field check from its type declarations
// ----------------------------------------------------------------------------------------------
const modelCache = new Map();
async function modelFor(obj) {
  const [group, version] = String(obj.apiVersion).includes('/') ? obj.apiVersion.split('/') : [null, obj.apiVersion];
  const spec = `kubernetes-models/${group ? group + '/' : ''}${version}/${obj.kind}`;
  if (!modelCache.has(spec)) {
    let entry;
    try {
      const mod = await import(spec);
      entry = { Model: mod[obj.kind], dts: join(NODE_MODULES, spec + '.d.ts') };
      if (!entry.Model) entry = { error: `no model ${obj.kind} in ${spec}` };
    } catch {
      entry = { error: `unknown apiVersion/kind ${obj.apiVersion} ${obj.kind} (no kubernetes-models schema)` };
    }
    modelCache.set(spec, entry);
  }
  return modelCache.get(spec);
}

// Shape of an interface parsed from a kubernetes-models .d.ts file:
//   null  = leaf / not checked,   {open:true} = accepts anything,
//   {props: Map(name -> {array, map, file})}
const shapeCache = new Map();
function shapeOf(file) {
  if (!file) return null;
  if (shapeCache.has(file)) return shapeCache.get(file);
  shapeCache.set(file, null); // recursion guard (JSONSchemaProps etc.)
  let text;
  try { text = readFileSync(file, 'utf8'); } catch { return null; }
  const imports = new Map();
  for (const m of text.matchAll(/import \{ ([^}]+) \} from "([^"]+)";/g)) {
    const target = m[2].startsWith('.')
      ? resolve(dirname(file), m[2].replace(/\.js$/, '') + '.d.ts')
      : join(NODE_MODULES, m[2].replace(/\.js$/, '') + '.d.ts');
    for (const name of m[1].split(',').map((s) => s.trim())) imports.set(name, target);
  }
  const start = text.match(/^export interface \w+(?: extends ([\w, ]+))? \{$/m);
  if (!start) return null; // type alias (IntOrString, Quantity, Time, ...)
  if (start[1] && start[1].trim() !== 'TypeMeta') { const s = { open: true }; shapeCache.set(file, s); return s; }
  const lines = text.slice(start.index + start[0].length).split('\n');
  const props = new Map();
  let depth = 1; let pending = null; let open = false;
  const typeRef = (t) => {
    const arr = t.match(/^Array<(\w+)>/);
    const name = arr ? arr[1] : (t.match(/^(\w+)/)?.[1] ?? '');
    return { array: !!arr, file: imports.get(name) ?? null };
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (depth === 1) {
      if (line === '}') break;
      const m = line.match(/^"([^"]+)"\??: (.*)$/);
      if (m) {
        if (m[2] === '{') { pending = m[1]; depth++; continue; }
        props.set(m[1], typeRef(m[2].replace(/;$/, '')));
      } else if (line.startsWith('[key: string]')) open = true;
    } else {
      if (depth === 2 && pending) {
        const mm = line.match(/^\[key: string\]: (.*?);?$/);
        if (mm) props.set(pending, { map: true, ...typeRef(mm[1]) });
      }
      depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
      if (depth === 1) { if (!props.has(pending)) props.set(pending, { map: true, file: null }); pending = null; }
    }
  }
  const shape = open ? { open: true } : { props };
  shapeCache.set(file, shape);
  return shape;
}

function unknownFields(value, shape, path, out) {
  if (!shape || shape.open || !isObj(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const ref = shape.props.get(k);
    if (!ref) {
      const hint = [...shape.props.keys()].find((p) => p.toLowerCase() === k.toLowerCase());
      out.push(`unknown field "${path ? path + '.' : ''}${k}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
      continue;
    }
    if (!ref.file) continue;
    const sub = shapeOf(ref.file);
    const p = path ? `${path}.${k}` : k;
    if (ref.map && isObj(v)) for (const [mk, mv] of Object.entries(v)) visit(mv, `${p}.${mk}`);
    else visit(v, p);
    function visit(x, xp) {
      if (ref.array && Array.isArray(x)) x.forEach((e, i) => unknownFields(e, sub, `${xp}[${i}]`, out));
      else unknownFields(x, sub, xp, out);
    }
  }
}

// quantities
const BIN = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DEC = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
function quantity(q) {
  const m = String(q).match(/^([0-9.]+)(Ki|Mi|Gi|Ti|m|k|M|G|T)?$/);
  if (!m) return NaN;
  const n = Number(m[1]); const u = m[2] ?? '';
  return n * (BIN[u] ?? DEC[u]);
}
function javaSize(s) {
  const m = String(s).match(/^(\d+)([kKmMgG]?)$/);
  if (!m) return NaN;
  return Number(m[1]) * ({ '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase()]);
}


// ----------------------------------------------------------------------------------------------
// the Secrets table of the documentation: | `name` | `key`, `key` | who makes it |
// ----------------------------------------------------------------------------------------------
function readSecretsDoc(file) {
  const secrets = new Map(); // name -> { keys: Set | null, madeBy }
  let inTable = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\|\s*Secret\s*\|\s*Keys\s*\|/i.test(line)) { inTable = true; continue; }
    if (!inTable) continue;
    if (!line.startsWith('|')) { inTable = false; continue; }
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (/^-+$/.test(cells[0].replace(/[: ]/g, ''))) continue;
    const name = cells[0].match(/`([^`]+)`/)?.[1];
    if (!name) continue;
    const keys = [...(cells[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    secrets.set(name, { keys: keys.length ? new Set(keys) : null, madeBy: cells[2] ?? '' });
  }
  return secrets;
}

// ----------------------------------------------------------------------------------------------
// what the services' own configuration says (topics, consumer groups), read from their application.properties
// (and, for the providers, the paywall's shared META-INF/microprofile-config.properties beneath it)
// ----------------------------------------------------------------------------------------------
function serviceMessaging(service) {
  const file = join(REPO, service, 'src/main/resources/application.properties');
  if (!existsSync(file)) return null;
  // a provider service inherits the paywall's shared configuration (its Kafka channels among it), which its own
  // application.properties may override line by line
  const shared = join(REPO, 'paywall/src/main/resources/META-INF/microprofile-config.properties');
  const usesPaywall = readFileSync(join(REPO, service, 'pom.xml'), 'utf8').includes('<artifactId>paywall</artifactId>');
  const sources = usesPaywall && existsSync(shared) ? [shared, file] : [file];
  const own = readFileSync(file, 'utf8');
  const appName = own.match(/^quarkus\.application\.name=(.*)$/m)?.[1]?.trim() ?? service;
  const props = new Map();
  for (const source of sources) {
    for (const line of readFileSync(source, 'utf8').split('\n')) {
      const m = line.match(/^(mp\.messaging\.(incoming|outgoing)\.([^.]+)\.(topic|group\.id|connector))=(.*)$/);
      if (m) props.set(m[1], { dir: m[2], channel: m[3], key: m[4], value: m[5].trim().replaceAll('${quarkus.application.name}', appName) });
    }
  }
  const channels = new Map();
  for (const p of props.values()) {
    const c = channels.get(`${p.dir}/${p.channel}`) ?? { dir: p.dir, channel: p.channel, topic: p.channel, group: null, kafka: false };
    if (p.key === 'topic') c.topic = p.value;
    if (p.key === 'group.id') c.group = p.value;
    if (p.key === 'connector') c.kafka = p.value === 'smallrye-kafka';
    channels.set(`${p.dir}/${p.channel}`, c);
  }
  return { file: relative(REPO, file), channels: [...channels.values()].filter((c) => c.kafka) };
}

// ----------------------------------------------------------------------------------------------
// rules
// ----------------------------------------------------------------------------------------------
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const PLACEHOLDER = /REPLACE_ME[A-Za-z0-9_-]*|\bexample\.(com|org|net)\b/;
const LOCAL_NAME = /(\.local|localtest\.me|localhost|127\.0\.0\.1)(:\d+)?(\/|$)/;
const SERVICES = ['payment-service', 'mistral-service', 'grok-service', 'ledger-service'];
const PROVIDERS = { 'mistral-service': 'MISTRAL_REALM', 'grok-service': 'GROK_REALM' };
// Pods that the manifests do not create but the documentation names (k8s/README.md): the local chain of the
// local overlay, and a refund operator's one-off pod.
const DOCUMENTED_PODS = [{ 'app.kubernetes.io/name': 'anvil' }, { 'app.kubernetes.io/name': 'refund-operator' }];
// What the services really do on the network (NetworkPolicies must allow it) and what must stay impossible.
const REQUIRED_FLOWS = [
  ['mistral-service', 'payment-service', 8081], ['grok-service', 'payment-service', 8081],
  ['payment-service', 'kafka', 9093], ['mistral-service', 'kafka', 9093], ['grok-service', 'kafka', 9093], ['ledger-service', 'kafka', 9093],
  ['payment-service', 'payments-db', 5432], ['ledger-service', 'ledger-db', 5432],
  ['ingress-controller', 'mistral-service', 8082], ['ingress-controller', 'grok-service', 8083], ['ingress-controller', 'ledger-service', 8084],
  ['prometheus', 'payment-service', 8081], ['prometheus', 'ledger-service', 8084],
];
const FORBIDDEN_FLOWS = [
  ['ingress-controller', 'payment-service', 8081], ['ledger-service', 'payment-service', 8081],
  ['mistral-service', 'payments-db', 5432], ['payment-service', 'ledger-db', 5432], ['ledger-service', 'payments-db', 5432],
  ['mistral-service', 'ledger-service', 8084], ['other-namespace', 'payment-service', 8081],
];

const subset = (sel, labels) => isObj(sel) && Object.entries(sel).every(([k, v]) => (labels ?? {})[k] === v);
function matchSelector(sel, labels) { // a LabelSelector (matchLabels + matchExpressions); {} matches everything
  if (!isObj(sel)) return false;
  if (sel.matchLabels && !subset(sel.matchLabels, labels)) return false;
  for (const e of sel.matchExpressions ?? []) {
    const v = (labels ?? {})[e.key];
    if (e.operator === 'In' && !(e.values ?? []).includes(v)) return false;
    if (e.operator === 'NotIn' && (e.values ?? []).includes(v)) return false;
    if (e.operator === 'Exists' && v === undefined) return false;
    if (e.operator === 'DoesNotExist' && v !== undefined) return false;
  }
  return true;
}

function checkTarget(objects, ctx) {
  const res = new Map(objects.map((o) => [o, { errors: [], warnings: [] }]));
  const err = (o, m) => res.get(o).errors.push(m);
  const warn = (o, m) => res.get(o).warnings.push(m);
  const all = (kind) => objects.filter((o) => o.kind === kind);
  const byName = (kind, name, n) => objects.find((o) => o.kind === kind && o.metadata.name === name && (n === undefined || ns(o) === n));
  const deployments = all('Deployment');
  const hpas = all('HorizontalPodAutoscaler');
  const kafkas = all('Kafka');

  // --- pods of the namespace: workloads, operator-managed pods, documented pods ------------------
  const pods = []; // { name, labels, ports: Map(name -> number), numbers: Set, owner }
  for (const d of deployments) {
    const c = d.spec?.template?.spec?.containers ?? [];
    const ports = c.flatMap((x) => x.ports ?? []);
    pods.push({ name: d.metadata.name, ns: ns(d), labels: d.spec?.template?.metadata?.labels ?? {}, ports: new Map(ports.filter((p) => p.name).map((p) => [p.name, p.containerPort])), numbers: new Set(ports.map((p) => p.containerPort)), owner: d });
  }
  for (const c of all('Cluster')) {
    pods.push({ name: c.metadata.name, ns: ns(c), labels: { 'cnpg.io/cluster': c.metadata.name, 'cnpg.io/podRole': 'instance' }, ports: new Map([['postgresql', 5432], ['metrics', 9187], ['status', 8000]]), numbers: new Set([5432, 9187, 8000]), owner: c });
  }
  for (const k of kafkas) {
    pods.push({ name: 'kafka', ns: ns(k), labels: { 'strimzi.io/cluster': k.metadata.name, 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true', ...(k.metadata.labels ?? {}) }, ports: new Map((k.spec?.kafka?.listeners ?? []).map((l) => [l.name, l.port])), numbers: new Set((k.spec?.kafka?.listeners ?? []).map((l) => l.port)), owner: k });
  }
  for (const labels of DOCUMENTED_PODS) pods.push({ name: labels['app.kubernetes.io/name'], ns: ctx.namespace, labels, ports: new Map(), numbers: new Set([8545]), owner: null, documented: true });

  // --- Secrets that objects of the render create, and the keys they hold -------------------------
  const made = new Map(); // name -> { keys: Set | null, by }
  const make = (name, keys, by) => made.set(name, { keys: keys ? new Set(keys) : null, by });
  for (const c of all('Cluster')) {
    const n = c.metadata.name;
    make(`${n}-app`, ['username', 'password', 'host', 'port', 'dbname', 'user', 'uri', 'jdbc-uri', 'pgpass', 'fqdn-uri', 'fqdn-jdbc-uri'], `CloudNativePG Cluster "${n}"`);
    make(`${n}-ca`, ['ca.crt', 'ca.key'], `CloudNativePG Cluster "${n}"`);
  }
  for (const k of kafkas) {
    make(`${k.metadata.name}-cluster-ca-cert`, ['ca.crt', 'ca.p12', 'ca.password'], `Strimzi Kafka "${k.metadata.name}"`);
    const prefix = k.spec?.entityOperator?.userOperator?.secretPrefix ?? '';
    for (const u of all('KafkaUser').filter((x) => x.metadata.labels?.['strimzi.io/cluster'] === k.metadata.name)) {
      const t = u.spec?.authentication?.type;
      make(`${prefix}${u.metadata.name}`, t === 'scram-sha-512' ? ['password', 'sasl.jaas.config'] : ['ca.crt', 'user.crt', 'user.key', 'user.p12', 'user.password'], `Strimzi KafkaUser "${u.metadata.name}"`);
    }
  }
  for (const e of all('ExternalSecret')) {
    make(e.spec?.target?.name ?? e.metadata.name, e.spec?.dataFrom?.length ? null : (e.spec?.data ?? []).map((x) => x.secretKey), `ExternalSecret "${e.metadata.name}"`);
  }
  const usedSecrets = new Set();
  const secretRef = (o, where, name, key, optional) => {
    usedSecrets.add(name);
    const doc = ctx.secretsDoc.get(name);
    if (!doc) err(o, `${where}: Secret "${name}" is not documented in the Secrets table of ${ctx.docName}`);
    else if (key !== undefined && doc.keys && !doc.keys.has(key)) err(o, `${where}: key "${key}" of Secret "${name}" is not documented in ${ctx.docName} (documented: ${[...doc.keys].join(', ')})`);
    const m = made.get(name);
    if (m && key !== undefined && m.keys && !m.keys.has(key) && !optional) err(o, `${where}: Secret "${name}" (made by ${m.by}) has no key "${key}"`);
    if (!m && doc && /ExternalSecret|CloudNativePG|Strimzi/.test(doc.madeBy) && ctx.strictMakers) {
      // documented as made by an operator or an ExternalSecret, but nothing in this render makes it
      if (!(ctx.external && /create-secrets|by hand|cert-manager/.test(doc.madeBy))) err(o, `${where}: Secret "${name}" is documented as made by ${doc.madeBy}, but nothing in this overlay makes it`);
    }
  };
  const usedConfigMaps = new Set();
  const configMapRef = (o, where, name, key, optional) => {
    const cm = objects.find((x) => x.kind === 'ConfigMap' && x.metadata.name === name && ns(x) === ns(o));
    if (!cm) { if (!optional) err(o, `${where}: ConfigMap "${name}" is not declared in namespace "${ns(o) || '(none)'}"`); return; }
    usedConfigMaps.add(cm);
    if (key !== undefined && !Object.hasOwn(cm.data ?? {}, key) && !optional) err(o, `${where}: ConfigMap "${name}" has no key "${key}"`);
  };

  // --- every object ---------------------------------------------------------------------------
  for (const o of objects) {
    const name = o.metadata?.name ?? '';
    if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) err(o, `metadata.name "${name}" is not a valid DNS-1123 subdomain`);
    for (const [where, labels] of [['metadata.labels', o.metadata?.labels], ['pod template labels', o.spec?.template?.metadata?.labels]]) {
      for (const [k, v] of Object.entries(labels ?? {})) if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) err(o, `${where}: value of "${k}" is not a valid label value: ${JSON.stringify(v)}`);
    }
    if (o.metadata?.labels?.['app.kubernetes.io/part-of'] !== 'llm-gateway') err(o, 'metadata.labels: missing app.kubernetes.io/part-of=llm-gateway');
    const ph = JSON.stringify(o).match(new RegExp(PLACEHOLDER.source, 'g'));
    if (ph) warn(o, `placeholder value(s) still present: ${[...new Set(ph)].join(', ')} (set the real value before deploying)`);
    if (o.kind === 'Secret') err(o, 'a Secret in the manifests: secret values must never be committed (ExternalSecret, or create it out of band: k8s/README.md)');
    if (ctx.production && o.kind === 'ConfigMap') {
      for (const [k, v] of Object.entries(o.data ?? {})) if (LOCAL_NAME.test(String(v))) err(o, `${k}="${v}" is a local name in a production overlay`);
    }
  }

  // --- Deployments ------------------------------------------------------------------------------
  for (const d of deployments) {
    const pod = d.spec?.template?.spec ?? {};
    const podLabels = d.spec?.template?.metadata?.labels ?? {};
    if (!subset(d.spec?.selector?.matchLabels, podLabels) || !Object.keys(d.spec?.selector?.matchLabels ?? {}).length) err(d, 'spec.selector.matchLabels must be non-empty and match the pod template labels');
    const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === d.metadata.name && ns(h) === ns(d));
    if (!hpa) err(d, 'no HorizontalPodAutoscaler scales this Deployment');
    else if (d.spec?.replicas !== undefined) err(d, `spec.replicas is set, but HorizontalPodAutoscaler "${hpa.metadata.name}" owns the replica count (every apply would reset it)`);
    const minReplicas = hpa?.spec?.minReplicas ?? d.spec?.replicas ?? 1;
    if (ctx.production && minReplicas < 2) err(d, `at least 2 replicas in production (HPA minReplicas is ${minReplicas})`);
    if (!all('PodDisruptionBudget').some((p) => ns(p) === ns(d) && matchSelector(p.spec?.selector, podLabels))) err(d, 'no PodDisruptionBudget covers these pods');
    if (!(pod.topologySpreadConstraints ?? []).some((t) => t.topologyKey === 'kubernetes.io/hostname')) err(d, 'no topologySpreadConstraints over kubernetes.io/hostname');
    if (pod.automountServiceAccountToken !== false) err(d, 'automountServiceAccountToken must be false (the services never call the Kubernetes API)');
    const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
    for (const v of pod.volumes ?? []) {
      if (v.configMap) configMapRef(d, `volume "${v.name}"`, v.configMap.name, undefined, v.configMap.optional);
      if (v.secret) for (const it of v.secret.items ?? [{ key: undefined }]) secretRef(d, `volume "${v.name}"`, v.secret.secretName, it.key, v.secret.optional);
    }
    const podNonRoot = pod.securityContext?.runAsNonRoot === true;
    if (pod.securityContext?.runAsUser === 0) err(d, 'pod securityContext.runAsUser is 0 (root)');
    for (const c of pod.containers ?? []) {
      const cw = `container "${c.name}"`;
      const ports = c.ports ?? [];
      const portByName = new Map(ports.filter((p) => p.name).map((p) => [p.name, p.containerPort]));
      const portNumbers = new Set(ports.map((p) => p.containerPort));
      const img = String(c.image ?? '');
      const tag = img.includes('@') ? null : (img.split('/').pop().split(':')[1] ?? '');
      if (!img) err(d, `${cw}: no image`);
      else if (tag !== null && (!tag || tag === 'latest')) err(d, `${cw}: image "${img}" needs an explicit tag (not latest)`);
      if (ctx.production && img && !/@sha256:[0-9a-f]{64}$/.test(img)) err(d, `${cw}: image "${img}" is not pinned by digest (deploy/images/pin.sh)`);
      const env = new Map();
      for (const ef of c.envFrom ?? []) {
        if (ef.configMapRef) {
          configMapRef(d, `${cw} envFrom`, ef.configMapRef.name, undefined, ef.configMapRef.optional);
          const cm = objects.find((x) => x.kind === 'ConfigMap' && x.metadata.name === ef.configMapRef.name && ns(x) === ns(d));
          for (const [k, v] of Object.entries(cm?.data ?? {})) env.set(`${ef.prefix ?? ''}${k}`, { value: v, from: `ConfigMap ${cm.metadata.name}` });
        }
        if (ef.secretRef) { usedSecrets.add(ef.secretRef.name); err(d, `${cw}: envFrom a Secret imports every key: name each one with a secretKeyRef`); }
      }
      const seen = new Set();
      for (const e of c.env ?? []) {
        if (seen.has(e.name)) err(d, `${cw}: env "${e.name}" is defined twice`);
        seen.add(e.name);
        const vf = e.valueFrom ?? {};
        if (e.value !== undefined) env.set(e.name, { value: e.value, from: 'env' });
        if (vf.secretKeyRef) { secretRef(d, `${cw} env ${e.name}`, vf.secretKeyRef.name, vf.secretKeyRef.key, vf.secretKeyRef.optional); env.set(e.name, { secret: true }); }
        if (vf.configMapKeyRef) configMapRef(d, `${cw} env ${e.name}`, vf.configMapKeyRef.name, vf.configMapKeyRef.key, vf.configMapKeyRef.optional);
      }
      for (const [k, v] of env) {
        if (!v.secret && /(PASSWORD|SECRET|SECRET_KEYS?|API_KEY|TOKEN|PRIVATE_KEY|JAAS_CONFIG)$/.test(k)) err(d, `${cw}: ${k} comes from ${v.from}; secrets must come from a secretKeyRef`);
      }
      for (const vm of c.volumeMounts ?? []) if (!volumes.has(vm.name)) err(d, `${cw}: volumeMount "${vm.name}" has no matching volume`);
      for (const pn of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const p = c[pn]?.httpGet?.port;
        if (p !== undefined && (typeof p === 'string' ? !portByName.has(p) : !portNumbers.has(p))) err(d, `${cw}: ${pn} port ${JSON.stringify(p)} is not a declared container port`);
      }
      if (c.readinessProbe?.httpGet?.path !== '/q/health/ready') err(d, `${cw}: readinessProbe must be an httpGet on /q/health/ready`);
      if (c.livenessProbe?.httpGet?.path !== '/q/health/live') err(d, `${cw}: livenessProbe must be an httpGet on /q/health/live`);
      if (!['/q/health/started', '/q/health/live'].includes(c.startupProbe?.httpGet?.path)) err(d, `${cw}: startupProbe must be an httpGet on /q/health/started`);
      const r = c.resources ?? {};
      for (const kind of ['requests', 'limits']) for (const res2 of ['cpu', 'memory']) if (r[kind]?.[res2] === undefined) err(d, `${cw}: resources.${kind}.${res2} is not set`);
      for (const res2 of ['cpu', 'memory']) {
        if (r.requests?.[res2] !== undefined && r.limits?.[res2] !== undefined && quantity(r.requests[res2]) > quantity(r.limits[res2])) err(d, `${cw}: resources.requests.${res2} (${r.requests[res2]}) exceeds the limit (${r.limits[res2]})`);
      }
      const sc = c.securityContext ?? {};
      if (!(sc.runAsNonRoot === true || (podNonRoot && sc.runAsNonRoot !== false))) err(d, `${cw}: runAsNonRoot must be true (pod or container securityContext)`);
      if (sc.runAsUser === 0) err(d, `${cw}: runAsUser is 0 (root)`);
      if (sc.readOnlyRootFilesystem !== true) err(d, `${cw}: securityContext.readOnlyRootFilesystem must be true`);
      if (sc.allowPrivilegeEscalation !== false) err(d, `${cw}: securityContext.allowPrivilegeEscalation must be false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) err(d, `${cw}: securityContext.capabilities must drop ALL`);
      if (sc.privileged === true) err(d, `${cw}: privileged container`);
      const tmp = (c.volumeMounts ?? []).find((vm) => vm.mountPath === '/tmp');
      if (!tmp || !volumes.get(tmp.name)?.emptyDir) err(d, `${cw}: needs an emptyDir volume mounted at /tmp (root filesystem is read-only)`);
      const opts = env.get('JDK_JAVA_OPTIONS')?.value;
      const xmx = String(opts ?? '').match(/-Xmx(\S+)/);
      if (!xmx) err(d, `${cw}: JDK_JAVA_OPTIONS (env or ConfigMap) must set -Xmx`);
      else if (r.limits?.memory !== undefined) {
        const heap = javaSize(xmx[1]); const limit = quantity(r.limits.memory);
        if (Number.isNaN(heap)) err(d, `${cw}: cannot parse -Xmx${xmx[1]}`);
        else if (heap > 0.75 * limit) err(d, `${cw}: -Xmx${xmx[1]} is more than 75% of the memory limit ${r.limits.memory} (no room for metaspace, threads, direct buffers)`);
      }
      const httpPort = env.get('QUARKUS_HTTP_PORT')?.value;
      if (httpPort !== undefined && !portNumbers.has(Number(httpPort))) err(d, `${cw}: QUARKUS_HTTP_PORT=${httpPort} is not a containerPort (${[...portNumbers].join(', ') || 'none'})`);
      // the database the service talks to is a CloudNativePG cluster of the render
      for (const [k, v] of env) {
        const m = /_DB_URL$/.test(k) && String(v.value ?? '').match(/^jdbc:postgresql:\/\/([^:/?]+)/);
        if (m && all('Cluster').length && !all('Cluster').some((cl) => m[1] === `${cl.metadata.name}-rw` || m[1].startsWith(`${cl.metadata.name}-rw.`))) err(d, `${cw}: ${k} points at "${m[1]}", which is no CloudNativePG Cluster's -rw Service`);
        if (m && !/sslmode=verify-full/.test(v.value)) err(d, `${cw}: ${k} must use sslmode=verify-full (the CA of the cluster is mounted)`);
      }
      // Kafka: the services' topics and consumer groups are covered by their KafkaUser's ACLs
      const jaas = (c.env ?? []).find((e) => e.name === 'KAFKA_SASL_JAAS_CONFIG')?.valueFrom?.secretKeyRef?.name;
      if (kafkas.length && SERVICES.includes(d.metadata.name)) {
        if (env.get('KAFKA_SECURITY_PROTOCOL')?.value !== 'SASL_SSL' || !jaas) err(d, `${cw}: Kafka must be reached with SASL_SSL and the service's KafkaUser (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_JAAS_CONFIG)`);
        const boot = String(env.get('KAFKA_BOOTSTRAP_SERVERS')?.value ?? '');
        if (!kafkas.some((k) => boot.startsWith(`${k.metadata.name}-kafka-bootstrap`) && (k.spec?.kafka?.listeners ?? []).some((l) => l.tls && boot.endsWith(`:${l.port}`)))) err(d, `${cw}: KAFKA_BOOTSTRAP_SERVERS "${boot}" is not the bootstrap Service and TLS listener port of a Kafka of this overlay`);
        const k = kafkas[0]; const prefix = k.spec?.entityOperator?.userOperator?.secretPrefix ?? '';
        const user = jaas && all('KafkaUser').find((u) => `${prefix}${u.metadata.name}` === jaas);
        const msg = serviceMessaging(d.metadata.name);
        if (jaas && !user) err(d, `${cw}: KAFKA_SASL_JAAS_CONFIG names Secret "${jaas}", which no KafkaUser makes`);
        if (user && msg) {
          const acls = user.spec?.authorization?.acls ?? [];
          const allows = (type, name, op) => acls.some((a) => (a.type ?? 'allow') === 'allow' && a.resource?.type === type &&
            ((a.resource.patternType ?? 'literal') === 'prefix' ? name.startsWith(a.resource.name) : a.resource.name === name || a.resource.name === '*') &&
            (a.operations ?? []).some((o2) => o2 === op || o2 === 'All'));
          for (const ch of msg.channels) {
            const op = ch.dir === 'incoming' ? 'Read' : 'Write';
            if (!allows('topic', ch.topic, op)) err(d, `${cw}: ${msg.file} ${ch.dir === 'incoming' ? 'reads' : 'writes'} topic "${ch.topic}", but KafkaUser "${user.metadata.name}" has no ${op} ACL for it`);
            if (ch.group) {
              const g = ch.group.split('${')[0];
              if (!allows('group', g, 'Read')) err(d, `${cw}: ${msg.file} consumes in group "${ch.group}", but KafkaUser "${user.metadata.name}" has no Read ACL for that group`);
            }
            if (!all('KafkaTopic').some((t) => (t.spec?.topicName ?? t.metadata.name) === ch.topic)) err(d, `${cw}: topic "${ch.topic}" (${msg.file}) has no KafkaTopic`);
          }
        }
      }
    }
    if (!all('Service').some((s) => ns(s) === ns(d) && subset(s.spec?.selector, podLabels))) warn(d, 'no Service selects these pods');
  }

  // --- Services, Ingress ------------------------------------------------------------------------
  for (const s of all('Service')) {
    const sel = s.spec?.selector;
    if (!isObj(sel) || !Object.keys(sel).length) { err(s, 'spec.selector is empty (the Service would have no endpoints)'); continue; }
    const matched = pods.filter((p) => p.owner?.kind === 'Deployment' && p.ns === ns(s) && subset(sel, p.labels));
    if (!matched.length) { err(s, `selector ${JSON.stringify(sel)} matches no Deployment pod labels in namespace "${ns(s) || '(none)'}"`); continue; }
    for (const p of s.spec?.ports ?? []) {
      const tp = p.targetPort ?? p.port;
      for (const m of matched) if (typeof tp === 'string' ? !m.ports.has(tp) : !m.numbers.has(tp)) err(s, `port ${p.name ?? p.port}: targetPort ${JSON.stringify(tp)} matches no containerPort of Deployment "${m.name}"`);
    }
  }
  const hostOf = new Map(); // service -> host routing /v1 to it
  for (const ing of all('Ingress')) {
    const seenRoutes = new Set(); const hosts = new Set();
    for (const rule of ing.spec?.rules ?? []) {
      hosts.add(rule.host ?? '');
      if (ctx.production && LOCAL_NAME.test(rule.host ?? '')) err(ing, `host "${rule.host}" is a local name in a production overlay`);
      const paths = rule.http?.paths ?? [];
      for (const p of paths) {
        const route = `${rule.host ?? '*'}${p.path ?? ''}`;
        if (seenRoutes.has(route)) err(ing, `route ${route} is defined twice`);
        seenRoutes.add(route);
        const b = p.backend?.service;
        const svc = b && objects.find((x) => x.kind === 'Service' && x.metadata.name === b.name && ns(x) === ns(ing));
        if (!svc) { err(ing, `${route}: backend Service "${b?.name}" does not exist`); continue; }
        if (!(svc.spec?.ports ?? []).some((sp) => (b.port?.name !== undefined ? sp.name === b.port.name : sp.port === b.port?.number))) err(ing, `${route}: Service "${svc.metadata.name}" has no port ${JSON.stringify(b.port?.name ?? b.port?.number)}`);
        if (b.name === 'payment-service') err(ing, `${route}: payment-service must not be reachable from the Ingress (internal API)`);
        if (p.path === '/v1' && PROVIDERS[b.name]) hostOf.set(b.name, rule.host);
      }
      for (const p of paths.filter((x) => x.path === '/v1' && PROVIDERS[x.backend?.service?.name])) {
        for (const doc of ['/openapi.json', '/llms.txt']) {
          if (!paths.some((x) => x.path === doc && x.backend?.service?.name === p.backend.service.name)) err(ing, `host "${rule.host}" routes /v1 to ${p.backend.service.name} but not ${doc} (MPP discovery)`);
        }
      }
    }
    for (const t of ing.spec?.tls ?? []) {
      if (t.secretName) secretRef(ing, 'tls', t.secretName, 'tls.crt', false);
      for (const h of t.hosts ?? []) if (!hosts.has(h)) err(ing, `tls host "${h}" has no rule`);
    }
    if (ctx.production && !(ing.spec?.tls ?? []).length) err(ing, 'no TLS in a production overlay');
  }
  // realms: each provider's realm is its public host, and payment-service knows the same realms
  const cmValue = (svc, key) => objects.find((x) => x.kind === 'ConfigMap' && x.metadata.name === `${svc}-config`)?.data?.[key];
  for (const [svc, key] of Object.entries(PROVIDERS)) {
    const cm = objects.find((x) => x.kind === 'ConfigMap' && x.metadata.name === `${svc}-config`);
    if (!cm) continue;
    const realm = cm.data?.[key];
    if (!realm) err(cm, `${key} is not set (the default ${svc.split('-')[0]}.mppgateway.local is for local development only)`);
    else if (hostOf.has(svc) && realm !== hostOf.get(svc)) err(cm, `${key} "${realm}" is not the Ingress host of ${svc}'s /v1 ("${hostOf.get(svc)}")`);
    const pay = cmValue('payment-service', key);
    const payCm = objects.find((x) => x.kind === 'ConfigMap' && x.metadata.name === 'payment-service-config');
    if (payCm && pay !== realm) err(payCm, `${key} "${pay}" differs from ${svc}'s "${realm}" (payment-service maps callers to realms)`);
    const url = cm.data?.DISCOVERY_PUBLIC_URL;
    if (url && hostOf.has(svc) && new URL(url).host !== hostOf.get(svc)) err(cm, `DISCOVERY_PUBLIC_URL "${url}" is not on the Ingress host "${hostOf.get(svc)}"`);
  }

  // --- NetworkPolicies --------------------------------------------------------------------------
  const nps = all('NetworkPolicy');
  const peerPods = (peer, policyNs) => {
    if (peer.ipBlock) return null;
    const nsMatch = peer.namespaceSelector ? (n) => matchSelector(peer.namespaceSelector, { 'kubernetes.io/metadata.name': n }) : (n) => n === policyNs;
    return pods.filter((p) => nsMatch(p.ns) && (peer.podSelector ? matchSelector(peer.podSelector, p.labels) : true));
  };
  for (const np of nps) {
    const targets = pods.filter((p) => p.ns === ns(np) && matchSelector(np.spec?.podSelector ?? {}, p.labels));
    if (!targets.length) err(np, `podSelector ${JSON.stringify(np.spec?.podSelector)} matches no pod of the namespace`);
    for (const [dir, rules] of [['ingress', np.spec?.ingress ?? []], ['egress', np.spec?.egress ?? []]]) {
      rules.forEach((r, i) => {
        (r[dir === 'ingress' ? 'from' : 'to'] ?? []).forEach((peer, j) => {
          if (peer.namespaceSelector || peer.ipBlock) return; // pods of other namespaces are not in the render
          const hit = peerPods(peer, ns(np));
          if (!hit.length) err(np, `${dir}[${i}] peer ${j}: podSelector ${JSON.stringify(peer.podSelector)} matches no pod of the namespace`);
        });
        for (const p of r.ports ?? []) {
          if (typeof p.port !== 'string') continue;
          const on = dir === 'ingress' ? targets : (r.to ?? []).flatMap((peer) => peerPods(peer, ns(np)) ?? []);
          if (on.length && !on.some((t) => t.ports.has(p.port))) err(np, `${dir}[${i}]: named port "${p.port}" is not a port of the ${dir === 'ingress' ? 'selected' : 'destination'} pods`);
        }
      });
    }
  }
  // simulate: can pod A open a TCP connection to pod B on port P?
  const nsName = ctx.namespace;
  const actors = {
    'ingress-controller': { ns: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    prometheus: { ns: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } },
    'other-namespace': { ns: 'somewhere-else', labels: { 'app.kubernetes.io/name': 'payment-service' } },
  };
  const actor = (n) => actors[n] ?? (n === 'kafka' ? pods.find((p) => p.labels['strimzi.io/kind'] === 'Kafka') : pods.find((p) => p.name === n && p.ns === nsName));
  const portMatch = (rulePorts, target, port) => !rulePorts?.length || rulePorts.some((p) => (typeof p.port === 'string' ? target.ports?.get(p.port) === port : p.port === undefined || p.port === port));
  const peerHas = (peers, policyNs, who) => !peers || peers.some((peer) => {
    if (peer.ipBlock) return false;
    const nsOk = peer.namespaceSelector ? matchSelector(peer.namespaceSelector, { 'kubernetes.io/metadata.name': who.ns }) : who.ns === policyNs;
    return nsOk && (peer.podSelector ? matchSelector(peer.podSelector, who.labels) : true);
  });
  const allowed = (from, to, port) => {
    const egress = nps.filter((np) => ns(np) === from.ns && (np.spec?.policyTypes ?? ['Ingress']).includes('Egress') && matchSelector(np.spec?.podSelector ?? {}, from.labels));
    const ingress = nps.filter((np) => ns(np) === to.ns && (np.spec?.policyTypes ?? ['Ingress']).includes('Ingress') && matchSelector(np.spec?.podSelector ?? {}, to.labels));
    const eOk = !egress.length || egress.some((np) => (np.spec.egress ?? []).some((r) => peerHas(r.to, ns(np), to) && portMatch(r.ports, to, port)));
    // Strimzi writes the brokers' ingress policy from the listener's networkPolicyPeers
    let iOk;
    if (to.labels?.['strimzi.io/kind'] === 'Kafka') {
      const l = (to.owner?.spec?.kafka?.listeners ?? []).find((x) => x.port === port);
      iOk = !!l && (!l.networkPolicyPeers || peerHas(l.networkPolicyPeers, ns(to.owner), from));
    } else iOk = !ingress.length || ingress.some((np) => (np.spec.ingress ?? []).some((r) => peerHas(r.from, ns(np), from) && portMatch(r.ports, to, port)));
    return { ok: eOk && iOk, why: !eOk ? 'egress of the source' : 'ingress of the destination' };
  };
  if (nps.length) {
    const anchor = nps[0];
    for (const [a, b, port] of REQUIRED_FLOWS) {
      const from = actor(a); const to = actor(b);
      if (!from || !to) continue;
      const r = allowed(from, to, port);
      if (!r.ok) err(anchor, `the NetworkPolicies block ${a} -> ${b}:${port} (${r.why}), which the services need`);
    }
    for (const [a, b, port] of FORBIDDEN_FLOWS) {
      const from = actor(a); const to = actor(b);
      if (!from || !to) continue;
      if (allowed(from, to, port).ok) err(anchor, `the NetworkPolicies allow ${a} -> ${b}:${port}, which must stay impossible`);
    }
    for (const svc of SERVICES) {
      const p = actor(svc);
      if (p && !nps.some((np) => (np.spec?.policyTypes ?? []).includes('Egress') && matchSelector(np.spec?.podSelector ?? {}, p.labels))) err(anchor, `no NetworkPolicy restricts the egress of ${svc}`);
    }
  } else if (deployments.length) err(deployments[0], 'no NetworkPolicy in the namespace (default deny + allows expected)');

  // --- PodDisruptionBudgets, HPAs ---------------------------------------------------------------
  for (const pdb of all('PodDisruptionBudget')) {
    const matched = pods.filter((p) => p.owner?.kind === 'Deployment' && p.ns === ns(pdb) && matchSelector(pdb.spec?.selector, p.labels));
    if (!matched.length) { err(pdb, `selector ${JSON.stringify(pdb.spec?.selector ?? {})} matches no workload pods`); continue; }
    if (pdb.spec.maxUnavailable === 0 || pdb.spec.maxUnavailable === '0%') err(pdb, 'maxUnavailable 0 blocks every voluntary eviction (node drains hang)');
    for (const m of matched) {
      const h = hpas.find((x) => x.spec?.scaleTargetRef?.name === m.name);
      const n = h?.spec?.minReplicas ?? m.owner.spec?.replicas ?? 1;
      if (Number.isInteger(pdb.spec.minAvailable) && pdb.spec.minAvailable >= n) err(pdb, `minAvailable ${pdb.spec.minAvailable} >= ${n} replicas of ${m.name}: no pod could ever be evicted`);
    }
  }
  for (const h of hpas) {
    const t = h.spec?.scaleTargetRef ?? {};
    if (!objects.some((o) => o.kind === t.kind && o.metadata.name === t.name && ns(o) === ns(h))) err(h, `scaleTargetRef ${t.kind} "${t.name}" does not exist`);
    if ((h.spec?.minReplicas ?? 1) > h.spec?.maxReplicas) err(h, `minReplicas ${h.spec.minReplicas} > maxReplicas ${h.spec.maxReplicas}`);
  }

  // --- monitoring -------------------------------------------------------------------------------
  for (const sm of all('ServiceMonitor')) {
    const svcs = all('Service').filter((s) => ns(s) === ns(sm) && matchSelector(sm.spec?.selector, s.metadata.labels));
    if (!svcs.length) { err(sm, `selector ${JSON.stringify(sm.spec?.selector)} matches no Service (by its labels)`); continue; }
    for (const ep of sm.spec?.endpoints ?? []) {
      if (ep.port && !svcs.some((s) => (s.spec?.ports ?? []).some((p) => p.name === ep.port))) err(sm, `endpoint port "${ep.port}" is not a port name of the selected Service(s)`);
      if (svcs.some((s) => SERVICES.includes(s.metadata.name)) && ep.path !== '/q/metrics') err(sm, `endpoint path must be /q/metrics (Quarkus Micrometer), not ${ep.path ?? '/metrics'}`);
    }
  }
  for (const pm of all('PodMonitor')) {
    if (!pods.some((p) => p.ns === ns(pm) && matchSelector(pm.spec?.selector, p.labels))) err(pm, `selector ${JSON.stringify(pm.spec?.selector)} matches no pod`);
  }

  // --- Kafka ------------------------------------------------------------------------------------
  const brokers = (k) => all('KafkaNodePool').filter((p) => p.metadata.labels?.['strimzi.io/cluster'] === k && (p.spec?.roles ?? []).includes('broker')).reduce((n, p) => n + (p.spec?.replicas ?? 0), 0);
  for (const o of objects.filter((x) => ['KafkaTopic', 'KafkaUser', 'KafkaNodePool'].includes(x.kind))) {
    const c = o.metadata.labels?.['strimzi.io/cluster'];
    if (!kafkas.some((k) => k.metadata.name === c && ns(k) === ns(o))) { err(o, `label strimzi.io/cluster "${c}" names no Kafka resource of the namespace`); continue; }
    if (o.kind === 'KafkaTopic') {
      const b = brokers(c); const rf = o.spec?.replicas ?? 1; const isr = Number(o.spec?.config?.['min.insync.replicas'] ?? 1);
      if (rf > b) err(o, `replicas ${rf} > the ${b} broker(s) of Kafka "${c}"`);
      if (rf > 1 && isr >= rf) err(o, `min.insync.replicas ${isr} must be below replicas ${rf} (otherwise one broker down stops every write)`);
      if (ctx.production && (rf < 3 || isr < 2)) err(o, `production topics need replicas >= 3 and min.insync.replicas >= 2 (have ${rf} / ${isr})`);
    }
  }
  for (const k of kafkas) {
    if (!brokers(k.metadata.name)) err(k, 'no KafkaNodePool with the broker role');
    if (!all('KafkaNodePool').some((p) => p.metadata.labels?.['strimzi.io/cluster'] === k.metadata.name && (p.spec?.roles ?? []).includes('controller'))) err(k, 'no KafkaNodePool with the controller role (KRaft)');
    if (String(k.spec?.kafka?.config?.['auto.create.topics.enable']) !== 'false') err(k, 'auto.create.topics.enable must be false: topics exist only as KafkaTopic resources');
  }

  // --- PostgreSQL (CloudNativePG) ---------------------------------------------------------------
  for (const c of all('Cluster')) {
    if (ctx.production) {
      if ((c.spec?.instances ?? 1) < 3) err(c, `production needs 3 instances (has ${c.spec?.instances ?? 1})`);
      if (!(c.spec?.plugins ?? []).some((p) => p.isWALArchiver) && !c.spec?.backup?.barmanObjectStore) err(c, 'no WAL archiving / backups configured (components/backups)');
      if (!all('ScheduledBackup').some((b) => b.spec?.cluster?.name === c.metadata.name)) err(c, 'no ScheduledBackup for this cluster');
    }
  }
  for (const b of all('ScheduledBackup')) if (!all('Cluster').some((c) => c.metadata.name === b.spec?.cluster?.name)) err(b, `cluster "${b.spec?.cluster?.name}" does not exist`);
  for (const os of all('ObjectStore')) if (!all('Cluster').some((c) => (c.spec?.plugins ?? []).some((p) => p.parameters?.barmanObjectName === os.metadata.name))) warn(os, 'no Cluster archives to this ObjectStore');

  for (const cm of all('ConfigMap')) if (!usedConfigMaps.has(cm)) warn(cm, 'ConfigMap is not referenced by any workload');
  return { res, usedSecrets };
}

// ----------------------------------------------------------------------------------------------
// main
// ----------------------------------------------------------------------------------------------
async function validateAll(objects, ctx) {
  const { res } = checkTarget(objects, ctx);
  for (const o of objects) {
    const r = res.get(o);
    const core = !String(o.apiVersion).includes('.') || /\.k8s\.io\//.test(o.apiVersion);
    if (core) {
      const m = await modelFor(o);
      if (m.error) r.errors.unshift(m.error);
      else {
        try { new m.Model(clone(o)).validate(); } catch (e) { r.errors.unshift(`schema: ${e.message}`); }
        const unknown = []; unknownFields(o, shapeOf(m.dts), '', unknown);
        r.errors.unshift(...unknown.map((u) => `schema: ${u}`));
      }
    } else r.errors.unshift(...validateCustom(o));
  }
  return res;
}

// Every fixture directory (a kustomization that breaks one rule of a real overlay) must be rejected with each
// message of its expected-errors.txt; an "args" file may hold --production.
async function selfTest(root, base) {
  let passed = 0; let failed = 0;
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!statSync(dir).isDirectory()) continue;
    const expected = readFileSync(join(dir, 'expected-errors.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const production = existsSync(join(dir, 'args')) && readFileSync(join(dir, 'args'), 'utf8').includes('--production');
    const errors = [];
    try {
      const objects = render(dir);
      const namespace = objects.find((o) => o.metadata?.namespace)?.metadata.namespace ?? '';
      const res = await validateAll(objects, { ...base, production, namespace, strictMakers: production });
      for (const o of objects) for (const e of res.get(o).errors) errors.push(`${display(o)}: ${e}`);
    } catch (e) { errors.push(e.message); }
    const missing = expected.filter((x) => !errors.some((e) => e.includes(x)));
    if (expected.length && errors.length && !missing.length) { console.log(`OK    [self-test] fixtures/${name} rejected (${expected.map((x) => `"${x}"`).join('; ')})`); passed++; }
    else {
      console.log(`FAIL  [self-test] fixtures/${name} must be rejected with every message of expected-errors.txt`);
      for (const m of missing) console.log(`        missing: ${m}`);
      for (const e of errors.slice(0, 15)) console.log(`        | ${e}`);
      failed++;
    }
  }
  return { passed, failed };
}

async function main() {
  const args = process.argv.slice(2);
  const dirs = []; let doc = join(REPO, 'k8s/README.md'); let label = null; let production = false; let selfTestDir = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--doc') doc = args[++i];
    else if (a === '--label') label = args[++i];
    else if (a === '--production') production = true;
    else if (a === '--self-test') selfTestDir = args[++i];
    else if (a === '-h' || a === '--help') { console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 24).join('\n')); return 0; }
    else if (a.startsWith('-')) { console.error(`unknown option ${a}`); return 2; }
    else dirs.push(a);
  }
  if (!dirs.length && !selfTestDir) { console.error('usage: node validate.mjs [--doc FILE] [--production] [--label TEXT] <kustomization-dir>...'); return 2; }
  if (!existsSync(doc)) { console.error(`--doc ${doc}: no such file`); return 2; }
  const secretsDoc = readSecretsDoc(doc);
  if (!secretsDoc.size) { console.error(`${rel(doc)} has no Secrets table (| Secret | Keys | Made by |)`); return 2; }
  loadCrds();
  let passed = 0; let failed = 0;
  for (const dir of dirs) {
    const tag = `[${label ?? rel(resolve(dir))}]`;
    let objects;
    try { objects = render(resolve(dir)); } catch (e) { console.log(`FAIL  ${tag} ${e.message}`); failed++; continue; }
    const namespace = objects.find((o) => o.metadata?.namespace)?.metadata.namespace ?? '';
    const res = await validateAll(objects, { secretsDoc, docName: rel(doc), production, namespace, strictMakers: production });
    const counts = new Map();
    for (const o of objects) {
      const r = res.get(o);
      counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
      const status = r.errors.length ? 'FAIL' : r.warnings.length ? 'WARN' : 'OK';
      console.log(`${status.padEnd(5)} ${tag} ${display(o)}`);
      for (const e of r.errors) console.log(`        error: ${e}`);
      for (const w of r.warnings) console.log(`        warning: ${w}`);
      if (r.errors.length) failed++; else passed++;
    }
    console.log(`INFO  ${tag} ${objects.length} objects validated: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  }
  if (selfTestDir) {
    const st = await selfTest(resolve(selfTestDir), { secretsDoc, docName: rel(doc) });
    passed += st.passed; failed += st.failed;
  }
  console.log(`k8s: ${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
