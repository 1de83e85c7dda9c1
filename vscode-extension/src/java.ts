// Finding the Java that runs the language server, and its command line. Pure parts first, so that unit tests can run them.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const MIN_JAVA = 17;

/** The JVM options editors start the server with (language-server/README.md). */
export const JVM_ARGS = ['-XX:+UseSerialGC', '-Xmx1g'];

/**
 * The server's command line after `java`: our JVM options, the AppCDS archive's when this copy of the jar has one,
 * then the user's `coxswain.java.vmargs` (a later option wins in HotSpot, so the user's -Xmx overrides ours), then the
 * jar. The one place the extension builds it.
 */
export function serverArgs(vmargs: string | undefined, jar: string, isArchive: (file: string) => boolean = hasArchiveHeader): string[] {
  return [...JVM_ARGS, ...archiveArgs(jar, isArchive), ...splitArgs(vmargs ?? ''), '-jar', jar];
}

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


/** Splits a command line as a shell does for words and quotes: `-Da="x y" -Xmx2g` gives `-Da=x y` and `-Xmx2g`. */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inWord = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) {
        quote = undefined;
      } else {
        current += ch;
      }
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) {
        out.push(current);
        current = '';
        inWord = false;
      }
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) {
    out.push(current);
  }
  return out;
}

/** What the discovery reads from the machine: {@link machine} is the real one, tests give their own. */
export interface Machine {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
  isFile(path: string): boolean;
  /** The folders in a folder, as full paths; none when it does not exist. */
  folders(path: string): string[];
}

export const machine: Machine = {
  env: process.env,
  platform: process.platform,
  home: homedir(),
  isFile: (p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  },
  folders: (p) => {
    try {
      return readdirSync(p, { withFileTypes: true })
        .filter((d) => d.isDirectory() || d.isSymbolicLink())
        .map((d) => join(p, d.name));
    } catch {
      return [];
    }
  },
};

const SETTING = 'the setting coxswain.java.home';

/**
 * Where a Java may be, in the order Red Hat's Java tooling looks (vscode-java's java.jdt.ls.java.home, then
 * jdk-utils): the setting `coxswain.java.home`, which when set is the only candidate (the user chose it); else
 * JAVA_HOME, JDK_HOME, `java` on the PATH, then the usual JDK folders: /usr/lib/jvm/*, /usr/java/*, /opt/java/*,
 * /Library/Java/JavaVirtualMachines/<jdk>/Contents/Home, SDKMAN's candidates and IntelliJ's ~/.jdks, each folder's
 * JDKs newest name first. Each java once.
 */
export function javaCandidates(settingHome: string | undefined, m: Machine = machine): JavaCandidate[] {
  const exe = m.platform === 'win32' ? 'java.exe' : 'java';
  const inHome = (home: string, source: string): JavaCandidate => ({ path: join(home, 'bin', exe), source });
  if (settingHome && settingHome.trim()) {
    return [inHome(settingHome.trim(), SETTING)];
  }
  const out: JavaCandidate[] = [];
  for (const name of ['JAVA_HOME', 'JDK_HOME']) {
    const home = m.env[name]?.trim();
    if (home) {
      out.push(inHome(home, name));
    }
  }
  const pathDirs = (m.env.PATH ?? '').split(m.platform === 'win32' ? ';' : ':').filter((d) => d);
  const onPath = pathDirs.map((d) => join(d, exe)).find((p) => m.isFile(p));
  if (onPath) {
    out.push({ path: onPath, source: 'the PATH' });
  }
  const homesIn = (root: string, label: string, ...suffix: string[]): void => {
    const dirs = m.folders(root).sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
    for (const dir of dirs) {
      const candidate = inHome(join(dir, ...suffix), label);
      if (m.isFile(candidate.path)) {
        out.push(candidate);
      }
    }
  };
  if (m.platform === 'darwin') {
    homesIn('/Library/Java/JavaVirtualMachines', '/Library/Java/JavaVirtualMachines', 'Contents', 'Home');
    homesIn(join(m.home, 'Library/Java/JavaVirtualMachines'), '~/Library/Java/JavaVirtualMachines', 'Contents', 'Home');
  } else if (m.platform !== 'win32') {
    homesIn('/usr/lib/jvm', '/usr/lib/jvm');
    homesIn('/usr/java', '/usr/java');
    homesIn('/opt/java', '/opt/java');
  }
  homesIn(join(m.env.SDKMAN_DIR?.trim() || join(m.home, '.sdkman'), 'candidates', 'java'), 'SDKMAN');
  homesIn(join(m.home, '.jdks'), '~/.jdks');
  const seen = new Set<string>();
  return out.filter((c) => !seen.has(c.path) && !!seen.add(c.path));
}

/**
 * The first candidate that is Java 17 or newer. When none is, one message: the setting's problem when the setting
 * named the Java, else the first candidate's (the one the user most likely meant), or that none was found and where
 * the extension looked.
 */
export async function findJava(candidates: JavaCandidate[], check: (c: JavaCandidate) => Promise<JavaCheck> = checkJava): Promise<JavaCheck> {
  let first: JavaCheck | undefined;
  for (const candidate of candidates) {
    const result = await check(candidate);
    if (result.ok || candidate.source === SETTING) {
      return result;
    }
    first ??= result;
  }
  return first ?? {
    ok: false,
    message: `Coxswain needs Java ${MIN_JAVA} or newer to run its language server and found no Java (looked at JAVA_HOME, `
      + 'JDK_HOME, the PATH, /usr/lib/jvm, /usr/java, /opt/java, /Library/Java/JavaVirtualMachines, SDKMAN and ~/.jdks). '
      + 'Install a JDK 17+ and point the setting "coxswain.java.home" (or JAVA_HOME) at it.',
  };
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
