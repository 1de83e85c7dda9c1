import assert from 'node:assert/strict';
import { test } from 'node:test';
import { documentIndexAt, documentStartLine, isManifest, isSeparator } from '../src/manifest';

const file = [
  'apiVersion: v1',        // 0
  'kind: Service',         // 1
  '---',                   // 2
  'apiVersion: apps/v1',   // 3
  'kind: Deployment',      // 4
  '--- # the job',         // 5
  'kind: Job',             // 6
  '----not a separator',   // 7
].join('\n');

test('the document under the cursor counts the --- lines above it, as the server cuts sections', () => {
  assert.equal(documentIndexAt(file, 0), 0);
  assert.equal(documentIndexAt(file, 1), 0);
  assert.equal(documentIndexAt(file, 2), 1, 'a --- line belongs to the document it opens');
  assert.equal(documentIndexAt(file, 4), 1);
  assert.equal(documentIndexAt(file, 6), 2);
  assert.equal(documentIndexAt(file, 7), 2);
  assert.equal(documentIndexAt(file, 99), 2, 'past the end');
});

test('a --- on the first line opens no document of its own', () => {
  assert.equal(documentIndexAt('---\nkind: Pod\n---\nkind: Service', 1), 0);
  assert.equal(documentIndexAt('---\nkind: Pod\n---\nkind: Service', 3), 1);
});

test('CRLF line ends still separate', () => {
  assert.equal(documentIndexAt('kind: Pod\r\n---\r\nkind: Service\r\n', 2), 1);
});

test('separators', () => {
  assert.ok(isSeparator('---'));
  assert.ok(isSeparator('--- '));
  assert.ok(isSeparator('---\r'));
  assert.ok(!isSeparator('----'));
  assert.ok(!isSeparator(' ---'));
  assert.ok(!isSeparator('--'));
});

test('the start line of a document', () => {
  assert.equal(documentStartLine(file, 0), 0);
  assert.equal(documentStartLine(file, 1), 2);
  assert.equal(documentStartLine(file, 2), 5);
  assert.equal(documentStartLine(file, 9), 0, 'no such document');
});

test('a manifest has top-level apiVersion and kind', () => {
  assert.ok(isManifest('apiVersion: v1\nkind: Pod\n'));
  assert.ok(isManifest('# c\nkind: Pod\napiVersion: v1'));
  assert.ok(isManifest('--- apiVersion: v1\nkind: Pod'));
  assert.ok(!isManifest('services:\n  web:\n    image: nginx\n'), 'a compose file');
  assert.ok(!isManifest('apiVersion: v1\n'), 'no kind');
  assert.ok(!isManifest('spec:\n  apiVersion: v1\n  kind: Pod\n'), 'nested keys only');
});
