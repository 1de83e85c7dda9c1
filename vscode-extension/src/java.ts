// Finding the Java that runs the language server. Pure parts first, so that unit tests can run them.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

export const MIN_JAVA = 17;

/** The JVM options editors start the server with (language-server/README.md). */
export const JVM_ARGS = ['-XX:+UseSerialGC', '-Xmx1g'];

/**
 * The AppCDS options (language-server/README.md, "Start time") when the archive next to the jar is there. JDK 17
 * takes an archive only for the JDK build and the jar path that made it, so the one the build makes cannot ship with
 * the extension: `trainArchive` makes this copy's own. A refused archive is harmless (-Xshare:auto), and the JVM's
 * warnings go to stderr, never into the protocol.
 */
export function archiveArgs(jar: string, isArchive: (file: string) => boolean = hasArchiveHeader): string[] {
  const archive = archiveOf(jar);
  return isArchive(archive) ? [`-XX:SharedArchiveFile=${archive}`, '-Xshare:auto', '-Xlog:disable', '-Xlog:all=warning:stderr'] : [];
}

export function archiveOf(jar: string): string {
  return jar.replace(/\.jar$/, '') + '.jsa';
}

/**
 * The command that makes the archive next to the jar: the server's own training session (io.coxswain.ls.CdsTraining,
 * in the jar), run apart from the editor's server, which moves the archive into place only when it is complete.
 */
export function archiveTraining(java: string, jar: string): { command: string; args: string[] } {
  return { command: java, args: ['-cp', jar, 'io.coxswain.ls.CdsTraining', java, jar, archiveOf(jar)] };
}

/** Starts the training in the background when there is no archive yet; the next server start maps it. */
export function trainArchive(java: string, jar: string, isArchive: (file: string) => boolean = hasArchiveHeader): boolean {
  if (isArchive(archiveOf(jar))) {
    return false;
  }
  const training = archiveTraining(java, jar);
  const child = spawn(training.command, training.args, { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined); // no archive, and a start as before
  child.unref();
  return true;
}

/** Where the java executable is: the setting coxswain.java.home, else JAVA_HOME, else `java` on the PATH. */
export function javaExecutable(settingHome: string | undefined, env: NodeJS.ProcessEnv, platform = process.platform): JavaCandidate {
  const exe = platform === 'win32' ? 'java.exe' : 'java';
  if (settingHome && settingHome.trim()) {
    return { path: join(settingHome.trim(), 'bin', exe), source: 'the setting coxswain.java.home' };
  }
  if (env.JAVA_HOME && env.JAVA_HOME.trim()) {
    return { path: join(env.JAVA_HOME.trim(), 'bin', exe), source: 'JAVA_HOME' };
  }
  return { path: exe, source: 'the PATH' };
}

/** Whether the file starts with the magic number of a JDK dynamic CDS archive (0xf00baba8, little-endian). */
export function hasArchiveHeader(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const magic = Buffer.alloc(4);
    return readSync(fd, magic, 0, 4, 0) === 4 && magic.readUInt32LE(0) === 0xf00baba8;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) {
      closeSync(fd);
    }
  }
}

export interface JavaCandidate {
  path: string;
  source: string;
}

/** The feature version of `java -version` output: 17 for `openjdk version "17.0.15"`, 8 for `"1.8.0_402"`. */
export function parseJavaVersion(output: string): number | undefined {
  const m = /version\s+"(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!m) {
    return undefined;
  }
  const major = Number(m[1]);
  return major === 1 && m[2] !== undefined ? Number(m[2]) : major;
}

export type JavaCheck = { ok: true; path: string; version: number } | { ok: false; message: string };

/** The message shown when no Java 17+ is found: one clear sentence on what was found and what to do. */
export function javaProblem(candidate: JavaCandidate, version: number | undefined, error?: string): string {
  const found = version !== undefined
    ? `found Java ${version} at ${candidate.path} (from ${candidate.source})`
    : error
      ? `could not run ${candidate.path} (from ${candidate.source}): ${error}`
      : `could not read the version of ${candidate.path} (from ${candidate.source})`;
  return `Coxswain needs Java ${MIN_JAVA} or newer to run its language server; ${found}. `
    + 'Install a JDK 17+ and point the setting "coxswain.java.home" (or JAVA_HOME) at it.';
}

/** Runs `java -version` and checks the feature version. */
export function checkJava(candidate: JavaCandidate): Promise<JavaCheck> {
  if (candidate.path.includes('/') && !existsSync(candidate.path)) {
    return Promise.resolve({ ok: false, message: javaProblem(candidate, undefined, 'no such file') });
  }
  return new Promise((resolve) => {
    execFile(candidate.path, ['-version'], { timeout: 20000 }, (error, stdout, stderr) => {
      const version = parseJavaVersion(`${stderr}\n${stdout}`);
      if (version === undefined) {
        resolve({ ok: false, message: javaProblem(candidate, undefined, error ? error.message : undefined) });
      } else if (version < MIN_JAVA) {
        resolve({ ok: false, message: javaProblem(candidate, version) });
      } else {
        resolve({ ok: true, path: candidate.path, version });
      }
    });
  });
}
