// Validates the multi-document YAML on stdin (kubectl kustomize output) against the Kubernetes
// schemas shipped in kubernetes-models 4.5.1 (pinned in package-lock.json), offline. Its README
// badge says 1.27.1, but the schemas are those of Kubernetes 1.33 (they know Lifecycle.stopSignal,
// new in 1.33, and not PodSpec.hostnameOverride of 1.34).
//
// Strict about unknown fields, as `kubectl apply --validate=strict` is: the schemas say nothing
// of additional properties, so a typo such as `hostNetwerk: true` would pass them. Each object is
// therefore handed to the schema's validator behind a Proxy that records which keys the validator
// asks for; a key that the validator of an object never asked for is not in that object's schema
// (maps such as labels are enumerated whole, so every key of a map counts as asked for).
//
// Also checks what the schemas cannot: every kind is known, names are unique, a DaemonSet's
// selector matches its pod labels and its ConfigMap volumes exist.
// Exit 0 when valid, 1 with one line per problem otherwise.
"use strict";
const yaml = require("js-yaml");
const fs = require("fs");

// The generated validators themselves, by path: the package exports only the model classes,
// whose constructors read every top-level key and so would hide unknown ones.
const schemas = require("path").join(__dirname, "node_modules", "kubernetes-models", "_schemas");
const kinds = {
  "v1/Namespace": "IoK8sApiCoreV1Namespace",
  "v1/ConfigMap": "IoK8sApiCoreV1ConfigMap",
  "v1/ServiceAccount": "IoK8sApiCoreV1ServiceAccount",
  "apps/v1/DaemonSet": "IoK8sApiAppsV1DaemonSet",
};

// Wraps every object and array of `value` in a Proxy that notes, per object, whether the
// validator looked into it and which of its keys it read. Returns the wrapped value.
function watched(value, path, visits) {
  if (value === null || typeof value !== "object") return value;
  const visit = { path, asked: new Set(), looked: false, value };
  visits.push(visit);
  const children = new Map();
  return new Proxy(value, {
    get(target, key) {
      visit.looked = true;
      if (typeof key !== "string" || !Object.prototype.hasOwnProperty.call(target, key)) return target[key];
      visit.asked.add(key);
      if (!children.has(key)) children.set(key, watched(target[key], `${path}.${key}`, visits));
      return children.get(key);
    },
    has(target, key) {
      visit.looked = true;
      if (typeof key === "string") visit.asked.add(key);
      return key in target;
    },
    ownKeys(target) {
      // Enumerated whole (a map, or a check on every key): every key is accounted for.
      visit.looked = true;
      for (const key of Object.keys(target)) visit.asked.add(key);
      return Reflect.ownKeys(target);
    },
  });
}

function describe(error) {
  const where = error.instancePath ? error.instancePath.replace(/\//g, ".") : "";
  const params = Object.entries(error.params || {}).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(", ");
  return `${where || "."} ${error.keyword === "type" ? `must be ${error.params.type}` : `fails ${error.keyword} (${params})`}`;
}

function check(doc, schema) {
  const { validate } = require(`${schemas}/${schema}.js`);
  const visits = [];
  const found = [];
  if (!validate(watched(doc, "", visits))) found.push(...validate.errors.map(describe));
  for (const visit of visits) {
    if (!visit.looked || Array.isArray(visit.value)) continue;
    for (const key of Object.keys(visit.value)) {
      if (!visit.asked.has(key)) found.push(`${visit.path}.${key} is not a field the schema knows`);
    }
  }
  return found;
}

const problems = [];
const docs = yaml.loadAll(fs.readFileSync(0, "utf8")).filter((d) => d);
const seen = new Set();
for (const doc of docs) {
  const id = `${doc.apiVersion}/${doc.kind}`;
  const name = `${doc.kind}/${doc.metadata && doc.metadata.name}`;
  if (!kinds[id]) {
    problems.push(`${name}: ${id} is not a kind this validation knows`);
    continue;
  }
  if (seen.has(name)) problems.push(`${name}: defined twice`);
  seen.add(name);
  for (const p of check(doc, kinds[id])) problems.push(`${name}: ${p}`);
}

for (const ds of docs.filter((d) => d.kind === "DaemonSet" && d.spec && d.spec.template)) {
  const selector = (ds.spec.selector && ds.spec.selector.matchLabels) || {};
  const labels = (ds.spec.template.metadata && ds.spec.template.metadata.labels) || {};
  for (const [k, v] of Object.entries(selector)) {
    if (labels[k] !== v) problems.push(`DaemonSet/${ds.metadata.name}: selector ${k}=${v} does not match the pod labels`);
  }
  for (const vol of (ds.spec.template.spec && ds.spec.template.spec.volumes) || []) {
    if (vol.configMap && !docs.some((d) => d.kind === "ConfigMap" && d.metadata.name === vol.configMap.name && d.metadata.namespace === ds.metadata.namespace)) {
      problems.push(`DaemonSet/${ds.metadata.name}: volume ${vol.name} names ConfigMap ${vol.configMap.name}, which is not in the manifests`);
    }
  }
}

for (const p of problems) console.log(p);
console.log(`${docs.length} object(s), ${problems.length} problem(s) (Kubernetes 1.33 schemas of kubernetes-models 4.5.1, unknown fields refused)`);
process.exit(problems.length === 0 ? 0 : 1);
