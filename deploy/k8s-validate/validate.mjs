#!/usr/bin/env node
// Offline validator for the llm-gateway kustomize manifests (no cluster, no kustomize binary needed).
//
//   node validate.mjs [options] <kustomization-dir>...
//
// Options:
//   --secrets-doc <file>   Markdown file whose `kubectl create secret generic|tls <name> ...` commands
//                          declare the Secrets that live outside the manifests (name + keys).
//   --kubectl              Also render every directory with `kubectl kustomize` (kustomize v5 built
//                          into kubectl) and require it to agree with this resolver, object by object.
//   --label <text>         Prefix for the output lines (default: the directory path).
//
// For every directory it
//   1. resolves the kustomization itself: `resources` (files and nested kustomizations, recursively),
//      `patches` / `patchesStrategicMerge` (strategic merge and JSON 6902), `namespace`, `labels`,
//      `commonLabels`, `replicas`, `images`. Any other kustomization field is an error (never silently ignored);
//   2. validates each object against the Kubernetes OpenAPI schema (npm kubernetes-models, ajv) and
//      rejects fields the schema does not know (typos such as `readinessprobe`);
//   3. checks cross-references: Service selector -> Deployment pods, Service targetPort -> containerPort,
//      Ingress backend -> Service name + port, configMapRef/configMapKeyRef/secretRef/secretKeyRef/volumes ->
//      declared ConfigMap/Secret or a Secret documented in --secrets-doc (with its keys), probe ports,
//      volumeMounts, PodDisruptionBudget selectors, Ingress TLS Secrets and hosts;
//   4. checks the project's deployment rules (probes on the Quarkus health endpoints, runAsNonRoot,
//      readOnlyRootFilesystem with an emptyDir at /tmp, requests/limits, -Xmx in JDK_JAVA_OPTIONS below the
//      memory limit, QUARKUS_HTTP_PORT == containerPort, no committed Secret values).
//
// Prints one line per object (OK / WARN / FAIL, details indented below) and ends with
//   k8s: <passed> passed, <failed> failed
// Exit status 1 when anything failed, 2 on usage errors.

import { readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve, relative, basename, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

const HERE = dirname(fileURLToPath(import.meta.url));
const NODE_MODULES = join(HERE, 'node_modules');

// ----------------------------------------------------------------------------------------------
// small helpers
// ----------------------------------------------------------------------------------------------
const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const rel = (p) => relative(process.cwd(), p) || '.';

class KError extends Error {}

function readYamlDocs(file) {
  const text = readFileSync(file, 'utf8');
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const out = [];
  for (const doc of docs) {
    if (doc.errors?.length) throw new KError(`${rel(file)}: YAML error: ${doc.errors[0].message}`);
    const js = doc.toJS();
    if (js === null || js === undefined) continue; // empty document (comments only)
    out.push(js);
  }
  return out;
}

// Object identity as kustomize sees it.
const groupOf = (apiVersion) => (String(apiVersion).includes('/') ? String(apiVersion).split('/')[0] : '');
const idOf = (o) => `${o.kind}/${o.metadata?.namespace ?? '~'}/${o.metadata?.name}`;
const display = (o) => `${o.kind} ${o.metadata?.namespace ? o.metadata.namespace + '/' : ''}${o.metadata?.name}`;

const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass',
  'CustomResourceDefinition', 'IngressClass', 'PriorityClass', 'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration', 'APIService', 'RuntimeClass', 'VolumeAttachment', 'CSIDriver', 'CSINode',
]);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);
const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

// ----------------------------------------------------------------------------------------------
// kustomize resolver (the subset this repository uses; everything else is rejected explicitly)
// ----------------------------------------------------------------------------------------------
const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const SUPPORTED_FIELDS = new Set([
  'apiVersion', 'kind', 'resources', 'namespace', 'labels', 'commonLabels', 'replicas', 'patches',
  'patchesStrategicMerge', 'images',
]);

function kustomizationFile(dir) {
  for (const f of KUSTOMIZATION_FILES) if (existsSync(join(dir, f))) return join(dir, f);
  return null;
}

const isInside = (root, p) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

// Returns [{obj, file}] in kustomize order.
function build(dir, stack = []) {
  dir = resolve(dir);
  if (stack.includes(dir)) throw new KError(`kustomization cycle: ${[...stack, dir].map(rel).join(' -> ')}`);
  const kfile = kustomizationFile(dir);
  if (!kfile) throw new KError(`${rel(dir)}: no kustomization.yaml`);
  const docs = readYamlDocs(kfile);
  if (docs.length !== 1 || !isObj(docs[0])) throw new KError(`${rel(kfile)}: must contain exactly one YAML mapping`);
  const k = docs[0];
  for (const key of Object.keys(k)) {
    if (!SUPPORTED_FIELDS.has(key)) {
      throw new KError(`${rel(kfile)}: field "${key}" is not supported by this validator's resolver ` +
        `(supported: ${[...SUPPORTED_FIELDS].join(', ')}); extend validate.mjs before using it`);
    }
  }
  if (k.kind !== undefined && k.kind !== 'Kustomization') throw new KError(`${rel(kfile)}: kind must be Kustomization`);
  if (k.apiVersion !== undefined && k.apiVersion !== 'kustomize.config.k8s.io/v1beta1') {
    throw new KError(`${rel(kfile)}: apiVersion must be kustomize.config.k8s.io/v1beta1`);
  }

  // 1. resources
  let items = [];
  const seen = new Map();
  const add = (entry) => {
    const id = idOf(entry.obj);
    if (seen.has(id)) {
      throw new KError(`${rel(kfile)}: duplicate object ${display(entry.obj)} (from ${rel(seen.get(id))} and ${rel(entry.file)})`);
    }
    seen.set(id, entry.file);
    items.push(entry);
  };
  for (const r of asList(k.resources, kfile, 'resources')) {
    if (typeof r !== 'string') throw new KError(`${rel(kfile)}: resources entries must be strings`);
    if (/^[a-z]+:\/\//i.test(r) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(r)) {
      throw new KError(`${rel(kfile)}: remote resource "${r}" is not supported (offline validator)`);
    }
    const p = resolve(dir, r);
    if (!existsSync(p)) throw new KError(`${rel(kfile)}: resource "${r}" does not exist`);
    if (statSync(p).isDirectory()) {
      for (const e of build(p, [...stack, dir])) add(e);
    } else {
      if (!isInside(dir, p)) {
        throw new KError(`${rel(kfile)}: file resource "${r}" is outside the kustomization root (kustomize's load restrictor rejects it)`);
      }
      for (const obj of readYamlDocs(p)) {
        if (!isObj(obj)) throw new KError(`${rel(p)}: every document must be a mapping`);
        if (obj.kind === 'Kustomization') throw new KError(`${rel(p)}: a Kustomization listed as a file resource; list its directory`);
        if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) {
          throw new KError(`${rel(p)}: object without apiVersion/kind/metadata.name: ${JSON.stringify(obj).slice(0, 120)}`);
        }
        add({ obj, file: p });
      }
    }
  }

  // 2. patchesStrategicMerge, then patches (kustomize's transformer order)
  for (const p of asList(k.patchesStrategicMerge, kfile, 'patchesStrategicMerge')) {
    const { docs: pdocs, where } = loadPatch(dir, kfile, typeof p === 'string' && !p.includes('\n') ? { path: p } : { patch: p });
    for (const pd of pdocs) applySmpByName(items, pd, where);
  }
  for (const p of asList(k.patches, kfile, 'patches')) {
    if (!isObj(p)) throw new KError(`${rel(kfile)}: patches entries must be mappings with path or patch`);
    for (const key of Object.keys(p)) {
      if (!['path', 'patch', 'target'].includes(key)) throw new KError(`${rel(kfile)}: patches.${key} is not supported`);
    }
    const { docs: pdocs, where, json6902 } = loadPatch(dir, kfile, p);
    if (json6902) {
      if (!p.target) throw new KError(`${where}: a JSON 6902 patch needs a target`);
      const targets = selectTargets(items, p.target, where);
      for (const t of targets) t.obj = applyJson6902(t.obj, pdocs, where);
    } else if (p.target) {
      const targets = selectTargets(items, p.target, where);
      for (const pd of pdocs) for (const t of targets) t.obj = smpMerge(t.obj, pd, where, '');
    } else {
      for (const pd of pdocs) applySmpByName(items, pd, where);
    }
  }

  // 3. namespace
  if (k.namespace !== undefined) {
    if (typeof k.namespace !== 'string' || !k.namespace) throw new KError(`${rel(kfile)}: namespace must be a non-empty string`);
    for (const it of items) if (!CLUSTER_SCOPED.has(it.obj.kind)) it.obj.metadata.namespace = k.namespace;
  }

  // 4. labels / commonLabels
  if (k.commonLabels !== undefined) {
    if (!isObj(k.commonLabels)) throw new KError(`${rel(kfile)}: commonLabels must be a mapping`);
    for (const it of items) applyLabels(it.obj, k.commonLabels, true, true);
  }
  for (const l of asList(k.labels, kfile, 'labels')) {
    if (!isObj(l) || !isObj(l.pairs)) throw new KError(`${rel(kfile)}: labels entries need "pairs"`);
    for (const key of Object.keys(l)) {
      if (!['pairs', 'includeSelectors', 'includeTemplates'].includes(key)) {
        throw new KError(`${rel(kfile)}: labels.${key} is not supported`);
      }
    }
    for (const it of items) applyLabels(it.obj, l.pairs, !!l.includeSelectors, !!l.includeSelectors || !!l.includeTemplates);
  }

  // 5. replicas
  for (const r of asList(k.replicas, kfile, 'replicas')) {
    if (!isObj(r) || typeof r.name !== 'string' || !Number.isInteger(r.count)) {
      throw new KError(`${rel(kfile)}: replicas entries need name (string) and count (integer)`);
    }
    const hits = items.filter((it) => SCALABLE.has(it.obj.kind) && it.obj.metadata.name === r.name);
    if (!hits.length) throw new KError(`${rel(kfile)}: replicas: no Deployment/StatefulSet named "${r.name}"`);
    for (const it of hits) { it.obj.spec ??= {}; it.obj.spec.replicas = r.count; }
  }

  // 6. images (what `kustomize edit set image` writes)
  for (const im of asList(k.images, kfile, 'images')) {
    if (!isObj(im) || typeof im.name !== 'string') throw new KError(`${rel(kfile)}: images entries need a name`);
    for (const key of Object.keys(im)) {
      if (!['name', 'newName', 'newTag', 'digest'].includes(key)) throw new KError(`${rel(kfile)}: images.${key} is not supported`);
    }
    let hit = false;
    for (const it of items) {
      const pod = it.obj.spec?.template?.spec;
      for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
        const m = String(c.image ?? '').match(/^(.*?)(?::([^:/@]+))?(?:@(.+))?$/);
        if (!m || m[1] !== im.name) continue;
        hit = true;
        const name = im.newName ?? m[1];
        if (im.digest) c.image = `${name}@${im.digest}`;
        else if (im.newTag !== undefined) c.image = `${name}:${im.newTag}`;
        else c.image = `${name}${m[2] ? ':' + m[2] : ''}${m[3] ? '@' + m[3] : ''}`;
      }
    }
    if (!hit) console.log(`WARN  ${rel(kfile)}: images entry "${im.name}" matches no container`);
  }
  return items;
}

function asList(v, kfile, field) {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new KError(`${rel(kfile)}: ${field} must be a list`);
  return v;
}

function loadPatch(dir, kfile, p) {
  let docs; let where;
  if (typeof p.path === 'string') {
    const file = resolve(dir, p.path);
    if (!existsSync(file)) throw new KError(`${rel(kfile)}: patch file "${p.path}" does not exist`);
    if (!isInside(dir, file)) throw new KError(`${rel(kfile)}: patch file "${p.path}" is outside the kustomization root`);
    docs = readYamlDocs(file); where = rel(file);
  } else if (typeof p.patch === 'string') {
    docs = parseAllDocuments(p.patch).map((d) => d.toJS()).filter((d) => d != null); where = `${rel(kfile)} (inline patch)`;
  } else {
    throw new KError(`${rel(kfile)}: a patch needs "path" or "patch"`);
  }
  if (docs.length === 1 && Array.isArray(docs[0])) return { docs: docs[0], where, json6902: true };
  for (const d of docs) if (!isObj(d)) throw new KError(`${where}: strategic-merge patch documents must be mappings`);
  return { docs, where, json6902: false };
}

function selectTargets(items, target, where) {
  if (!isObj(target)) throw new KError(`${where}: target must be a mapping`);
  for (const key of Object.keys(target)) {
    if (!['group', 'version', 'kind', 'name', 'namespace'].includes(key)) {
      throw new KError(`${where}: target.${key} is not supported by this validator`);
    }
  }
  const re = (s) => new RegExp(`^(?:${s})$`); // kustomize matches name/namespace as anchored regexes
  const hits = items.filter(({ obj }) => {
    const [g, v] = String(obj.apiVersion).includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
    if (target.group !== undefined && target.group !== g) return false;
    if (target.version !== undefined && target.version !== v) return false;
    if (target.kind !== undefined && target.kind !== obj.kind) return false;
    if (target.name !== undefined && !re(target.name).test(obj.metadata.name)) return false;
    if (target.namespace !== undefined && !re(target.namespace).test(obj.metadata.namespace ?? '')) return false;
    return true;
  });
  if (!hits.length) throw new KError(`${where}: patch target ${JSON.stringify(target)} matches no object`);
  return hits;
}

function applySmpByName(items, patch, where) {
  if (!patch.kind || !patch.metadata?.name) throw new KError(`${where}: strategic-merge patch needs kind and metadata.name`);
  const hits = items.filter(({ obj }) => obj.kind === patch.kind && obj.metadata.name === patch.metadata.name &&
    (patch.metadata.namespace === undefined || patch.metadata.namespace === obj.metadata.namespace) &&
    (patch.apiVersion === undefined || groupOf(patch.apiVersion) === groupOf(obj.apiVersion)));
  if (!hits.length) throw new KError(`${where}: patch for ${patch.kind}/${patch.metadata.name} matches no object`);
  if (hits.length > 1) throw new KError(`${where}: patch for ${patch.kind}/${patch.metadata.name} is ambiguous`);
  hits[0].obj = smpMerge(hits[0].obj, patch, where, '');
}

// Strategic merge patch: maps merge, null deletes, lists with a merge key merge element-wise,
// other lists are replaced (what kustomize does for e.g. Ingress rules or args).
function mergeKeyFor(field, list) {
  if (['containers', 'initContainers', 'ephemeralContainers', 'env', 'volumes', 'imagePullSecrets'].includes(field)) return 'name';
  if (field === 'volumeMounts') return 'mountPath';
  if (field === 'ports') return list.some((e) => isObj(e) && 'containerPort' in e) ? 'containerPort' : 'port';
  return null;
}

function smpMerge(target, patch, where, path) {
  if (!isObj(target) || !isObj(patch)) return clone(patch);
  const out = clone(target);
  for (const [key, pv] of Object.entries(patch)) {
    if (key.startsWith('$')) throw new KError(`${where}: patch directive "${key}" at ${path || '/'} is not supported by this validator`);
    if (pv === null) { delete out[key]; continue; }
    const tv = out[key];
    if (isObj(tv) && isObj(pv)) out[key] = smpMerge(tv, pv, where, `${path}/${key}`);
    else if (Array.isArray(tv) && Array.isArray(pv)) {
      const mk = mergeKeyFor(key, [...tv, ...pv]);
      if (!mk) { out[key] = clone(pv); continue; }
      const merged = clone(tv);
      for (const pe of pv) {
        if (!isObj(pe) || pe[mk] === undefined) throw new KError(`${where}: ${path}/${key}: list element without merge key "${mk}"`);
        if (Object.keys(pe).some((x) => x.startsWith('$'))) throw new KError(`${where}: ${path}/${key}: patch directives are not supported`);
        const i = merged.findIndex((te) => isObj(te) && te[mk] === pe[mk]);
        if (i >= 0) merged[i] = smpMerge(merged[i], pe, where, `${path}/${key}/${pe[mk]}`);
        else merged.push(clone(pe));
      }
      out[key] = merged;
    } else out[key] = clone(pv);
  }
  return out;
}

// JSON 6902 (add / replace / remove / test).
function applyJson6902(obj, ops, where) {
  const doc = clone(obj);
  for (const [i, op] of ops.entries()) {
    const label = `${where}: op #${i + 1} (${op?.op} ${op?.path})`;
    if (!isObj(op) || typeof op.path !== 'string' || !op.path.startsWith('/')) throw new KError(`${label}: needs op and an absolute path`);
    const parts = op.path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop();
    let parent = doc;
    for (const p of parts) {
      const next = Array.isArray(parent) ? parent[Number(p)] : parent?.[p];
      if (next === undefined || next === null || typeof next !== 'object') throw new KError(`${label}: path does not exist`);
      parent = next;
    }
    const exists = Array.isArray(parent) ? (last === '-' ? false : Number(last) < parent.length) : Object.hasOwn(parent, last);
    switch (op.op) {
      case 'add':
        if (!('value' in op)) throw new KError(`${label}: add needs a value`);
        if (Array.isArray(parent)) {
          const idx = last === '-' ? parent.length : Number(last);
          if (!Number.isInteger(idx) || idx > parent.length) throw new KError(`${label}: bad array index`);
          parent.splice(idx, 0, clone(op.value));
        } else parent[last] = clone(op.value);
        break;
      case 'replace':
        if (!exists) throw new KError(`${label}: replace of a missing path`);
        if (Array.isArray(parent)) parent[Number(last)] = clone(op.value); else parent[last] = clone(op.value);
        break;
      case 'remove':
        if (!exists) throw new KError(`${label}: remove of a missing path`);
        if (Array.isArray(parent)) parent.splice(Number(last), 1); else delete parent[last];
        break;
      case 'test': {
        const cur = Array.isArray(parent) ? parent[Number(last)] : parent[last];
        if (JSON.stringify(cur) !== JSON.stringify(op.value)) throw new KError(`${label}: test failed`);
        break;
      }
      default:
        throw new KError(`${label}: operation "${op.op}" is not supported by this validator`);
    }
  }
  return doc;
}

function applyLabels(obj, pairs, selectors, templates) {
  const put = (holder, key) => { holder[key] = { ...(holder[key] ?? {}), ...Object.fromEntries(Object.entries(pairs).map(([a, b]) => [a, String(b)])) }; };
  obj.metadata ??= {};
  put(obj.metadata, 'labels');
  if (templates && WORKLOADS.has(obj.kind) && obj.spec?.template) {
    obj.spec.template.metadata ??= {};
    put(obj.spec.template.metadata, 'labels');
  }
  if (selectors) {
    if (obj.kind === 'Service') { obj.spec ??= {}; put(obj.spec, 'selector'); }
    if ((WORKLOADS.has(obj.kind) && obj.kind !== 'Job') || obj.kind === 'PodDisruptionBudget') {
      obj.spec ??= {}; obj.spec.selector ??= {}; put(obj.spec.selector, 'matchLabels');
    }
    if (obj.kind === 'NetworkPolicy') { obj.spec ??= {}; obj.spec.podSelector ??= {}; put(obj.spec.podSelector, 'matchLabels'); }
  }
}

// ----------------------------------------------------------------------------------------------
// schema validation: kubernetes-models (ajv) + unknown-field check from its type declarations
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

// ----------------------------------------------------------------------------------------------
// external Secrets documented in the README
// ----------------------------------------------------------------------------------------------
function readSecretsDoc(file) {
  const secrets = new Map(); // name -> Set(keys) | null (keys unknown)
  const text = readFileSync(file, 'utf8').replace(/\\\r?\n/g, ' ');
  for (const m of text.matchAll(/kubectl\s+(?:-n\s+\S+\s+|--namespace[= ]\S+\s+)*create\s+secret\s+(generic|tls)\s+([a-z0-9][a-z0-9.-]*)([^\n]*)/g)) {
    const [, type, name, rest] = m;
    let keys = new Set();
    if (type === 'tls') keys = new Set(['tls.crt', 'tls.key']);
    for (const a of rest.matchAll(/--from-literal[= ]([^=\s]+)=/g)) keys.add(a[1]);
    for (const a of rest.matchAll(/--from-file[= ](\S+)/g)) keys.add(a[1].includes('=') ? a[1].split('=')[0] : basename(a[1]));
    if (/--from-env-file/.test(rest)) keys = null;
    const prev = secrets.get(name);
    if (prev === undefined) secrets.set(name, keys);
    else if (prev && keys) for (const x of keys) prev.add(x);
    else secrets.set(name, null);
  }
  return secrets;
}

// ----------------------------------------------------------------------------------------------
// quantities
// ----------------------------------------------------------------------------------------------
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
// checks
// ----------------------------------------------------------------------------------------------
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const PLACEHOLDER = /REPLACE_ME|CHANGE_ME|\bexample\.(com|org|net)\b/;

const subset = (sel, labels) => isObj(sel) && Object.keys(sel).length > 0 &&
  Object.entries(sel).every(([k, v]) => (labels ?? {})[k] === v);

function checkTarget(objects, ctx) {
  const res = new Map(objects.map((o) => [o, { errors: [], warnings: [] }]));
  const err = (o, m) => res.get(o).errors.push(m);
  const warn = (o, m) => res.get(o).warnings.push(m);
  const inNs = (o, kind) => objects.filter((x) => x.kind === kind && (x.metadata.namespace ?? '') === (o.metadata.namespace ?? ''));
  const deployments = objects.filter((o) => WORKLOADS.has(o.kind));
  const usedConfigMaps = new Set();

  const secretRef = (o, where, name, key, optional) => {
    const declared = inNs(o, 'Secret').find((s) => s.metadata.name === name);
    if (declared) {
      const keys = new Set([...Object.keys(declared.data ?? {}), ...Object.keys(declared.stringData ?? {})]);
      if (key !== undefined && !keys.has(key) && !optional) err(o, `${where}: Secret "${name}" has no key "${key}"`);
      return;
    }
    if (!ctx.externalSecrets.has(name)) {
      if (!optional) {
        err(o, `${where}: Secret "${name}" is neither declared in the manifests nor documented as external` +
          (ctx.secretsDoc ? ` in ${rel(ctx.secretsDoc)}` : ' (no --secrets-doc given)'));
      }
      return;
    }
    const keys = ctx.externalSecrets.get(name);
    if (key !== undefined && keys && !keys.has(key) && !optional) {
      err(o, `${where}: key "${key}" of external Secret "${name}" is not in its documented create command ` +
        `(documented keys: ${[...keys].join(', ') || 'none'})`);
    }
  };
  const configMapRef = (o, where, name, key, optional) => {
    const cm = inNs(o, 'ConfigMap').find((c) => c.metadata.name === name);
    if (!cm) { if (!optional) err(o, `${where}: ConfigMap "${name}" is not declared in namespace "${o.metadata.namespace ?? '(none)'}"`); return; }
    usedConfigMaps.add(cm);
    if (key !== undefined && !Object.hasOwn(cm.data ?? {}, key) && !Object.hasOwn(cm.binaryData ?? {}, key) && !optional) {
      err(o, `${where}: ConfigMap "${name}" has no key "${key}"`);
    }
  };

  // --- per object -----------------------------------------------------------------------------
  for (const o of objects) {
    const name = o.metadata?.name ?? '';
    if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) err(o, `metadata.name "${name}" is not a valid DNS-1123 subdomain`);
    if (o.kind === 'Service' && (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63)) err(o, `Service name "${name}" must be a DNS-1035 label`);
    if (o.metadata?.namespace !== undefined && !DNS1123_LABEL.test(o.metadata.namespace)) err(o, `namespace "${o.metadata.namespace}" is not a DNS-1123 label`);
    const labelSets = [['metadata.labels', o.metadata?.labels], ['spec.template.metadata.labels', o.spec?.template?.metadata?.labels]];
    for (const [where, labels] of labelSets) {
      for (const [k, v] of Object.entries(labels ?? {})) {
        if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) err(o, `${where}: value of "${k}" is not a valid label value: ${JSON.stringify(v)}`);
      }
    }
    if (ctx.requiredLabels) {
      for (const [k, v] of Object.entries(ctx.requiredLabels)) {
        if (o.metadata?.labels?.[k] !== v) err(o, `metadata.labels: missing ${k}=${v}`);
        if (WORKLOADS.has(o.kind) && o.spec?.template?.metadata?.labels?.[k] !== v) err(o, `pod template labels: missing ${k}=${v}`);
      }
    }
    const flat = JSON.stringify(o);
    const ph = flat.match(new RegExp(PLACEHOLDER.source, 'g'));
    if (ph) warn(o, `placeholder value(s) still present: ${[...new Set(ph)].join(', ')} (set the real value before deploying)`);

    if (o.kind === 'Secret') {
      if (Object.keys(o.data ?? {}).length || Object.keys(o.stringData ?? {}).length) {
        err(o, 'Secret with data/stringData in the manifests: secret values must never be committed (create it out of band, see k8s/README.md)');
      }
    }
  }

  // --- workloads ------------------------------------------------------------------------------
  for (const d of deployments) {
    const spec = d.spec ?? {};
    const tpl = spec.template ?? {};
    const pod = tpl.spec ?? {};
    const podLabels = tpl.metadata?.labels ?? {};
    if (d.kind !== 'Job') {
      if (spec.selector?.matchExpressions) warn(d, 'spec.selector.matchExpressions is not evaluated by this validator');
      if (!subset(spec.selector?.matchLabels, podLabels)) err(d, 'spec.selector.matchLabels must be non-empty and match spec.template.metadata.labels');
    }
    if (SCALABLE.has(d.kind) && !Number.isInteger(spec.replicas)) err(d, 'spec.replicas must be set explicitly');
    const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
    for (const v of pod.volumes ?? []) {
      if (v.configMap) configMapRef(d, `volume "${v.name}"`, v.configMap.name, undefined, v.configMap.optional);
      if (v.secret) secretRef(d, `volume "${v.name}"`, v.secret.secretName, undefined, v.secret.optional);
      for (const s of v.projected?.sources ?? []) {
        if (s.configMap) configMapRef(d, `volume "${v.name}"`, s.configMap.name, undefined, s.configMap.optional);
        if (s.secret) secretRef(d, `volume "${v.name}"`, s.secret.name, undefined, s.secret.optional);
      }
    }
    const podNonRoot = pod.securityContext?.runAsNonRoot === true;
    if (pod.securityContext?.runAsUser === 0) err(d, 'pod securityContext.runAsUser is 0 (root)');
    const containers = [...(pod.initContainers ?? []).map((c) => ['initContainer', c]), ...(pod.containers ?? []).map((c) => ['container', c])];
    for (const [what, c] of containers) {
      const cw = `${what} "${c.name}"`;
      const ports = c.ports ?? [];
      const portByName = new Map(ports.filter((p) => p.name).map((p) => [p.name, p.containerPort]));
      const portNumbers = new Set(ports.map((p) => p.containerPort));
      // image
      const img = String(c.image ?? '');
      const tag = img.includes('@') ? 'digest' : (img.split('/').pop().split(':')[1] ?? '');
      if (!img) err(d, `${cw}: no image`);
      else if (!tag || tag === 'latest') err(d, `${cw}: image "${img}" needs an explicit tag (not latest)`);
      // env
      const envNames = new Map();
      const envValue = new Map();
      for (const ef of c.envFrom ?? []) {
        if (ef.configMapRef) {
          configMapRef(d, `${cw} envFrom`, ef.configMapRef.name, undefined, ef.configMapRef.optional);
          const cm = inNs(d, 'ConfigMap').find((x) => x.metadata.name === ef.configMapRef.name);
          for (const [k, v] of Object.entries(cm?.data ?? {})) envValue.set(`${ef.prefix ?? ''}${k}`, v);
        }
        if (ef.secretRef) secretRef(d, `${cw} envFrom`, ef.secretRef.name, undefined, ef.secretRef.optional);
      }
      for (const e of c.env ?? []) {
        if (envNames.has(e.name)) err(d, `${cw}: env "${e.name}" is defined twice`);
        envNames.set(e.name, e);
        if (e.value !== undefined) envValue.set(e.name, e.value);
        const vf = e.valueFrom ?? {};
        if (vf.secretKeyRef) secretRef(d, `${cw} env ${e.name}`, vf.secretKeyRef.name, vf.secretKeyRef.key, vf.secretKeyRef.optional);
        if (vf.configMapKeyRef) {
          configMapRef(d, `${cw} env ${e.name}`, vf.configMapKeyRef.name, vf.configMapKeyRef.key, vf.configMapKeyRef.optional);
          const cm = inNs(d, 'ConfigMap').find((x) => x.metadata.name === vf.configMapKeyRef.name);
          if (cm?.data?.[vf.configMapKeyRef.key] !== undefined) envValue.set(e.name, cm.data[vf.configMapKeyRef.key]);
        }
        if (vf.secretKeyRef) envValue.delete(e.name);
        if (e.value !== undefined && /(PASSWORD|SECRET|API_KEY|TOKEN)$/.test(e.name)) {
          err(d, `${cw}: env ${e.name} has a literal value; secrets must come from a secretKeyRef`);
        }
      }
      for (const [k] of envValue) {
        if (/(PASSWORD|SECRET_KEY|API_KEY|TOKEN)$/.test(k) && !envNames.get(k)?.valueFrom?.secretKeyRef) {
          err(d, `${cw}: ${k} comes from a ConfigMap; secrets must come from a secretKeyRef`);
        }
      }
      // volume mounts
      for (const vm of c.volumeMounts ?? []) if (!volumes.has(vm.name)) err(d, `${cw}: volumeMount "${vm.name}" has no matching volume`);
      // probes
      const probePort = (probeName, probe) => {
        const p = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
        if (p === undefined) return;
        if (typeof p === 'string' ? !portByName.has(p) : !portNumbers.has(p)) err(d, `${cw}: ${probeName} port ${JSON.stringify(p)} is not a declared container port`);
      };
      for (const pn of ['startupProbe', 'readinessProbe', 'livenessProbe']) probePort(pn, c[pn]);
      if (what === 'container') {
        // project rules for the Quarkus services
        if (c.readinessProbe?.httpGet?.path !== '/q/health/ready') err(d, `${cw}: readinessProbe must be an httpGet on /q/health/ready`);
        if (c.livenessProbe?.httpGet?.path !== '/q/health/live') err(d, `${cw}: livenessProbe must be an httpGet on /q/health/live`);
        const r = c.resources ?? {};
        for (const kind of ['requests', 'limits']) for (const res2 of ['cpu', 'memory']) {
          if (r[kind]?.[res2] === undefined) err(d, `${cw}: resources.${kind}.${res2} is not set`);
        }
        for (const res2 of ['cpu', 'memory']) {
          if (r.requests?.[res2] !== undefined && r.limits?.[res2] !== undefined && quantity(r.requests[res2]) > quantity(r.limits[res2])) {
            err(d, `${cw}: resources.requests.${res2} (${r.requests[res2]}) exceeds the limit (${r.limits[res2]})`);
          }
        }
        const sc = c.securityContext ?? {};
        if (!(sc.runAsNonRoot === true || (podNonRoot && sc.runAsNonRoot !== false))) err(d, `${cw}: runAsNonRoot must be true (pod or container securityContext)`);
        if (sc.runAsUser === 0) err(d, `${cw}: runAsUser is 0 (root)`);
        if (sc.readOnlyRootFilesystem !== true) err(d, `${cw}: securityContext.readOnlyRootFilesystem must be true`);
        if (sc.allowPrivilegeEscalation !== false) err(d, `${cw}: securityContext.allowPrivilegeEscalation must be false`);
        if (sc.privileged === true) err(d, `${cw}: privileged container`);
        const tmp = (c.volumeMounts ?? []).find((vm) => vm.mountPath === '/tmp');
        if (!tmp || !volumes.get(tmp.name)?.emptyDir) err(d, `${cw}: needs an emptyDir volume mounted at /tmp (root filesystem is read-only)`);
        // JVM heap vs. memory limit
        const javaOpts = envValue.get('JDK_JAVA_OPTIONS');
        const xmx = String(javaOpts ?? '').match(/-Xmx(\S+)/);
        if (!xmx) err(d, `${cw}: JDK_JAVA_OPTIONS (env or ConfigMap) must set -Xmx`);
        else if (r.limits?.memory !== undefined) {
          const heap = javaSize(xmx[1]); const limit = quantity(r.limits.memory);
          if (Number.isNaN(heap)) err(d, `${cw}: cannot parse -Xmx${xmx[1]}`);
          else if (heap > 0.75 * limit) err(d, `${cw}: -Xmx${xmx[1]} is more than 75% of the memory limit ${r.limits.memory} (no room for metaspace, threads, direct buffers)`);
          else if (heap < 0.25 * limit) warn(d, `${cw}: -Xmx${xmx[1]} uses less than 25% of the memory limit ${r.limits.memory}`);
        }
        const httpPort = envValue.get('QUARKUS_HTTP_PORT');
        if (httpPort !== undefined && !portNumbers.has(Number(httpPort))) err(d, `${cw}: QUARKUS_HTTP_PORT=${httpPort} is not a containerPort (${[...portNumbers].join(', ') || 'none'})`);
      }
    }
    if (!objects.some((s) => s.kind === 'Service' && (s.metadata.namespace ?? '') === (d.metadata.namespace ?? '') && subset(s.spec?.selector, podLabels))) {
      warn(d, 'no Service selects these pods');
    }
  }

  // --- Services -------------------------------------------------------------------------------
  for (const s of objects.filter((o) => o.kind === 'Service')) {
    if (s.spec?.type === 'ExternalName') continue;
    const sel = s.spec?.selector;
    if (!isObj(sel) || !Object.keys(sel).length) { err(s, 'spec.selector is empty (the Service would have no endpoints)'); continue; }
    const matched = inNs(s, 'Deployment').concat(inNs(s, 'StatefulSet'), inNs(s, 'DaemonSet'))
      .filter((d) => subset(sel, d.spec?.template?.metadata?.labels));
    if (!matched.length) {
      err(s, `selector ${JSON.stringify(sel)} matches no Deployment/StatefulSet pod labels in namespace "${s.metadata.namespace ?? '(none)'}"`);
      continue;
    }
    for (const p of s.spec?.ports ?? []) {
      const tp = p.targetPort ?? p.port;
      for (const d of matched) {
        const cps = (d.spec.template.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
        const ok = typeof tp === 'string' ? cps.some((cp) => cp.name === tp) : cps.some((cp) => cp.containerPort === tp);
        if (!ok) {
          err(s, `port ${p.name ?? p.port}: targetPort ${JSON.stringify(tp)} matches no containerPort of ${d.kind} "${d.metadata.name}" ` +
            `(has ${cps.map((cp) => `${cp.name ?? '?'}=${cp.containerPort}`).join(', ') || 'none'})`);
        }
      }
    }
  }

  // --- Ingresses ------------------------------------------------------------------------------
  for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
    const backends = [];
    if (ing.spec?.defaultBackend) backends.push(['defaultBackend', ing.spec.defaultBackend]);
    const seenRoutes = new Set();
    const hosts = new Set();
    for (const [ri, rule] of (ing.spec?.rules ?? []).entries()) {
      hosts.add(rule.host ?? '');
      for (const p of rule.http?.paths ?? []) {
        const route = `${rule.host ?? '*'}${p.path ?? ''}`;
        if (seenRoutes.has(route)) err(ing, `route ${route} is defined twice`);
        seenRoutes.add(route);
        backends.push([`rules[${ri}] ${route}`, p.backend]);
      }
    }
    for (const [where, b] of backends) {
      if (!b?.service) { if (!b?.resource) err(ing, `${where}: backend has no service`); continue; }
      const svc = inNs(ing, 'Service').find((x) => x.metadata.name === b.service.name);
      if (!svc) { err(ing, `${where}: backend Service "${b.service.name}" does not exist in namespace "${ing.metadata.namespace ?? '(none)'}"`); continue; }
      const port = b.service.port ?? {};
      const ok = port.name !== undefined
        ? (svc.spec?.ports ?? []).some((sp) => sp.name === port.name)
        : (svc.spec?.ports ?? []).some((sp) => sp.port === port.number);
      if (!ok) err(ing, `${where}: Service "${svc.metadata.name}" has no port ${JSON.stringify(port.name ?? port.number)}`);
    }
    for (const t of ing.spec?.tls ?? []) {
      if (t.secretName) secretRef(ing, 'tls', t.secretName, undefined, false);
      for (const h of t.hosts ?? []) if (!hosts.has(h)) err(ing, `tls host "${h}" has no rule`);
    }
  }

  // --- PodDisruptionBudgets -------------------------------------------------------------------
  for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    const sel = pdb.spec?.selector?.matchLabels;
    const matched = deployments.filter((d) => (d.metadata.namespace ?? '') === (pdb.metadata.namespace ?? '') && subset(sel, d.spec?.template?.metadata?.labels));
    if (!matched.length) { err(pdb, `selector ${JSON.stringify(sel ?? {})} matches no workload pods`); continue; }
    for (const d of matched) {
      const n = d.spec?.replicas ?? 1;
      if (pdb.spec.maxUnavailable === 0 || pdb.spec.maxUnavailable === '0%') err(pdb, 'maxUnavailable 0 blocks every voluntary eviction (node drains hang)');
      if (Number.isInteger(pdb.spec.minAvailable) && pdb.spec.minAvailable >= n) {
        err(pdb, `minAvailable ${pdb.spec.minAvailable} >= ${n} replicas of ${d.metadata.name}: no pod could ever be evicted`);
      }
      if (n < 2) warn(pdb, `${d.kind} "${d.metadata.name}" has ${n} replica; the budget cannot keep it available during a drain`);
    }
  }

  for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) if (!usedConfigMaps.has(cm)) warn(cm, 'ConfigMap is not referenced by any workload');
  return res;
}

// ----------------------------------------------------------------------------------------------
// kubectl kustomize comparison
// ----------------------------------------------------------------------------------------------
const canon = (v) => JSON.stringify(v, (_, x) => (isObj(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : x));
function firstDiff(a, b, path = '') {
  if (canon(a) === canon(b)) return null;
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDiff(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) { const d = firstDiff(a[i], b[i], `${path}[${i}]`); if (d) return d; }
  }
  return `${path || '.'}: resolver=${JSON.stringify(a)?.slice(0, 100)} kustomize=${JSON.stringify(b)?.slice(0, 100)}`;
}

function compareWithKubectl(dir, objects) {
  let out;
  try {
    out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 120000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (e.code === 'ENOENT') return { skipped: 'kubectl not found' };
    return { errors: [`kubectl kustomize ${rel(dir)} failed: ${(e.stderr || e.message).toString().trim().split('\n').slice(-3).join(' | ')}`] };
  }
  // kustomize (Go, yaml.v3) prints strings such as 0x3C44...93BC (too large for int64, hence a
  // string in Go) without quotes; the JS core schema would read them as hex numbers. Read the
  // rendered output without the hex/octal int tags, as kubectl's Go decoder effectively does.
  const goLike = { customTags: (tags) => tags.filter((t) => !(t.tag === 'tag:yaml.org,2002:int' && (t.format === 'HEX' || t.format === 'OCT'))) };
  const rendered = parseAllDocuments(out, goLike).map((d) => d.toJS()).filter(Boolean);
  const errors = [];
  const mine = new Map(objects.map((o) => [idOf(o), o]));
  const theirs = new Map(rendered.map((o) => [idOf(o), o]));
  for (const [id, o] of mine) {
    if (!theirs.has(id)) errors.push(`kustomize does not produce ${id} (resolver does)`);
    else { const d = firstDiff(o, theirs.get(id)); if (d) errors.push(`resolver and kustomize disagree on ${id} at ${d}`); }
  }
  for (const id of theirs.keys()) if (!mine.has(id)) errors.push(`kustomize produces ${id} but the resolver does not`);
  return { errors, count: rendered.length };
}

// ----------------------------------------------------------------------------------------------
// main
// ----------------------------------------------------------------------------------------------
async function main() {
  const args = process.argv.slice(2);
  const dirs = []; let secretsDoc = null; let useKubectl = false; let label = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--secrets-doc') secretsDoc = args[++i];
    else if (a === '--kubectl') useKubectl = true;
    else if (a === '--label') label = args[++i];
    else if (a === '-h' || a === '--help') { console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 30).join('\n')); return 0; }
    else if (a.startsWith('-')) { console.error(`unknown option ${a}`); return 2; }
    else dirs.push(a);
  }
  if (!dirs.length) { console.error('usage: node validate.mjs [--secrets-doc FILE] [--kubectl] [--label TEXT] <kustomization-dir>...'); return 2; }
  if (secretsDoc && !existsSync(secretsDoc)) { console.error(`--secrets-doc ${secretsDoc}: no such file`); return 2; }
  const externalSecrets = secretsDoc ? readSecretsDoc(secretsDoc) : new Map();
  if (secretsDoc && !externalSecrets.size) console.log(`WARN  ${rel(secretsDoc)} documents no "kubectl create secret" command`);

  let passed = 0; let failed = 0;
  for (const dir of dirs) {
    const tag = `[${label ?? rel(resolve(dir))}]`;
    let items;
    try {
      items = build(dir);
    } catch (e) {
      if (!(e instanceof KError)) throw e;
      console.log(`FAIL  ${tag} kustomization: ${e.message}`);
      failed++;
      continue;
    }
    const objects = items.map((i) => i.obj);
    const fileOf = new Map(items.map((i) => [i.obj, i.file]));
    const results = checkTarget(objects, {
      externalSecrets, secretsDoc, requiredLabels: { 'app.kubernetes.io/part-of': 'llm-gateway' },
    });
    for (const o of objects) {
      const r = results.get(o);
      const m = await modelFor(o);
      if (m.error) r.errors.unshift(m.error);
      else {
        try { new m.Model(clone(o)).validate(); } catch (e) { r.errors.unshift(`schema: ${e.message}`); }
        const unknown = [];
        unknownFields(o, shapeOf(m.dts), '', unknown);
        r.errors.unshift(...unknown.map((u) => `schema: ${u}`));
      }
      const status = r.errors.length ? 'FAIL' : r.warnings.length ? 'WARN' : 'OK';
      console.log(`${status.padEnd(5)} ${tag} ${display(o)}  (${rel(fileOf.get(o))})`);
      for (const e of r.errors) console.log(`        error: ${e}`);
      for (const w of r.warnings) console.log(`        warning: ${w}`);
      if (r.errors.length) failed++; else passed++;
    }
    if (useKubectl) {
      const c = compareWithKubectl(resolve(dir), objects);
      if (c.skipped) console.log(`NOTE  ${tag} kubectl kustomize comparison skipped: ${c.skipped}`);
      else if (c.errors.length) { console.log(`FAIL  ${tag} kubectl kustomize (kustomize v5) comparison`); for (const e of c.errors) console.log(`        error: ${e}`); failed++; }
      else console.log(`OK    ${tag} kubectl kustomize (kustomize v5) renders the same ${c.count} objects as the resolver`);
    }
  }
  console.log(`k8s: ${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
