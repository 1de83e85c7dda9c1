// Bundles the extension with esbuild and copies the language server's jar into server/, and the project's LICENSE and
// NOTICE beside package.json (vsce packages them; they are not kept twice in git).
// `node scripts/build.mjs --tests` instead bundles the unit tests (test/*.test.ts) into out/test/ for `node --test`.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tests = process.argv.includes('--tests');

if (tests) {
  rmSync(join(root, 'out/test'), { recursive: true, force: true });
  const entryPoints = readdirSync(join(root, 'test')).filter((f) => f.endsWith('.test.ts')).map((f) => join(root, 'test', f));
  await build({
    entryPoints,
    outdir: join(root, 'out/test'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
} else {
  const jar = resolve(root, '../language-server/target/coxswain-language-server.jar');
  if (!existsSync(jar)) {
    console.error(`the language server's jar is missing: ${jar}\n`
      + 'build it first: mvn -B -pl language-server -am package -DskipTests');
    process.exit(1);
  }
  mkdirSync(join(root, 'server'), { recursive: true });
  copyFileSync(jar, join(root, 'server/coxswain-language-server.jar'));
  for (const file of ['LICENSE', 'NOTICE']) {
    copyFileSync(resolve(root, '..', file), join(root, file));
  }
  await build({
    entryPoints: [join(root, 'src/extension.ts')],
    outfile: join(root, 'dist/extension.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    minify: true,
    sourcemap: false,
    logLevel: 'warning',
  });
}
