import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterSettings, connectionLabel, groupByNamespace, resultsOf, severityIcon, shownByServer, worst } from '../src/status';

test('objects group by namespace, then by kind and name; one object open twice is listed once', () => {
  const groups = groupByNamespace([
    { uri: 'file:///a.yaml', document: 1, kind: 'Service', name: 'web', namespace: 'shop', text: '● 1 endpoints ready', severity: 'info' },
    { uri: 'file:///a.yaml', document: 0, kind: 'Deployment', name: 'web', namespace: 'shop', severity: 'warning',
      pods: [{ name: 'web-abc', phase: 'Pending', severity: 'warning' }] },
    { uri: 'file:///b.yaml', document: 0, kind: 'Pod', name: 'solo', severity: 'info' },
    { uri: 'file:///c.yaml', document: 0, kind: 'Pod', name: 'solo', severity: 'info' },
  ]);
  assert.deepEqual(groups.map((g) => g.namespace), ['default', 'shop']);
  assert.deepEqual(groups[0].objects.map((o) => o.uri), ['file:///b.yaml']);
  assert.deepEqual(groups[1].objects.map((o) => `${o.kind}/${o.name}`), ['Deployment/web', 'Service/web']);
  assert.equal(worst(groups[1].objects.map((o) => o.severity)), 'warning');
  assert.deepEqual(groupByNamespace(undefined), []);
});

test('severities map to icons', () => {
  assert.equal(severityIcon('info').id, 'pass-filled');
  assert.equal(severityIcon('error').id, 'error');
  assert.equal(worst(['info', 'error', 'warning']), 'error');
  assert.equal(worst([undefined]), undefined);
});

test('the status bar says where it is connected, or why not', () => {
  assert.equal(connectionLabel({ state: 'connected', context: 'coxswain', server: 'http://127.0.0.1:6443' }).text, '$(cloud) coxswain');
  const down = connectionLabel({ state: 'unreachable', message: 'cluster unreachable at http://127.0.0.1:6443, retrying' });
  assert.equal(down.text, '$(debug-disconnect) unreachable');
  assert.equal(down.tooltip, 'cluster unreachable at http://127.0.0.1:6443, retrying');
});

test('cluster settings leave empty values out and expand the kubeconfig path', () => {
  assert.deepEqual(clusterSettings({ kubeconfig: '', context: ' ', namespace: 'dev' }, '/home/u'), { namespace: 'dev' });
  assert.deepEqual(clusterSettings({ kubeconfig: '~/.coxswain/kubeconfig' }, '/home/u'), { kubeconfig: '/home/u/.coxswain/kubeconfig' });
  assert.deepEqual(clusterSettings({ kubeconfig: '${workspaceFolder}/kc' }, '/home/u', '/ws'), { kubeconfig: '/ws/kc' });
  assert.deepEqual(clusterSettings(undefined, '/home/u'), {});
});

test('command results', () => {
  assert.deepEqual(resultsOf(null), []);
  assert.equal(resultsOf({ results: [{ ok: true }] }).length, 1);
  assert.ok(shownByServer({ ok: false, code: 422 }), 'a 422 becomes a diagnostic');
  assert.ok(shownByServer({ ok: false, conflict: true }), 'a conflict becomes a question');
  assert.ok(!shownByServer({ ok: false, code: 500 }));
});
