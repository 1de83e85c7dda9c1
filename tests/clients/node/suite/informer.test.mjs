// k8s.makeInformer: list, then watch from the list's resourceVersion, with a cache the user reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { k8s, kc, core, freshNamespace, within, eventually, ROOT_CA } from './lib.mjs';

let ns;
before(async () => {
  ns = await freshNamespace('js-informer');
});
after(async () => {
  await ns?.delete();
});

/** name → resourceVersion and data, sorted by name, so that two caches compare as JSON. */
const summary = (objs) =>
  Object.fromEntries(objs.map((o) => [o.metadata.name, `${o.metadata.resourceVersion}:${JSON.stringify(o.data ?? {})}`]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

test('an informer sees add, update and delete, and its cache matches a fresh list after 60 changes', { timeout: 120_000 }, async () => {
  // One object before it starts: the informer's list brings it in as an add.
  await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'before' }, data: { n: '0' } } });

  const path = `/api/v1/namespaces/${ns.name}/configmaps`;
  const informer = k8s.makeInformer(kc, path, () => core.listNamespacedConfigMap({ namespace: ns.name }));
  const seen = { add: [], update: [], delete: [] };
  const errors = [];
  informer.on(k8s.ADD, (o) => seen.add.push(o.metadata.name));
  informer.on(k8s.UPDATE, (o) => seen.update.push(`${o.metadata.name}=${o.data?.n}`));
  informer.on(k8s.DELETE, (o) => seen.delete.push(o.metadata.name));
  informer.on(k8s.ERROR, (e) => errors.push(e));
  try {
    await within(15_000, 'the informer to start', informer.start());
    assert.deepEqual(seen.add.filter((n) => n !== ROOT_CA), ['before'], 'the initial list is delivered as adds');
    assert.match(informer.latestResourceVersion(), /^\d+$/);

    // Objects created, changed and deleted while it runs.
    await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'a' }, data: { n: '1' } } });
    await eventually(10_000, 'the add of a', () => seen.add.includes('a'));
    await core.replaceNamespacedConfigMap({ namespace: ns.name, name: 'a', body: { metadata: { name: 'a' }, data: { n: '2' } } });
    await eventually(10_000, 'the update of a', () => seen.update.includes('a=2'));
    assert.equal(informer.get('a', ns.name)?.data?.n, '2', 'the cache holds the updated object');
    await core.deleteNamespacedConfigMap({ namespace: ns.name, name: 'a' });
    await eventually(10_000, 'the delete of a', () => seen.delete.includes('a'));
    assert.equal(informer.get('a', ns.name), undefined, 'the deleted object left the cache');

    // N changes of every kind, as fast as one client makes them.
    const N = 60;
    const ops = [];
    for (let i = 0; i < N; i++) {
      const name = `cm-${i % 12}`;
      const exists = ops.filter((o) => o.name === name).reduce((e, o) => o.op !== 'delete', false);
      if (!exists) {
        await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name }, data: { n: String(i) } } });
        ops.push({ name, op: 'create' });
      } else if (i % 5 === 0) {
        await core.deleteNamespacedConfigMap({ namespace: ns.name, name });
        ops.push({ name, op: 'delete' });
      } else {
        await core.patchNamespacedConfigMap(
          { namespace: ns.name, name, body: { data: { n: String(i) } } },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
        );
        ops.push({ name, op: 'update' });
      }
    }
    const fresh = await core.listNamespacedConfigMap({ namespace: ns.name });
    const want = summary(fresh.items);
    const matched = await eventually(20_000, `the cache to match a fresh list at ${fresh.metadata.resourceVersion}`, () =>
      JSON.stringify(summary(informer.list(ns.name))) === JSON.stringify(want),
    ).catch((e) => e);
    assert.deepEqual(summary(informer.list(ns.name)), want, `the cache is the fresh list (${matched?.message ?? 'matched'})`);
    // Its resourceVersion is its last event's: no older than any object it holds, no newer than the list.
    const latest = BigInt(informer.latestResourceVersion());
    for (const o of fresh.items) {
      assert.ok(latest >= BigInt(o.metadata.resourceVersion), `informer at ${latest}, ${o.metadata.name} at ${o.metadata.resourceVersion}`);
    }
    assert.ok(latest <= BigInt(fresh.metadata.resourceVersion), `informer at ${latest}, list at ${fresh.metadata.resourceVersion}`);
    const adds = ops.filter((o) => o.op === 'create').length;
    const updates = ops.filter((o) => o.op === 'update').length;
    const deletes = ops.filter((o) => o.op === 'delete').length;
    assert.equal(seen.add.filter((n) => n !== ROOT_CA).length, 2 + adds, 'one add per creation');
    assert.equal(seen.update.length, 1 + updates, 'one update per change');
    assert.equal(seen.delete.length, 1 + deletes, 'one delete per deletion');
    assert.deepEqual(errors, [], 'no error reached the informer');
  } finally {
    await informer.stop();
  }

  // Stopped: it hears nothing more.
  const before = seen.add.length;
  await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'after-stop' } } });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(seen.add.length, before, 'a stopped informer delivers nothing');
});
