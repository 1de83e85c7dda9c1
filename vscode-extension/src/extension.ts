// Coxswain for VS Code: starts the language server (the bundled jar on Java 17+), adds the editor commands that drive
// its cluster link (language-server/CLUSTER-LINK.md), the Coxswain Cluster view, the connection's status bar item and
// the pod log channel.
//
// Activation: VS Code activates extensions by language, not by content, so the extension activates on YAML
// (onLanguage:yaml) and starts the Java server only once a manifest (YAML with apiVersion and kind) is open. From then
// on the client's document selector is every YAML file: the server answers only for documents with a kind, so other
// YAML files cost a parse and get nothing.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { ClusterView } from './clusterView';
import { ANSWER_KEY, Answer, CONTRIBUTOR, EMPTY_SCHEMA, EMPTY_SCHEMA_URI, kubernetesSchemaSources, MANIFEST_LABEL, offerMessage,
  shouldOffer, shouldSuppress, Situation, VSCODE_YAML } from './duplicates';
import { findJava, javaCandidates, serverArgs, trainArchive } from './java';
import { documentIndexAt, documentStartLine, isManifest } from './manifest';
import { clusterSettings, CommandResult, connectionLabel, objectName, resultsOf, shownByServer, StatusNotification } from './status';

const SERVER_COMMANDS = {
  deploy: 'coxswain.apply',
  dryRun: 'coxswain.dryRun',
  diff: 'coxswain.diff',
  delete: 'coxswain.delete',
  logs: 'coxswain.logs',
} as const;

interface LogsNotification {
  uri?: string;
  document?: number;
  pod?: string;
  container?: string;
  text?: string;
  end?: boolean;
}

let client: LanguageClient | undefined;
let starting: Promise<LanguageClient | undefined> | undefined;
let javaProblemShown = false;

export function activate(context: vscode.ExtensionContext): void {
  const logs = vscode.window.createOutputChannel('Coxswain Logs');
  // the server's channel: its log (window/logMessage, stderr) and, with coxswain.trace.server, the protocol trace;
  // made here, not by the client, so that a restart keeps writing to the same one
  const output = vscode.window.createOutputChannel('Coxswain Language Server');
  const view = new ClusterView();
  const diffs = new DiffDocuments();
  const statusItem = vscode.window.createStatusBarItem('connection', vscode.StatusBarAlignment.Left, 20);
  statusItem.name = 'Coxswain cluster connection';
  statusItem.command = 'workbench.view.extension.coxswain';
  context.subscriptions.push(logs, output, statusItem,
    vscode.window.registerTreeDataProvider('coxswain.cluster', view),
    vscode.workspace.registerTextDocumentContentProvider(DiffDocuments.scheme, diffs));

  const handlers: ResultHandlers = { logs, diffs, output };
  const start = (): Promise<LanguageClient | undefined> => {
    if (client) {
      return Promise.resolve(client);
    }
    starting ??= startClient(context, handlers, view, statusItem).finally(() => {
      starting = undefined;
    });
    return starting;
  };
  const restart = async (): Promise<LanguageClient | undefined> => {
    javaProblemShown = false;
    await starting;
    const old = client;
    client = undefined;
    if (old) {
      output.appendLine('Coxswain: restarting the language server');
      await old.stop().catch((e: unknown) => output.appendLine(`Coxswain: the server did not stop cleanly: ${String(e)}`));
    }
    return start();
  };

  // start with the first manifest that is (or gets) open; keep the editor title menu to manifests
  const consider = (doc: vscode.TextDocument | undefined): void => {
    if (doc && doc.languageId === 'yaml' && isManifest(doc.getText())) {
      void start();
    }
  };
  const updateContext = (): void => {
    const doc = vscode.window.activeTextEditor?.document;
    const manifest = !!doc && doc.languageId === 'yaml' && isManifest(doc.getText());
    void vscode.commands.executeCommand('setContext', 'coxswain.manifest', manifest);
    consider(doc);
  };
  vscode.workspace.textDocuments.forEach(consider);
  updateContext();
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(consider),
    vscode.window.onDidChangeActiveTextEditor(updateContext),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) {
        updateContext();
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // the Java and its options take a new process; the feature switches and cluster settings apply live
      if ((e.affectsConfiguration('coxswain.java.home') || e.affectsConfiguration('coxswain.java.vmargs')) && (client || javaProblemShown)) {
        void restart();
      }
    }));

  const editorCommand = (serverCommand: string, extra: Record<string, unknown> = {}) => async (): Promise<void> => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'yaml') {
      void vscode.window.showWarningMessage('Coxswain: open a Kubernetes manifest (YAML with apiVersion and kind) first.');
      return;
    }
    const c = await start();
    if (!c) {
      return;
    }
    const args = {
      uri: c.code2ProtocolConverter.asUri(editor.document.uri),
      document: documentIndexAt(editor.document.getText(), editor.selection.active.line),
      ...extra,
    };
    try {
      const response = await c.sendRequest(ExecuteCommandRequest.type, { command: serverCommand, arguments: [args] });
      await handleResult(handlers, serverCommand, args, response);
    } catch (e) {
      void vscode.window.showErrorMessage(`Coxswain: ${serverCommand} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('coxswain.editor.deploy', editorCommand(SERVER_COMMANDS.deploy)),
    vscode.commands.registerCommand('coxswain.editor.dryRun', editorCommand(SERVER_COMMANDS.dryRun)),
    vscode.commands.registerCommand('coxswain.editor.diff', editorCommand(SERVER_COMMANDS.diff)),
    vscode.commands.registerCommand('coxswain.editor.delete', editorCommand(SERVER_COMMANDS.delete)),
    vscode.commands.registerCommand('coxswain.editor.logs', editorCommand(SERVER_COMMANDS.logs, { follow: true, tailLines: 200 })),
    vscode.commands.registerCommand('coxswain.cluster.refresh', () => view.refresh()),
    vscode.commands.registerCommand('coxswain.restartServer', async () => {
      const c = await restart();
      if (c) {
        vscode.window.setStatusBarMessage('$(check) Coxswain: the language server restarted', 5000);
      }
    }),
    vscode.commands.registerCommand('coxswain.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('coxswain.cluster.reveal', async (uri: string, document: number) => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      const line = documentStartLine(doc.getText(), document ?? 0);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, 0) });
    }));
  void handleDuplicateSchemas(context, output);
}

/**
 * Offers once to take the Kubernetes schema that Red Hat's YAML extension gets (from the Kubernetes extension or
 * yaml.schemas) off the manifests Coxswain serves, and does it in every session after a yes (see duplicates.ts).
 */
async function handleDuplicateSchemas(context: vscode.ExtensionContext, output: vscode.OutputChannel): Promise<void> {
  const situation = (): Situation => ({
    installed: (id) => vscode.extensions.getExtension(id) !== undefined,
    yaml: {
      validate: vscode.workspace.getConfiguration('yaml').get('validate'),
      completion: vscode.workspace.getConfiguration('yaml').get('completion'),
      hover: vscode.workspace.getConfiguration('yaml').get('hover'),
      schemas: vscode.workspace.getConfiguration('yaml').get('schemas'),
    },
    answer: context.globalState.get<Answer>(ANSWER_KEY),
  });
  if (shouldOffer(situation())) {
    const turnOff = 'Turn it off for manifests';
    const keep = 'Keep both';
    const choice = await vscode.window.showInformationMessage(offerMessage(kubernetesSchemaSources(situation())), turnOff, keep);
    if (choice === undefined) {
      return; // dismissed: asked again next session
    }
    await context.globalState.update(ANSWER_KEY, choice === turnOff ? 'turnedOff' : 'kept');
  }
  if (!shouldSuppress(situation())) {
    return;
  }
  try {
    const api = await vscode.extensions.getExtension(VSCODE_YAML)?.activate() as YamlExtensionApi | undefined;
    const registered = api?.registerContributor?.(CONTRIBUTOR, () => EMPTY_SCHEMA_URI,
      (uri) => (uri === EMPTY_SCHEMA_URI ? EMPTY_SCHEMA : undefined), MANIFEST_LABEL);
    output.appendLine(registered
      ? 'Coxswain: Red Hat\'s YAML extension gives manifests no Kubernetes schema of its own (they are served here)'
      : 'Coxswain: could not register with Red Hat\'s YAML extension; its Kubernetes schema stays on for manifests');
  } catch (e) {
    output.appendLine(`Coxswain: Red Hat's YAML extension did not activate: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The part of vscode-yaml's exported API used here (its src/schema-extension-api.ts). */
interface YamlExtensionApi {
  registerContributor?(schema: string, requestSchema: (resource: string) => string | undefined,
    requestSchemaContent: (uri: string) => string | undefined, label?: string): boolean;
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  await c?.stop();
}

async function startClient(context: vscode.ExtensionContext, handlers: ResultHandlers, view: ClusterView,
  statusItem: vscode.StatusBarItem): Promise<LanguageClient | undefined> {
  statusItem.text = '$(sync~spin) Coxswain';
  statusItem.tooltip = 'Coxswain: starting the language server';
  statusItem.show();
  const settings = vscode.workspace.getConfiguration('coxswain');
  const java = await findJava(javaCandidates(settings.get<string>('java.home')));
  if (!java.ok) {
    handlers.output.appendLine(java.message);
    statusItem.text = '$(error) Coxswain: no Java 17';
    statusItem.tooltip = java.message;
    if (!javaProblemShown) {
      javaProblemShown = true;
      void vscode.window.showErrorMessage(java.message, 'Open Settings').then((choice) => {
        if (choice) {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'coxswain.java.home');
        }
      });
    }
    return undefined;
  }
  const jar = context.asAbsolutePath(path.join('server', 'coxswain-language-server.jar'));
  trainArchive(java.path, jar); // the first time: this copy's own AppCDS archive, for the next start
  const args = serverArgs(settings.get<string>('java.vmargs'), jar);
  handlers.output.appendLine(`Coxswain: starting ${java.path} (Java ${java.version}) ${args.join(' ')}`);
  const serverOptions: ServerOptions = {
    command: java.path,
    args,
    transport: TransportKind.stdio,
  };
  const folder = (): string | undefined => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const clean = (raw: unknown) => clusterSettings(raw as Record<string, unknown> | undefined, os.homedir(), folder());
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'yaml' }, { scheme: 'untitled', language: 'yaml' }],
    outputChannel: handlers.output,
    synchronize: { configurationSection: 'coxswain' },
    initializationOptions: {
      coxswain: {
        cluster: clean(settings.get('cluster')),
        validate: settings.get<boolean>('validate', true),
        completion: settings.get<boolean>('completion', true),
        hover: settings.get<boolean>('hover', true),
      },
    },
    middleware: {
      // the server's own commands, run from its code lenses: their results show like the editor commands'
      executeCommand: async (command, args, next) => {
        const response = await next(command, args);
        await handleResult(handlers, command, args[0], response);
        return response;
      },
      workspace: {
        configuration: async (params, token, next) => {
          const answer = await next(params, token);
          if (!Array.isArray(answer)) {
            return answer;
          }
          return answer.map((value, i) => {
            const section = params.items[i]?.section;
            if (section === 'coxswain.cluster') {
              return clean(value);
            }
            if (section === 'coxswain' && value && typeof value === 'object') {
              return { ...value, cluster: clean((value as { cluster?: unknown }).cluster) };
            }
            return value;
          });
        },
      },
    },
  };
  const c = new LanguageClient('coxswain', 'Coxswain Language Server', serverOptions, clientOptions);
  c.onNotification('coxswain/status', (status: StatusNotification) => {
    view.update(status);
    const label = connectionLabel(status.connection);
    statusItem.text = label.text;
    statusItem.tooltip = label.tooltip;
  });
  c.onNotification('coxswain/logs', (n: LogsNotification) => {
    if (n.text) {
      handlers.logs.append(n.text.endsWith('\n') ? n.text : `${n.text}\n`);
    }
    if (n.end) {
      handlers.logs.appendLine(`── end of ${n.pod ?? 'pod'}${n.container ? `/${n.container}` : ''} ──`);
    }
  });
  try {
    await c.start();
  } catch (e) {
    statusItem.text = '$(error) Coxswain';
    statusItem.tooltip = `Coxswain: the language server did not start: ${e instanceof Error ? e.message : String(e)}`;
    void vscode.window.showErrorMessage(`Coxswain: the language server did not start (${java.path}). See the output "Coxswain Language Server".`);
    return undefined;
  }
  client = c;
  const label = connectionLabel(undefined);
  statusItem.text = label.text;
  statusItem.tooltip = label.tooltip;
  return c;
}

interface ResultHandlers {
  logs: vscode.OutputChannel;
  diffs: DiffDocuments;
  output: vscode.OutputChannel;
}

/** Shows a command's results: a status bar message, an error, a diff editor or the log channel. */
async function handleResult(h: ResultHandlers, command: string, args: unknown, response: unknown): Promise<void> {
  const results = resultsOf(response);
  const failures = results.filter((r) => r.ok === false && !shownByServer(r));
  for (const r of failures) {
    void vscode.window.showErrorMessage(`Coxswain: ${r.message ?? `${command} failed for ${objectName(r)}`}`);
  }
  switch (command) {
    case SERVER_COMMANDS.deploy:
    case SERVER_COMMANDS.delete:
    case SERVER_COMMANDS.dryRun: {
      const ok = results.filter((r) => r.ok);
      if (ok.length > 0) {
        const prefix = command === SERVER_COMMANDS.dryRun ? '(dry run) ' : '';
        vscode.window.setStatusBarMessage(`$(check) ${prefix}${ok.map((r) => r.message ?? objectName(r)).join('; ')}`, 8000);
      } else if (results.some((r) => r.ok === false && shownByServer(r) && !r.conflict)) {
        vscode.window.setStatusBarMessage(`$(error) ${results.map((r) => r.message).join('; ')} (see Problems)`, 8000);
      }
      break;
    }
    case SERVER_COMMANDS.diff: {
      const r = results.find((x) => x.ok !== false && (x.local !== undefined || x.live !== undefined));
      if (r) {
        await h.diffs.show(r);
      }
      break;
    }
    case SERVER_COMMANDS.logs: {
      const withLogs = results.filter((x) => x.logs !== undefined);
      for (const r of withLogs) {
        h.logs.appendLine(`── ${r.namespace ?? 'default'}/${r.pod ?? r.name ?? '?'}${r.container ? `/${r.container}` : ''} ──`);
        h.logs.append(r.logs!.endsWith('\n') || r.logs === '' ? r.logs! : `${r.logs}\n`);
      }
      if (withLogs.length > 0) {
        h.logs.show(true);
      }
      break;
    }
    default:
      void args;
  }
}

/** Read-only documents for the diff editor: the live object and the local document, as the server gives them. */
class DiffDocuments implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'coxswain-diff';
  private readonly texts = new Map<string, string>();
  private next = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  async show(r: CommandResult): Promise<void> {
    const id = ++this.next;
    const name = objectName(r);
    const live = vscode.Uri.from({ scheme: DiffDocuments.scheme, path: `/${id}/live/${name}.yaml` });
    const local = vscode.Uri.from({ scheme: DiffDocuments.scheme, path: `/${id}/local/${name}.yaml` });
    this.texts.set(live.path, r.live ?? '');
    this.texts.set(local.path, r.local ?? '');
    const title = r.live === undefined ? `${name}: not in the cluster ↔ local` : `${name}: live ↔ local`;
    await vscode.commands.executeCommand('vscode.diff', live, local, title, { preview: true });
  }
}
