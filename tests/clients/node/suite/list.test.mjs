// Lists through the generated APIs, with typed results: the client's model classes, Dates for timestamps.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { k8s, core, apps, freshNamespace } from './lib.mjs';

let ns;
before(async () => {
  ns = await freshNamespace('js-list');
});
after(async () => {
  await ns?.delete();
});

test('namespaces are listed as V1NamespaceList with typed items', { timeout: 30_000 }, async () => {
  const list = await core.listNamespace();
  assert.ok(list instanceof k8s.V1NamespaceList, `got ${list?.constructor?.name}`);
  assert.equal(list.kind, 'NamespaceList');
  assert.equal(list.apiVersion, 'v1');
  assert.match(list.metadata?.resourceVersion ?? '', /^\d+$/);
  const mine = list.items.find((n) => n.metadata?.name === ns.name);
  assert.ok(mine, `${ns.name} is in the list`);
  assert.ok(mine instanceof k8s.V1Namespace);
  assert.ok(mine.metadata.creationTimestamp instanceof Date, 'creationTimestamp is read as a Date');
  assert.ok(Math.abs(Date.now() - mine.metadata.creationTimestamp.getTime()) < 10 * 60_000, 'creationTimestamp is now');
  assert.equal(mine.status?.phase, 'Active');
  assert.equal(mine.metadata.labels?.['coxswain.dev/suite'], 'js-client');
  for (const name of ['default', 'kube-system']) {
    assert.ok(list.items.some((n) => n.metadata?.name === name), `${name} is listed`);
  }
});

test('configmaps in a namespace: create, list, label selector, limit and continue', { timeout: 30_000 }, async () => {
  for (let i = 0; i < 5; i++) {
    const created = await core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: `cm-${i}`, labels: { parity: i % 2 ? 'odd' : 'even' } }, data: { index: String(i) } },
    });
    assert.ok(created instanceof k8s.V1ConfigMap);
    assert.equal(created.metadata?.namespace, ns.name);
    assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
  }
  const list = await core.listNamespacedConfigMap({ namespace: ns.name });
  assert.ok(list instanceof k8s.V1ConfigMapList, `got ${list?.constructor?.name}`);
  assert.equal(list.kind, 'ConfigMapList');
  const mine = list.items.filter((c) => c.metadata?.name?.startsWith('cm-'));
  assert.deepEqual(mine.map((c) => c.metadata.name), ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4'], 'sorted by name, as etcd keys are');
  assert.deepEqual(mine.map((c) => c.data?.index), ['0', '1', '2', '3', '4']);
  for (const c of list.items) {
    assert.ok(c instanceof k8s.V1ConfigMap);
    assert.equal(c.metadata?.namespace, ns.name);
  }

  const odd = await core.listNamespacedConfigMap({ namespace: ns.name, labelSelector: 'parity=odd' });
  assert.deepEqual(odd.items.map((c) => c.metadata.name), ['cm-1', 'cm-3']);
  const byField = await core.listNamespacedConfigMap({ namespace: ns.name, fieldSelector: 'metadata.name=cm-2' });
  assert.deepEqual(byField.items.map((c) => c.metadata.name), ['cm-2']);

  // Paging the way the client's users page: limit, then _continue until it is empty.
  const seen = [];
  let page = await core.listNamespacedConfigMap({ namespace: ns.name, labelSelector: 'parity', limit: 2 });
  let pages = 1;
  seen.push(...page.items.map((c) => c.metadata.name));
  while (page.metadata?._continue) {
    assert.equal(page.items.length, 2, 'a page that is not the last one is full');
    page = await core.listNamespacedConfigMap({ namespace: ns.name, labelSelector: 'parity', limit: 2, _continue: page.metadata._continue });
    seen.push(...page.items.map((c) => c.metadata.name));
    assert.ok(++pages <= 5, 'paging ends');
  }
  assert.equal(pages, 3);
  assert.deepEqual(seen, ['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4']);
});

test('pods and deployments list typed, with the defaults the server filled in', { timeout: 30_000 }, async () => {
  const pods = await core.listNamespacedPod({ namespace: ns.name });
  assert.ok(pods instanceof k8s.V1PodList);
  assert.deepEqual(pods.items, []);

  await apps.createNamespacedDeployment({
    namespace: ns.name,
    body: {
      metadata: { name: 'listed' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'listed' } },
        template: { metadata: { labels: { app: 'listed' } }, spec: { containers: [{ name: 'main', image: 'coxswain/pause:1' }] } },
      },
    },
  });
  const deployments = await apps.listNamespacedDeployment({ namespace: ns.name });
  assert.ok(deployments instanceof k8s.V1DeploymentList);
  assert.equal(deployments.items.length, 1);
  const d = deployments.items[0];
  assert.ok(d instanceof k8s.V1Deployment);
  assert.ok(d.spec instanceof k8s.V1DeploymentSpec);
  assert.equal(d.spec.replicas, 0);
  assert.equal(d.spec.strategy?.type, 'RollingUpdate', 'defaulted as kube-apiserver defaults it');
  assert.equal(d.spec.revisionHistoryLimit, 10);
  assert.equal(d.spec.progressDeadlineSeconds, 600);
  assert.equal(d.spec.template.spec.restartPolicy, 'Always');
  assert.equal(d.spec.template.spec.containers[0].terminationMessagePath, '/dev/termination-log');
  assert.equal(d.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');

  const everywhere = await apps.listDeploymentForAllNamespaces({ labelSelector: '' });
  assert.ok(everywhere.items.some((x) => x.metadata?.namespace === ns.name && x.metadata?.name === 'listed'));
});

test('delete answers a Success Status naming what it removed, as kube-apiserver does for configmaps', { timeout: 30_000 }, async () => {
  const created = await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'gone' } } });
  const status = await core.deleteNamespacedConfigMap({ namespace: ns.name, name: 'gone' });
  assert.ok(status instanceof k8s.V1Status, `got ${status?.constructor?.name}`);
  assert.equal(status.kind, 'Status');
  assert.equal(status.apiVersion, 'v1');
  assert.equal(status.status, 'Success');
  // The typed V1StatusDetails has every attribute, unset ones undefined: compare what the server sent.
  assert.deepEqual(JSON.parse(JSON.stringify(status.details)), { name: 'gone', kind: 'configmaps', uid: created.metadata.uid });
  const after = await core.listNamespacedConfigMap({ namespace: ns.name, fieldSelector: 'metadata.name=gone' });
  assert.deepEqual(after.items, []);
});
