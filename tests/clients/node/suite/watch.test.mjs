// k8s.Watch as its users call it: a path, query parameters, a callback per event and a done callback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { k8s, kc, core, freshNamespace, within, eventually, ROOT_CA } from './lib.mjs';

let ns;
before(async () => {
  ns = await freshNamespace('js-watch');
});
after(async () => {
  await ns?.delete();
});

/** Starts a watch and gathers its events; stop() aborts it and resolves once the client called done. */
const open = new Set();
after(async () => {
  for (const w of open) {
    await w.stop().catch(() => {});
  }
});

async function startWatch(path, params) {
  const events = [];
  let doneWith;
  const done = new Promise((resolve) => {
    doneWith = resolve;
  });
  const controller = await new k8s.Watch(kc).watch(
    path,
    params,
    (type, obj, raw) => events.push({ type, obj, raw }),
    (err) => doneWith(err ?? null),
  );
  const w = {
    events,
    done,
    async stop() {
      open.delete(w);
      controller.abort();
      return within(10_000, 'the watch to call done after abort', done);
    },
  };
  open.add(w);
  return w;
}

// kube-root-ca.crt, which the controller-manager adds to every namespace, may arrive while a watch runs: left out
const ours = (events) => events.filter((e) => e.obj?.metadata?.name !== ROOT_CA);
const names = (events) => events.map((e) => `${e.type} ${e.obj?.metadata?.name}`);

test('ADDED, MODIFIED, DELETED in order for configmaps changed after the watch started', { timeout: 60_000 }, async () => {
  const path = `/api/v1/namespaces/${ns.name}/configmaps`;
  const w = await within(10_000, 'the watch to connect', startWatch(path, {}));
  await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'w1' }, data: { v: '1' } } });
  await core.replaceNamespacedConfigMap({ namespace: ns.name, name: 'w1', body: { metadata: { name: 'w1' }, data: { v: '2' } } });
  await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'w2' }, data: { v: '1' } } });
  await core.deleteNamespacedConfigMap({ namespace: ns.name, name: 'w1' });
  await eventually(15_000, 'four events', () => ours(w.events).length >= 4);
  await new Promise((r) => setTimeout(r, 300)); // nothing more may come
  assert.deepEqual(names(ours(w.events)), ['ADDED w1', 'MODIFIED w1', 'ADDED w2', 'DELETED w1']);
  assert.deepEqual(ours(w.events).map((e) => e.obj.data?.v), ['1', '2', '1', '2'], 'each event carries the object as it was then');
  for (const e of ours(w.events)) {
    assert.equal(e.obj.kind, 'ConfigMap', 'watch events carry kind');
    assert.equal(e.obj.apiVersion, 'v1');
    assert.equal(e.raw.type, e.type);
    assert.equal(e.obj.metadata.namespace, ns.name);
  }
  const rvs = ours(w.events).map((e) => BigInt(e.obj.metadata.resourceVersion));
  for (let i = 1; i < rvs.length; i++) {
    assert.ok(rvs[i] > rvs[i - 1], `resourceVersions rise: ${rvs.join(', ')}`);
  }
  const ended = await w.stop();
  assert.equal(ended?.name, 'AbortError', `an aborted watch calls done with the abort; got ${ended}`);
});

test('a watch from a resourceVersion replays exactly what came after it', { timeout: 60_000 }, async () => {
  const created = await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'rv1' }, data: { v: 'a' } } });
  const from = created.metadata.resourceVersion;
  await core.patchNamespacedConfigMap(
    { namespace: ns.name, name: 'rv1', body: { data: { v: 'b' } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'rv2' } } });
  await core.deleteNamespacedConfigMap({ namespace: ns.name, name: 'rv1' });

  const w = await within(10_000, 'the watch to connect', startWatch(`/api/v1/namespaces/${ns.name}/configmaps`, { resourceVersion: from }));
  await eventually(15_000, 'three events', () => ours(w.events).length >= 3);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(names(ours(w.events)), ['MODIFIED rv1', 'ADDED rv2', 'DELETED rv1'], 'the creation at that version is not replayed');
  assert.equal(ours(w.events)[0].obj.data.v, 'b');
  await w.stop();
});

test('a watch without a resourceVersion starts with ADDED for what exists, then follows', { timeout: 60_000 }, async () => {
  const sub = `${ns.name}`;
  await core.createNamespacedConfigMap({ namespace: sub, body: { metadata: { name: 'pre', labels: { set: 'initial' } } } });
  const w = await within(10_000, 'the watch to connect', startWatch(`/api/v1/namespaces/${sub}/configmaps`, { labelSelector: 'set=initial' }));
  await eventually(10_000, 'the synthetic ADDED', () => ours(w.events).length >= 1);
  assert.deepEqual(names(ours(w.events)), ['ADDED pre']);
  await core.createNamespacedConfigMap({ namespace: sub, body: { metadata: { name: 'post', labels: { set: 'initial' } } } });
  await core.createNamespacedConfigMap({ namespace: sub, body: { metadata: { name: 'other', labels: { set: 'elsewhere' } } } });
  await eventually(10_000, 'ADDED post', () => ours(w.events).length >= 2);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(names(ours(w.events)), ['ADDED pre', 'ADDED post'], 'the label selector keeps "other" out');
  await w.stop();
});

test('timeoutSeconds: the server ends the watch and the client calls done without an error', { timeout: 60_000 }, async () => {
  const started = Date.now();
  const w = await within(10_000, 'the watch to connect', startWatch(`/api/v1/namespaces/${ns.name}/configmaps`, { timeoutSeconds: 2 }));
  const err = await within(20_000, 'the server to end the watch after timeoutSeconds=2', w.done);
  open.delete(w);
  const took = Date.now() - started;
  assert.equal(err, null, `done without an error; got ${err}`);
  assert.ok(took >= 1_500 && took < 15_000, `ended after about 2 s; took ${took} ms`);
});
