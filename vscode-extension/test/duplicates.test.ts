import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KUBERNETES_TOOLS, kubernetesSchemaSources, labelMatches, MANIFEST_LABEL, offerMessage, shouldOffer, shouldSuppress,
  Situation, VSCODE_YAML } from '../src/duplicates';

const both = (id: string) => id === VSCODE_YAML || id === KUBERNETES_TOOLS;
const yamlOnly = (id: string) => id === VSCODE_YAML;
const k8sOnly = (id: string) => id === KUBERNETES_TOOLS;

test('both extensions installed: the Kubernetes extension\'s schema is a duplicate, offered once', () => {
  const s: Situation = { installed: both, yaml: {}, answer: undefined };
  assert.deepEqual(kubernetesSchemaSources(s), ['the Kubernetes extension (ms-kubernetes-tools.vscode-kubernetes-tools)']);
  assert.equal(shouldOffer(s), true);
  assert.equal(shouldOffer({ ...s, answer: 'kept' }), false);
  assert.equal(shouldOffer({ ...s, answer: 'turnedOff' }), false);
});

test('vscode-yaml alone duplicates only when yaml.schemas maps files to its kubernetes schema', () => {
  assert.deepEqual(kubernetesSchemaSources({ installed: yamlOnly, yaml: { schemas: { 'https://x/schema.json': '*.yml' } } }), []);
  const mapped = { installed: yamlOnly, yaml: { schemas: { kubernetes: ['*.yaml'] } }, answer: undefined };
  assert.deepEqual(kubernetesSchemaSources(mapped), ['the "kubernetes" entry of the setting yaml.schemas']);
  assert.equal(shouldOffer(mapped), true);
});

test('no vscode-yaml, or vscode-yaml already silent: nothing to offer', () => {
  assert.equal(shouldOffer({ installed: k8sOnly, yaml: {}, answer: undefined }), false);
  assert.equal(shouldOffer({ installed: () => false, yaml: { schemas: { kubernetes: '*' } }, answer: undefined }), false);
  const silent = { installed: both, yaml: { validate: false, completion: false, hover: false }, answer: undefined };
  assert.equal(shouldOffer(silent), false);
  // one feature still on still duplicates
  assert.equal(shouldOffer({ ...silent, yaml: { ...silent.yaml, hover: true } }), true);
});

test('the contributor is registered only after a yes, and only where vscode-yaml is', () => {
  assert.equal(shouldSuppress({ installed: both, yaml: {}, answer: 'turnedOff' }), true);
  assert.equal(shouldSuppress({ installed: both, yaml: {}, answer: 'kept' }), false);
  assert.equal(shouldSuppress({ installed: both, yaml: {}, answer: undefined }), false);
  assert.equal(shouldSuppress({ installed: k8sOnly, yaml: {}, answer: 'turnedOff' }), false);
});

test('the label matches manifests as vscode-yaml reads labels, and no other YAML', () => {
  assert.equal(MANIFEST_LABEL.includes(':'), false, 'a colon would make vscode-yaml rewrite the label');
  assert.equal(labelMatches(MANIFEST_LABEL, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n'), true);
  assert.equal(labelMatches(MANIFEST_LABEL, 'kind: Deployment\n'), true);
  assert.equal(labelMatches(MANIFEST_LABEL, '---\napiVersion: v1\nkind:\tService\n'), true);
  assert.equal(labelMatches(MANIFEST_LABEL, 'name: CI\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n'), false);
  assert.equal(labelMatches(MANIFEST_LABEL, 'services:\n  web:\n    kind: nested\n'), false);
  assert.equal(labelMatches(MANIFEST_LABEL, 'kind:\n'), false);
});

test('the question names where the duplicates come from', () => {
  const m = offerMessage(['the Kubernetes extension (ms-kubernetes-tools.vscode-kubernetes-tools)']);
  assert.match(m, /ms-kubernetes-tools\.vscode-kubernetes-tools/);
  assert.match(m, /shows twice/);
});
