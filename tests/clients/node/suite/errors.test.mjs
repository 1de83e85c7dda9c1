// Status errors as the client hands them to its users: ApiException.code, and the body, which is the Status
// kube-apiserver writes (k8s.io/apimachinery/pkg/api/errors: NewNotFound, NewAlreadyExists, NewConflict),
// compared field by field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { core, apps, freshNamespace, apiError } from './lib.mjs';

let ns;
before(async () => {
  ns = await freshNamespace('js-errors');
});
after(async () => {
  await ns?.delete();
});

/** What kube-apiserver sends for a failure: every field, in its order, and a JSON body that ends with a newline. */
function assertStatus(err, expected) {
  assert.equal(err.code, expected.code, 'ApiException.code is the HTTP status');
  assert.equal(typeof err.raw, 'string', 'the client keeps the body as the text it got');
  assert.deepEqual(err.status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    ...expected,
  });
  assert.deepEqual(Object.keys(err.status), ['kind', 'apiVersion', 'metadata', 'status', 'message', 'reason', 'details', 'code'].filter((k) => k in err.status),
    'fields in the order kube-apiserver writes them');
  assert.ok(err.raw.endsWith('}\n'), `the JSON body ends with a newline, as kube-apiserver's do: ${JSON.stringify(err.raw.slice(-20))}`);
}

const deployment = (name) => ({
  metadata: { name },
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'coxswain/pause:1' }] } },
  },
});

test('409 AlreadyExists for a deployment names its group: deployments.apps "web" already exists', { timeout: 30_000 }, async () => {
  await apps.createNamespacedDeployment({ namespace: ns.name, body: deployment('web') });
  const err = await apiError(apps.createNamespacedDeployment({ namespace: ns.name, body: deployment('web') }));
  assertStatus(err, {
    message: 'deployments.apps "web" already exists',
    reason: 'AlreadyExists',
    details: { name: 'web', group: 'apps', kind: 'deployments' },
    code: 409,
  });
});

test('409 AlreadyExists for a configmap has no group: configmaps "dup" already exists', { timeout: 30_000 }, async () => {
  await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'dup' } } });
  const err = await apiError(core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'dup' } } }));
  assertStatus(err, {
    message: 'configmaps "dup" already exists',
    reason: 'AlreadyExists',
    details: { name: 'dup', kind: 'configmaps' },
    code: 409,
  });
});

test('404 NotFound for a configmap: configmaps "x" not found, details without a group', { timeout: 30_000 }, async () => {
  const err = await apiError(core.readNamespacedConfigMap({ namespace: ns.name, name: 'x' }));
  assertStatus(err, {
    message: 'configmaps "x" not found',
    reason: 'NotFound',
    details: { name: 'x', kind: 'configmaps' },
    code: 404,
  });
});

test('404 NotFound for a deployment: deployments.apps "nope" not found, on read and on delete', { timeout: 30_000 }, async () => {
  const expected = {
    message: 'deployments.apps "nope" not found',
    reason: 'NotFound',
    details: { name: 'nope', group: 'apps', kind: 'deployments' },
    code: 404,
  };
  assertStatus(await apiError(apps.readNamespacedDeployment({ namespace: ns.name, name: 'nope' })), expected);
  assertStatus(await apiError(apps.deleteNamespacedDeployment({ namespace: ns.name, name: 'nope' })), expected);
});

test('404 NotFound for a namespace, a cluster-scoped kind: namespaces "absent-…" not found', { timeout: 30_000 }, async () => {
  const name = `${ns.name}-absent`;
  assertStatus(await apiError(core.readNamespace({ name })), {
    message: `namespaces "${name}" not found`,
    reason: 'NotFound',
    details: { name, kind: 'namespaces' },
    code: 404,
  });
});

test('409 Conflict for a stale resourceVersion: Operation cannot be fulfilled on configmaps "stale"', { timeout: 30_000 }, async () => {
  const created = await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'stale' }, data: { v: '1' } } });
  await core.replaceNamespacedConfigMap({ namespace: ns.name, name: 'stale', body: { metadata: created.metadata, data: { v: '2' } } });
  // The same resourceVersion again: someone else has written since.
  const err = await apiError(
    core.replaceNamespacedConfigMap({ namespace: ns.name, name: 'stale', body: { metadata: created.metadata, data: { v: '3' } } }),
  );
  assertStatus(err, {
    message: 'Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again',
    reason: 'Conflict',
    details: { name: 'stale', kind: 'configmaps' },
    code: 409,
  });
  const stored = await core.readNamespacedConfigMap({ namespace: ns.name, name: 'stale' });
  assert.equal(stored.data.v, '2', 'the stale write changed nothing');
});

test('409 Conflict for a stale deployment names the group: Operation cannot be fulfilled on deployments.apps "web2"', { timeout: 30_000 }, async () => {
  const created = await apps.createNamespacedDeployment({ namespace: ns.name, body: deployment('web2') });
  // The deployment controller writes too (its revision annotation, its status): the first replace reads the latest
  // and tries again on a conflict, as a client's retry-on-conflict does.
  for (let attempt = 1; ; attempt++) {
    const latest = await apps.readNamespacedDeployment({ namespace: ns.name, name: 'web2' });
    latest.metadata.labels = { touched: 'once' };
    const outcome = await apps.replaceNamespacedDeployment({ namespace: ns.name, name: 'web2', body: latest }).then(() => null, (e) => e);
    if (outcome === null) break;
    if (outcome.code !== 409 || attempt === 10) throw outcome;
  }
  // The resourceVersion of the creation, written over since: a stale write.
  const stale = structuredClone(deployment('web2'));
  stale.metadata = { ...created.metadata, labels: { touched: 'twice' } };
  const err = await apiError(apps.replaceNamespacedDeployment({ namespace: ns.name, name: 'web2', body: stale }));
  assertStatus(err, {
    message:
      'Operation cannot be fulfilled on deployments.apps "web2": the object has been modified; please apply your changes to the latest version and try again',
    reason: 'Conflict',
    details: { name: 'web2', group: 'apps', kind: 'deployments' },
    code: 409,
  });
});
