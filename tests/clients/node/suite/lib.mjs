// What every test file shares: the cluster from KUBECONFIG as the client reads it, a fresh namespace, bounded waits,
// and the Status body out of the client's ApiException.
import * as k8s from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';

export { k8s };

/** The cluster the way a user's program finds it: KUBECONFIG, else ~/.kube/config; exactly as written there. */
export function kubeConfigAsWritten() {
  if (!process.env.KUBECONFIG) {
    throw new Error('KUBECONFIG is not set: these tests run against the cluster it names');
  }
  const kc = new k8s.KubeConfig();
  kc.loadFromDefault();
  return kc;
}

export const kc = kubeConfigAsWritten();
export const core = kc.makeApiClient(k8s.CoreV1Api);
export const apps = kc.makeApiClient(k8s.AppsV1Api);

/** A name no other run uses: tests can run again on a cluster that still holds an earlier run's namespace. */
export function uniqueName(prefix) {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** The ConfigMap with the cluster's CA that every namespace holds; tests that count ConfigMaps leave it out. */
export const ROOT_CA = 'kube-root-ca.crt';

/** Creates a namespace for one test file; the returned function deletes it (for after()). */
export async function freshNamespace(prefix) {
  const name = uniqueName(prefix);
  const ns = await core.createNamespace({ body: { metadata: { name, labels: { 'coxswain.dev/suite': 'js-client' } } } });
  if (ns.metadata?.name !== name) {
    throw new Error(`created namespace came back as ${JSON.stringify(ns.metadata)}`);
  }
  // as in any cluster, the controller-manager puts the default ServiceAccount into every new namespace (and, where the
  // cluster has a CA, the kube-root-ca.crt ConfigMap, which tests that count ConfigMaps leave out): waited for here
  await eventually(30_000, `the default ServiceAccount in ${name}`, async () => {
    const sas = await core.listNamespacedServiceAccount({ namespace: name });
    return sas.items.some((s) => s.metadata.name === 'default');
  });
  return {
    name,
    async delete() {
      await core.deleteNamespace({ name });
    },
  };
}

/** Rejects after ms with a message saying what was awaited, so that no test waits for ever. */
export function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls check() until it returns a truthy value, for at most ms. */
export async function eventually(ms, what, check) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) {
        return value;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `; last error: ${last.message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The error a call threw, which must be the client's ApiException, with the Status it carried parsed from its body
 * (the client keeps the body as the text the server sent).
 */
export async function apiError(promise) {
  let result;
  try {
    result = await promise;
  } catch (e) {
    if (!(e instanceof k8s.ApiException)) {
      throw new Error(`expected an ApiException, got ${e?.stack ?? e}`);
    }
    const raw = e.body;
    const status = typeof raw === 'string' ? JSON.parse(raw) : raw;
    return { code: e.code, raw, status, headers: e.headers };
  }
  throw new Error(`expected the call to fail, it returned ${JSON.stringify(result)?.slice(0, 300)}`);
}

/** Content-Type for server-side apply, as the client's docs say to set it on a generated API's call. */
export const applyOptions = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply);

/** The managedFields entry of manager, or undefined. */
export function managedBy(obj, manager) {
  return (obj.metadata?.managedFields ?? []).find((m) => m.manager === manager);
}
