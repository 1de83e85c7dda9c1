// Server-side apply from the JavaScript client: the generated API with the apply Content-Type, and
// KubernetesObjectApi.patch with PatchStrategy.ServerSideApply; two field managers, a conflict, force.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { k8s, kc, core, apps, freshNamespace, apiError, applyOptions, managedBy, eventually } from './lib.mjs';

let ns;
before(async () => {
  ns = await freshNamespace('js-apply');
});
after(async () => {
  await ns?.delete();
});

/** The fields a managedFields entry owns under a prefix such as f:data, as a sorted list of keys. */
const owned = (entry, ...path) => {
  let node = entry?.fieldsV1;
  for (const p of path) {
    node = node?.[p];
  }
  return Object.keys(node ?? {}).filter((k) => k !== '.').sort();
};

const cm = (name, data) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { via: 'apply' } }, data });

/** Applies cm(name, data) as manager, with force when asked; the client's typed answer. */
const apply = (name, data, fieldManager, force) =>
  core.patchNamespacedConfigMap({ namespace: ns.name, name, body: cm(name, data), fieldManager, force }, applyOptions);

test('configmap: the first apply creates the object (201) and managedFields name its manager', { timeout: 30_000 }, async () => {
  const first = await core.patchNamespacedConfigMapWithHttpInfo(
    { namespace: ns.name, name: 'created', body: cm('created', { owned: 'a', shared: 'a' }), fieldManager: 'js-a' },
    applyOptions,
  );
  assert.equal(first.httpStatusCode, 201, 'an apply that creates answers 201 Created');
  const created = first.data;
  assert.ok(created instanceof k8s.V1ConfigMap);
  assert.deepEqual(created.data, { owned: 'a', shared: 'a' });
  assert.equal(created.metadata.managedFields?.length, 1, `one manager: ${JSON.stringify(created.metadata.managedFields)}`);
  const a = managedBy(created, 'js-a');
  assert.ok(a, `managedFields name js-a: ${JSON.stringify(created.metadata.managedFields)}`);
  assert.equal(a.operation, 'Apply');
  assert.equal(a.apiVersion, 'v1');
  assert.equal(a.fieldsType, 'FieldsV1');
  assert.ok(a.time instanceof Date, 'the entry has a time');
  assert.deepEqual(owned(a, 'f:data'), ['f:owned', 'f:shared']);
  assert.deepEqual(owned(a, 'f:metadata', 'f:labels'), ['f:via']);
  const read = await core.readNamespacedConfigMap({ namespace: ns.name, name: 'created' });
  assert.deepEqual(read.data, { owned: 'a', shared: 'a' }, 'stored');
});

test('configmap: applying the same object again writes nothing (same resourceVersion)', { timeout: 30_000 }, async () => {
  const created = await apply('noop', { k: 'v' }, 'js-a');
  const again = await apply('noop', { k: 'v' }, 'js-a');
  assert.equal(again.metadata.resourceVersion, created.metadata.resourceVersion, 'a no-op apply writes nothing');
  const read = await core.readNamespacedConfigMap({ namespace: ns.name, name: 'noop' });
  assert.equal(read.metadata.resourceVersion, created.metadata.resourceVersion);
});

test('configmap: a second manager setting a field the first owns gets 409 Conflict, and nothing changes', { timeout: 30_000 }, async () => {
  await apply('contested', { owned: 'a', shared: 'a' }, 'js-a');
  const conflict = await apiError(apply('contested', { shared: 'b' }, 'js-b'));
  assert.equal(conflict.code, 409);
  assert.equal(conflict.status.reason, 'Conflict');
  assert.equal(conflict.status.message, 'Apply failed with 1 conflict: conflict with "js-a": .data.shared');
  const unchanged = await core.readNamespacedConfigMap({ namespace: ns.name, name: 'contested' });
  assert.equal(unchanged.data.shared, 'a', 'the refused apply changed nothing');
  assert.equal(managedBy(unchanged, 'js-b'), undefined, 'js-b owns nothing');
  // The whole Status, as NewApplyConflict makes it: the conflicts are in details.causes (StatusCause.Type is "reason" on the wire), and details has nothing else.
  assert.deepEqual(conflict.status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Apply failed with 1 conflict: conflict with "js-a": .data.shared',
    reason: 'Conflict',
    details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "js-a"', field: '.data.shared' }] },
    code: 409,
  });
});

test('configmap: force takes the field over, and a field its applier drops is removed', { timeout: 30_000 }, async () => {
  await apply('forced', { owned: 'a', shared: 'a' }, 'js-a');
  const forced = await apply('forced', { shared: 'b' }, 'js-b', true);
  assert.deepEqual(forced.data, { owned: 'a', shared: 'b' });
  const b = managedBy(forced, 'js-b');
  assert.ok(b, `managedFields name js-b: ${JSON.stringify(forced.metadata.managedFields)}`);
  assert.equal(b.operation, 'Apply');
  assert.deepEqual(owned(b, 'f:data'), ['f:shared']);
  assert.deepEqual(owned(managedBy(forced, 'js-a'), 'f:data'), ['f:owned'], 'js-a lost the field it was forced off');

  // js-a applies without "owned", which only it owned: removed; "shared" is js-b's and stays.
  const dropped = await apply('forced', {}, 'js-a');
  assert.deepEqual(dropped.data, { shared: 'b' });
  assert.deepEqual(dropped.metadata.labels, { via: 'apply' }, 'both still apply the label');
});

test('deployment: KubernetesObjectApi.patch applies, conflicts on spec.replicas, and force resolves it', { timeout: 90_000 }, async () => {
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const deployment = (replicas, image = 'coxswain/pause:1') => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns.name },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'main', image }], terminationGracePeriodSeconds: 1 },
      },
    },
  });
  const applied = await objects.patch(deployment(1), undefined, undefined, 'js-deployer', true, k8s.PatchStrategy.ServerSideApply);
  assert.equal(applied.kind, 'Deployment');
  assert.equal(applied.spec.replicas, 1);
  const mine = managedBy(applied, 'js-deployer');
  assert.ok(mine, `managedFields name js-deployer: ${JSON.stringify(applied.metadata.managedFields)}`);
  assert.equal(mine.operation, 'Apply');
  assert.equal(mine.apiVersion, 'apps/v1');
  assert.ok(owned(mine, 'f:spec').includes('f:replicas'), `js-deployer owns spec.replicas: ${JSON.stringify(mine.fieldsV1)}`);

  // A dry run of a change reports it and stores nothing.
  const dry = await objects.patch(deployment(1, 'coxswain/busybox:1'), undefined, 'All', 'js-deployer', true, k8s.PatchStrategy.ServerSideApply);
  assert.equal(dry.spec.template.spec.containers[0].image, 'coxswain/busybox:1');
  const stored = await apps.readNamespacedDeployment({ namespace: ns.name, name: 'web' });
  assert.equal(stored.spec.template.spec.containers[0].image, 'coxswain/pause:1', 'dryRun=All stored nothing');

  // An autoscaler of its own applies only replicas: conflict, without force.
  const scale = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns.name }, spec: { replicas: 0 } };
  const conflict = await apiError(objects.patch(scale, undefined, undefined, 'js-scaler', false, k8s.PatchStrategy.ServerSideApply));
  assert.equal(conflict.code, 409);
  assert.equal(conflict.status.reason, 'Conflict');
  assert.equal(conflict.status.message, 'Apply failed with 1 conflict: conflict with "js-deployer": .spec.replicas');

  const forced = await objects.patch(scale, undefined, undefined, 'js-scaler', true, k8s.PatchStrategy.ServerSideApply);
  assert.equal(forced.spec.replicas, 0);
  assert.ok(owned(managedBy(forced, 'js-scaler'), 'f:spec').includes('f:replicas'));
  assert.ok(!owned(managedBy(forced, 'js-deployer'), 'f:spec').includes('f:replicas'), 'js-deployer no longer owns spec.replicas');
  assert.equal(forced.spec.template.spec.containers[0].image, 'coxswain/pause:1', 'the template is untouched');

  // The deployment's own controller scales to what was applied.
  await eventually(30_000, 'the deployment to report 0 replicas', async () => {
    const d = await apps.readNamespacedDeployment({ namespace: ns.name, name: 'web' });
    return d.status?.observedGeneration >= d.metadata.generation && (d.status?.replicas ?? 0) === 0;
  });

  // The conflict named the field in details.causes, as NewApplyConflict does (checked last: the rest does not depend on it).
  assert.deepEqual(conflict.status.details, {
    causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "js-deployer"', field: '.spec.replicas' }],
  });
});
