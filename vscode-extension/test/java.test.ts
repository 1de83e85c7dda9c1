import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { archiveArgs, archiveTraining, checkJava, hasArchiveHeader, trainArchive, javaExecutable, javaProblem, parseJavaVersion } from '../src/java';

test('java -version output of several vendors', () => {
  assert.equal(parseJavaVersion('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment'), 17);
  assert.equal(parseJavaVersion('openjdk version "25" 2025-09-16'), 25);
  assert.equal(parseJavaVersion('java version "1.8.0_402"\nJava(TM) SE Runtime Environment'), 8);
  assert.equal(parseJavaVersion('openjdk version "11.0.22" 2024-01-16'), 11);
  assert.equal(parseJavaVersion('openjdk version "21-ea" 2023-09-19'), 21);
  assert.equal(parseJavaVersion('bash: java: command not found'), undefined);
});

test('the AppCDS archive next to the jar is mapped when it is there, else made by the jar\'s training', () => {
  const jar = '/ext/server/coxswain-language-server.jar';
  assert.deepEqual(archiveArgs(jar, (f) => f === '/ext/server/coxswain-language-server.jsa'),
    ['-XX:SharedArchiveFile=/ext/server/coxswain-language-server.jsa', '-Xshare:auto', '-Xlog:disable', '-Xlog:all=warning:stderr']);
  assert.deepEqual(archiveArgs(jar, () => false), []);
  assert.deepEqual(archiveTraining('/jdk/bin/java', jar), { command: '/jdk/bin/java',
    args: ['-cp', jar, 'io.coxswain.ls.CdsTraining', '/jdk/bin/java', jar, '/ext/server/coxswain-language-server.jsa'] });
  assert.equal(trainArchive('/jdk/bin/java', jar, () => true), false);
});

test('an archive counts only with the header of a dynamic CDS archive', () => {
  const dir = mkdtempSync(join(tmpdir(), 'coxswain-jsa-'));
  const good = join(dir, 'good.jsa');
  writeFileSync(good, Buffer.from([0xa8, 0xab, 0x0b, 0xf0, 0, 0, 0, 0]));
  const unwritten = join(dir, 'unwritten.jsa');
  writeFileSync(unwritten, Buffer.alloc(4096));
  assert.equal(hasArchiveHeader(good), true);
  assert.equal(hasArchiveHeader(unwritten), false);
  assert.equal(hasArchiveHeader(join(dir, 'absent.jsa')), false);
  rmSync(dir, { recursive: true });
});

test('the java executable: the setting, else JAVA_HOME, else the PATH', () => {
  assert.deepEqual(javaExecutable('/opt/jdk', { JAVA_HOME: '/usr/lib/jvm/x' }, 'linux'),
    { path: '/opt/jdk/bin/java', source: 'the setting coxswain.java.home' });
  assert.deepEqual(javaExecutable('  ', { JAVA_HOME: '/usr/lib/jvm/x' }, 'linux'),
    { path: '/usr/lib/jvm/x/bin/java', source: 'JAVA_HOME' });
  assert.deepEqual(javaExecutable(undefined, {}, 'linux'), { path: 'java', source: 'the PATH' });
});

test('one clear message names the version found and the setting to change', () => {
  const m = javaProblem({ path: '/usr/bin/java', source: 'the PATH' }, 11);
  assert.match(m, /needs Java 17 or newer/);
  assert.match(m, /found Java 11 at \/usr\/bin\/java \(from the PATH\)/);
  assert.match(m, /coxswain\.java\.home/);
});

test('a java.home without java says so', async () => {
  const r = await checkJava({ path: '/nonexistent/jdk/bin/java', source: 'the setting coxswain.java.home' });
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.message, /could not run \/nonexistent\/jdk\/bin\/java .*no such file/);
});

test('a fake java that says it is 11 is refused, one that says 17 is taken', async (t) => {
  const { mkdtempSync, writeFileSync, chmodSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'coxswain-java-'));
  const fake = (version: string): string => {
    const file = join(dir, `java-${version}`);
    writeFileSync(file, `#!/bin/sh\necho 'openjdk version "${version}" 2024-01-01' >&2\n`);
    chmodSync(file, 0o755);
    return file;
  };
  const old = await checkJava({ path: fake('11.0.2'), source: 'test' });
  assert.equal(old.ok, false);
  assert.match(old.ok ? '' : old.message, /found Java 11/);
  const good = await checkJava({ path: fake('17.0.1'), source: 'test' });
  assert.deepEqual(good, { ok: true, path: join(dir, 'java-17.0.1'), version: 17 });
  t.diagnostic(dir);
});
