// k8s.Log with follow, as a user tails a pod: lines arrive while the container writes them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { k8s, kc, core, freshNamespace, within, eventually } from './lib.mjs';

let ns;
before(async () => {
  ns = await freshNamespace('js-logs');
});
after(async () => {
  await ns?.delete();
});

test('a followed log streams lines as the container writes them', { timeout: 120_000 }, async () => {
  await core.createNamespacedPod({
    namespace: ns.name,
    body: {
      metadata: { name: 'talker' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{
          name: 'main',
          image: 'coxswain/busybox:1',
          imagePullPolicy: 'Never',
          // One line, then a pause long enough that the follow starts before the rest is written.
          command: ['sh', '-c', 'echo line-1; sleep 4; for i in 2 3 4; do echo line-$i; sleep 1; done; sleep 3600'],
        }],
      },
    },
  });
  await eventually(60_000, 'pod talker to run', async () => {
    const pod = await core.readNamespacedPod({ namespace: ns.name, name: 'talker' });
    return pod.status?.phase === 'Running';
  });
  await eventually(20_000, 'the first line in the log', async () => (await core.readNamespacedPodLog({ namespace: ns.name, name: 'talker' })).includes('line-1'));

  // The client sends follow=true (and, as it does, pretty=true, which the log endpoint ignores).
  const out = new PassThrough();
  let text = '';
  const arrivals = [];
  out.on('data', (chunk) => {
    text += chunk.toString();
    arrivals.push(Date.now());
  });
  const started = Date.now();
  const controller = await within(15_000, 'the log request', new k8s.Log(kc).log(ns.name, 'talker', 'main', out, { follow: true }));
  try {
    await eventually(30_000, `line-4 in the followed log (so far ${JSON.stringify(text)})`, () => text.includes('line-4'));
    assert.deepEqual(text.split('\n').filter((l) => l), ['line-1', 'line-2', 'line-3', 'line-4'], 'the lines, in order, as written');
    // Followed, not read once: line-4 is written seconds after the request started.
    assert.ok(arrivals.at(-1) - started >= 1_000, `lines kept arriving after the request (${arrivals.map((t) => t - started).join(', ')} ms)`);
    assert.ok(!out.writableEnded, 'a followed log stays open while the container runs');
  } finally {
    controller.abort();
  }
});
