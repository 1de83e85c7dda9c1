// Drives real VS Code (code-server) in headless Debian Chromium with playwright-core, as a person would:
// opens the workspace, types in a manifest and sees the Coxswain server's completion and diagnostics, then runs
// "Coxswain: Restart the language server" and sees completion still work, turns coxswain.trace.server to verbose and
// sees the protocol trace and the server's own log in its output channel, then runs "Coxswain: Deploy" on a Deployment
// and sees its code lens status come alive, the Coxswain Cluster view, a diff with the cluster and the pod's log;
// last, that a Java older than 17 is refused with one clear message.
//
// usage: node drive.mjs  (environment: CODE_URL, WORKSPACE, SCREENSHOTS, CHROMIUM; DEPLOY=0 skips the cluster part;
// OLD_JAVA_HOME, a JDK folder whose java says it is 11, checks the message about Java at the end)
// Prints one "PASS <step>" line a step and "SCREENSHOT <file>" lines; exits 1 with "FAIL <step>: <why>".
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const url = required('CODE_URL');
const workspace = required('WORKSPACE');
const shots = required('SCREENSHOTS');
const deploy = process.env.DEPLOY !== '0';
// the kubeconfig's current context, which the status bar names: the admin kubeconfig's is "system:admin@coxswain"
const kubeContext = process.env.KUBE_CONTEXT || 'coxswain';
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const started = Date.now();

function required(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`FAIL setup: ${name} is not set`);
    process.exit(2);
  }
  return v;
}

function log(line) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
}

mkdirSync(shots, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'coxswain-chromium-'));
let context;
let page;
let step = 'launch';

async function shot(name) {
  const file = join(shots, `${name}.png`);
  await page.screenshot({ path: file });
  console.log(`SCREENSHOT ${file}`);
}

/** Polls fn until it returns a truthy value; throws with the last value seen. */
async function until(what, timeoutMs, fn, intervalMs = 500) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) {
        return last;
      }
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 600)}`);
    }
    await page.waitForTimeout(intervalMs);
  }
}

async function openFile(name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(name);
  await until(`quick open to list ${name}`, 15000, async () =>
    (await page.locator('.quick-input-list .monaco-list-row').first().textContent())?.includes(name));
  await page.keyboard.press('Enter');
  await until(`the editor tab of ${name}`, 15000, async () =>
    (await page.locator('.tabs-container .tab.active').textContent())?.includes(name));
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
}

async function runCommand(label) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(`>${label}`);
  await until(`the command "${label}" in the palette`, 15000, async () =>
    (await page.locator('.quick-input-list .monaco-list-row').first().getAttribute('aria-label'))?.includes(label));
  await page.keyboard.press('Enter');
}

/** The visible rows of the suggest widget (it renders only what fits), each as its label and detail text. */
async function suggestions() {
  return (await page.locator('.suggest-widget.visible .monaco-list-row').allTextContents()).map((t) => t.trim());
}

/** The visible lines of the output panel's editor, one a line (Monaco renders spaces as no-break spaces). */
async function outputText() {
  return (await page.locator('.part.panel .monaco-editor .view-line').allTextContents()).join('\n').replace(/\u00a0/g, ' ');
}

/** Merges settings into the workspace's .vscode/settings.json; VS Code applies the file's changes by itself. */
function setWorkspaceSettings(values) {
  const file = join(workspace, '.vscode/settings.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...values }, null, 2));
}

/** Our completion under spec: of a Pod; the cursor is at the start of a new line right under `spec:`. */
async function completeContainers(what) {
  await page.keyboard.type('  ');
  let seen = [];
  return until(what, 90000, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Space');
    await page.locator('.suggest-widget.visible .monaco-list-row').first().waitFor({ timeout: 3000 }).catch(() => undefined);
    // ours, not VS Code's word completion: the schema's key with its type and "required" as the detail
    const rows = await suggestions();
    seen = rows;
    return rows.some((r) => r.startsWith('containers') && r.includes('[]Container (required)')) ? rows : undefined;
  }, 1500).catch((e) => {
    throw new Error(`${e.message}; the suggestions shown: ${JSON.stringify(seen)}`);
  });
}

async function codeLenses() {
  return (await page.locator('.monaco-editor .codelens-decoration').allTextContents()).map((t) => t.trim());
}

try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(30000);

  step = 'workbench';
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
  await page.locator('.explorer-folders-view').waitFor({ timeout: 60000 });
  log('PASS workbench: code-server shows the workspace');

  // --- completion: a Pod being written, the cursor under spec:
  step = 'completion';
  await openFile('edit.yaml');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('spec:');
  await page.keyboard.press('Enter');
  const items = await completeContainers('our completion items under spec: of a Pod (containers)');
  log(`PASS completion: ${items.slice(0, 8).join(', ')}${items.length > 8 ? ', …' : ''}`);
  await shot('01-completion');

  // --- diagnostics: an unknown field, with the server's "did you mean"
  step = 'diagnostics';
  await page.keyboard.press('Escape');
  await page.keyboard.type('hostnamee: web');
  await page.keyboard.press('Escape');
  await until('a squiggle under the unknown field', 30000, async () => (await page.locator('.monaco-editor .squiggly-error').count()) > 0);
  await page.locator('[id="status.problems"]').click();
  const problem = await until('the unknown field in the Problems panel', 30000, async () => {
    const rows = await page.locator('.markers-panel .monaco-list-row').allTextContents();
    return rows.find((r) => r.includes('unknown field') && r.includes('hostnamee'));
  });
  if (!problem.includes('did you mean "hostname"')) {
    throw new Error(`the problem has no "did you mean": ${problem}`);
  }
  log(`PASS diagnostics: ${problem}`);
  await shot('02-diagnostics');
  await page.locator('[id="status.problems"]').click(); // close the panel again

  // --- restart: the palette command stops the server and starts a new one; completion answers again
  step = 'restart';
  await page.keyboard.press('Escape');
  await runCommand('Coxswain: Restart the language server');
  const restarted = await until('the status bar message that the server restarted', 60000, async () => {
    const texts = await page.locator('.statusbar-item').allTextContents();
    return texts.map((t) => t.trim()).find((t) => t.includes('language server restarted'));
  }, 250);
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  // a new line right under "spec:" (line 6), which is not indented, so that the new line is not either
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  const again = await completeContainers('completion from the restarted server');
  log(`PASS restart: ${restarted}; completion again: ${again.slice(0, 3).join(', ')}`);

  // --- trace: coxswain.trace.server verbose puts the protocol in the server's output channel, beside its own log
  step = 'trace';
  setWorkspaceSettings({ 'coxswain.trace.server': 'verbose' });
  await page.waitForTimeout(1500); // the client reads the changed setting
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Space'); // some traffic to trace
  await page.waitForTimeout(1000);
  await page.keyboard.press('Escape');
  await runCommand('Coxswain: Show the output');
  // the channel shows only the lines in view, and a verbose trace's long messages push their [Trace header out of
  // it: the Output view's filter keeps just the header lines
  const filter = page.locator('.part.panel .viewpane-filter input').first();
  await filter.fill('[Trace');
  const traced = await until('[Trace lines in the output "Coxswain Language Server"', 30000, async () => {
    const text = await outputText();
    return text.includes('[Trace') ? text : undefined;
  });
  await filter.fill('');
  const traceLine = traced.split('\n').find((l) => l.includes('[Trace'));
  log(`PASS trace: ${traceLine.trim().slice(0, 160)}`);
  step = 'server log';
  // the server's own log (window/logMessage from its SLF4J provider) goes to the same channel: coxswain.hover off,
  // applied live, makes it write a line, the last one in the channel once the trace is off
  setWorkspaceSettings({ 'coxswain.trace.server': 'off' });
  await page.waitForTimeout(1500);
  setWorkspaceSettings({ 'coxswain.hover': false });
  await filter.fill('hover off');
  const serverLog = await until('the server\'s line about the switches in its output channel', 30000, async () => {
    const text = await outputText();
    return text.split('\n').find((l) => l.includes('validation on, completion on, hover off'));
  });
  await filter.fill('');
  log(`PASS server log: ${serverLog.trim().slice(0, 160)}`);
  await shot('03-output');
  setWorkspaceSettings({ 'coxswain.hover': true });
  await page.keyboard.press('Control+J'); // close the panel
  await openFile('edit.yaml');

  if (deploy) {
    // --- deploy: a Deployment of the local busybox image; the status lens comes alive
    step = 'code lenses';
    await openFile('web.yaml');
    const lenses = await until('the server\'s Deploy code lens', 60000, async () => {
      const l = await codeLenses();
      return l.some((t) => t.includes('Deploy')) ? l : undefined;
    });
    log(`PASS code lenses: ${lenses.join(' | ')}`);
    await shot('04-before-deploy');

    step = 'dry run';
    await page.keyboard.press('Control+Home');
    await runCommand('Coxswain: Dry run');
    const dry = await until('the dry run\'s result in the status bar', 30000, async () => {
      const items = await page.locator('.statusbar-item').allTextContents();
      return items.map((t) => t.trim()).find((t) => t.startsWith('(dry run)'));
    }, 250);
    if ((await codeLenses()).some((t) => /[●⏳]/.test(t))) {
      throw new Error('a dry run made the object exist');
    }
    log(`PASS dry run: ${dry}`);

    step = 'deploy';
    await runCommand('Coxswain: Deploy');
    const first = await until('a status code lens (● or ⏳) after Deploy', 60000, async () => {
      const l = await codeLenses();
      return l.find((t) => /[●⏳⚠✖✔]/.test(t));
    });
    log(`PASS deploy: the status lens appeared: ${first}`);
    const running = await until('the status code lens "● Running"', 120000, async () => {
      const l = await codeLenses();
      return l.find((t) => t.includes('● Running'));
    });
    log(`PASS running: ${running}`);
    await shot('05-deployed');

    step = 'cluster view';
    await page.locator('.activitybar .action-item a[aria-label^="Coxswain"]').click();
    const rows = await until('the pod under the Deployment in the Coxswain Cluster view', 30000, async () => {
      const r = await page.locator('.pane-body .monaco-list-row').allTextContents();
      return r.some((t) => t.startsWith('web-')) ? r : undefined;
    });
    log(`PASS cluster view: ${rows.join(' / ')}`);
    const ids = await page.locator('.statusbar-item').evaluateAll((els) => els.map((e) => `${e.id}=${e.textContent.trim()}`));
    const connection = ids.find((i) => i.startsWith('coxswain.coxswain.connection='));
    if (!connection || !connection.endsWith(`=${kubeContext}`)) {
      throw new Error(`the status bar shows no connection to the context "${kubeContext}": ${ids.join(', ')}`);
    }
    log(`PASS status bar: ${connection}`);
    await shot('06-cluster-view');

    // the server's own Diff lens: its command goes through the language client, whose middleware shows the result
    step = 'diff';
    await page.locator('.monaco-editor .codelens-decoration a', { hasText: /^Diff$/ }).first().click();
    const diffTab = await until('a live ↔ local diff editor', 30000, async () => {
      const tabs = await page.locator('.tabs-container .tab').allTextContents();
      return tabs.find((t) => t.includes('live ↔ local'));
    });
    await page.locator('.monaco-diff-editor').first().waitFor({ timeout: 15000 });
    log(`PASS diff: ${diffTab.trim()}`);
    await shot('07-diff');

    step = 'logs';
    await openFile('web.yaml');
    await runCommand('Coxswain: Logs');
    const logText = await until('the pod log in the "Coxswain Logs" output channel', 60000, async () => {
      const text = await outputText();
      return text.includes('web is up') ? text : undefined;
    });
    log(`PASS logs: ${logText.replace(/\s+/g, ' ').slice(0, 160)}`);
    await shot('08-logs');
  }

  if (process.env.OLD_JAVA_HOME) {
    // the setting coxswain.java.home pointed at a Java 11: the server is restarted with it, and refused with one message
    step = 'java check';
    setWorkspaceSettings({ 'coxswain.java.home': process.env.OLD_JAVA_HOME });
    const toast = await until('the notification that Java 17 or newer is needed', 30000, async () => {
      const texts = await page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
      return texts.find((t) => t.includes('needs Java 17 or newer'));
    });
    if (!toast.includes('found Java 11')) {
      throw new Error(`the message does not say which Java it found: ${toast}`);
    }
    log(`PASS java check: ${toast}`);
    await shot('09-java-too-old');
  }
  log('DONE');
} catch (e) {
  console.log(`FAIL ${step}: ${e.message.split('\n')[0]}`);
  if (page) {
    await shot(`failed-${step.replace(/\W+/g, '-')}`).catch(() => undefined);
  }
  process.exitCode = 1;
} finally {
  await context?.close().catch(() => undefined);
  rmSync(profile, { recursive: true, force: true });
}
