// The kubeconfig the cluster wrote, used as it is written: a user's first call must work without editing it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { k8s, kubeConfigAsWritten } from './lib.mjs';

test('the kubeconfig as written lists namespaces', { timeout: 30_000 }, async () => {
  const kc = kubeConfigAsWritten();
  const cluster = kc.getCurrentCluster();
  assert.ok(cluster, 'the kubeconfig names a current cluster');
  // This client (1.x) throws before it sends anything for an http:// server whose cluster lacks insecure-skip-tls-verify.
  const list = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
  assert.ok(list instanceof k8s.V1NamespaceList);
  assert.ok(list.items.some((ns) => ns.metadata?.name === 'default'), 'namespace default is listed');
});
