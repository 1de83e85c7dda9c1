import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { archiveArgs, archiveTraining, checkJava, findJava, hasArchiveHeader, trainArchive, JavaCandidate, javaCandidates, javaProblem, Machine, parseJavaVersion, serverArgs, splitArgs } from '../src/java';

test('java -version output of several vendors', () => {
  assert.equal(parseJavaVersion('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment'), 17);
  assert.equal(parseJavaVersion('openjdk version "25" 2025-09-16'), 25);
  assert.equal(parseJavaVersion('java version "1.8.0_402"\nJava(TM) SE Runtime Environment'), 8);
  assert.equal(parseJavaVersion('openjdk version "11.0.22" 2024-01-16'), 11);
  assert.equal(parseJavaVersion('openjdk version "21-ea" 2023-09-19'), 21);
  assert.equal(parseJavaVersion('bash: java: command not found'), undefined);
});

/** A machine with these java files (and the folders above them); nothing else exists. */
function fakeMachine(files: string[], env: NodeJS.ProcessEnv = {}, platform: NodeJS.Platform = 'linux'): Machine {
  return {
    env,
    platform,
    home: '/home/u',
    isFile: (p) => files.includes(p),
    folders: (dir) => [...new Set(files.filter((f) => f.startsWith(`${dir}/`))
      .map((f) => `${dir}/${f.slice(dir.length + 1).split('/')[0]}`))],
  };
}

test('the setting, when set, is the only candidate: the user chose that Java', () => {
  const m = fakeMachine(['/usr/lib/jvm/java-21/bin/java'], { JAVA_HOME: '/usr/lib/jvm/x' });
  assert.deepEqual(javaCandidates('/opt/jdk ', m), [{ path: '/opt/jdk/bin/java', source: 'the setting coxswain.java.home' }]);
});

test('JAVA_HOME, JDK_HOME, the PATH, then the usual JDK folders, newest first, each java once', () => {
  const m = fakeMachine([
    '/usr/bin/java',
    '/usr/lib/jvm/java-11-openjdk/bin/java',
    '/usr/lib/jvm/java-17-openjdk/bin/java',
    '/usr/lib/jvm/java-21-openjdk/bin/java',
    '/usr/lib/jvm/not-a-jdk/README',
    '/usr/java/jdk-17/bin/java',
    '/opt/java/openjdk/bin/java',
    '/home/u/.sdkman/candidates/java/21.0.2-tem/bin/java',
    '/home/u/.jdks/corretto-17.0.9/bin/java',
  ], { JAVA_HOME: '/jh', JDK_HOME: '/usr/lib/jvm/java-17-openjdk', PATH: '/nowhere:/usr/bin' });
  assert.deepEqual(javaCandidates(undefined, m), [
    { path: '/jh/bin/java', source: 'JAVA_HOME' },
    { path: '/usr/lib/jvm/java-17-openjdk/bin/java', source: 'JDK_HOME' },
    { path: '/usr/bin/java', source: 'the PATH' },
    { path: '/usr/lib/jvm/java-21-openjdk/bin/java', source: '/usr/lib/jvm' },
    { path: '/usr/lib/jvm/java-11-openjdk/bin/java', source: '/usr/lib/jvm' },
    { path: '/usr/java/jdk-17/bin/java', source: '/usr/java' },
    { path: '/opt/java/openjdk/bin/java', source: '/opt/java' },
    { path: '/home/u/.sdkman/candidates/java/21.0.2-tem/bin/java', source: 'SDKMAN' },
    { path: '/home/u/.jdks/corretto-17.0.9/bin/java', source: '~/.jdks' },
  ]);
});

test('macOS JDKs are under Contents/Home; SDKMAN_DIR moves SDKMAN', () => {
  const m = fakeMachine([
    '/Library/Java/JavaVirtualMachines/temurin-21.jdk/Contents/Home/bin/java',
    '/sdk/candidates/java/17.0.1-zulu/bin/java',
    '/usr/lib/jvm/java-17/bin/java',
  ], { SDKMAN_DIR: '/sdk' }, 'darwin');
  assert.deepEqual(javaCandidates('', m).map((c) => c.path), [
    '/Library/Java/JavaVirtualMachines/temurin-21.jdk/Contents/Home/bin/java',
    '/sdk/candidates/java/17.0.1-zulu/bin/java',
  ]);
});

test('findJava takes the first Java 17+, passing over older ones', async () => {
  const versions: Record<string, number> = { '/a/bin/java': 11, '/b/bin/java': 8, '/c/bin/java': 21, '/d/bin/java': 17 };
  const check = async (c: JavaCandidate) => (versions[c.path] >= 17
    ? { ok: true as const, path: c.path, version: versions[c.path] }
    : { ok: false as const, message: javaProblem(c, versions[c.path]) });
  const cands = ['/a', '/b', '/c', '/d'].map((h) => ({ path: `${h}/bin/java`, source: h }));
  assert.deepEqual(await findJava(cands, check), { ok: true, path: '/c/bin/java', version: 21 });
  const old = await findJava(cands.slice(0, 2), check);
  assert.equal(old.ok, false);
  assert.match(old.ok ? '' : old.message, /found Java 11 at \/a\/bin\/java \(from \/a\)/);
  const none = await findJava([], check);
  assert.match(none.ok ? '' : none.message, /found no Java \(looked at JAVA_HOME, JDK_HOME, the PATH, \/usr\/lib\/jvm/);
});

test('a setting that names an old Java is refused, not passed over for another', async () => {
  const checked: string[] = [];
  const check = async (c: JavaCandidate) => {
    checked.push(c.path);
    return { ok: false as const, message: javaProblem(c, 11) };
  };
  const r = await findJava(javaCandidates('/old', fakeMachine(['/usr/lib/jvm/java-21/bin/java'])), check);
  assert.deepEqual(checked, ['/old/bin/java']);
  assert.match(r.ok ? '' : r.message, /found Java 11 at \/old\/bin\/java \(from the setting coxswain.java.home\)/);
});

test('this machine: the discovery finds the Java that runs the build', async () => {
  const r = await findJava(javaCandidates(undefined));
  assert.equal(r.ok, true, r.ok ? '' : r.message);
});

test('coxswain.java.vmargs go after our options and before the jar; quotes keep spaces', () => {
  assert.deepEqual(serverArgs(undefined, '/x/server.jar'), ['-XX:+UseSerialGC', '-Xmx1g', '-jar', '/x/server.jar']);
  assert.deepEqual(serverArgs(' -Xmx2g  -Dcoxswain.log.level=debug ', 's.jar'),
    ['-XX:+UseSerialGC', '-Xmx1g', '-Xmx2g', '-Dcoxswain.log.level=debug', '-jar', 's.jar']);
  assert.deepEqual(splitArgs(`-Da="x y" -Db='z' ""`), ['-Da=x y', '-Db=z', '']);
  assert.deepEqual(splitArgs('   '), []);
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
