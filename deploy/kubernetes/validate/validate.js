// Validates the multi-document YAML on stdin (kubectl kustomize output) against the Kubernetes
// schemas shipped in kubernetes-models 4.5.1 (Kubernetes 1.27.1; pinned in package-lock.json),
// offline. Also checks what the schemas cannot: every kind is known, names are unique, a
// DaemonSet's selector matches its pod labels and its ConfigMap volumes exist.
// Exit 0 when valid, 1 with one line per problem otherwise.
"use strict";
const yaml = require("js-yaml");
const fs = require("fs");

const kinds = {
  "v1/Namespace": () => require("kubernetes-models/v1/Namespace").Namespace,
  "v1/ConfigMap": () => require("kubernetes-models/v1/ConfigMap").ConfigMap,
  "v1/ServiceAccount": () => require("kubernetes-models/v1/ServiceAccount").ServiceAccount,
  "apps/v1/DaemonSet": () => require("kubernetes-models/apps/v1/DaemonSet").DaemonSet,
};

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
  try {
    const Model = kinds[id]();
    new Model(doc).validate();
  } catch (e) {
    problems.push(`${name}: ${e.message}`);
  }
}

for (const ds of docs.filter((d) => d.kind === "DaemonSet")) {
  const selector = (ds.spec.selector && ds.spec.selector.matchLabels) || {};
  const labels = (ds.spec.template.metadata && ds.spec.template.metadata.labels) || {};
  for (const [k, v] of Object.entries(selector)) {
    if (labels[k] !== v) problems.push(`DaemonSet/${ds.metadata.name}: selector ${k}=${v} does not match the pod labels`);
  }
  for (const vol of ds.spec.template.spec.volumes || []) {
    if (vol.configMap && !docs.some((d) => d.kind === "ConfigMap" && d.metadata.name === vol.configMap.name && d.metadata.namespace === ds.metadata.namespace)) {
      problems.push(`DaemonSet/${ds.metadata.name}: volume ${vol.name} names ConfigMap ${vol.configMap.name}, which is not in the manifests`);
    }
  }
}

for (const p of problems) console.log(p);
console.log(`${docs.length} object(s), ${problems.length} problem(s) (Kubernetes 1.27.1 schemas, kubernetes-models 4.5.1)`);
process.exit(problems.length === 0 ? 0 : 1);
