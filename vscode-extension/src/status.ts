// The `coxswain/status` notification's model (language-server/CLUSTER-LINK.md) and how the views group it.
// Free of the vscode API, so that unit tests run it under plain node.

export type Severity = 'info' | 'warning' | 'error';

export interface PodStatus {
  name: string;
  phase?: string;
  ready?: string;
  restarts?: number;
  text?: string;
  severity?: Severity;
}

export interface ObjectStatus {
  uri: string;
  document: number;
  kind: string;
  namespace?: string;
  name: string;
  text?: string;
  severity?: Severity;
  pods?: PodStatus[];
}

export interface Connection {
  state: 'connected' | 'unreachable' | 'disconnected' | string;
  server?: string;
  context?: string;
  message?: string;
}

export interface StatusNotification {
  connection?: Connection;
  objects?: ObjectStatus[];
}

export interface NamespaceGroup {
  namespace: string;
  objects: ObjectStatus[];
}

/** Namespaces in name order, each with its objects by kind then name; one object listed twice (two open files) once. */
export function groupByNamespace(objects: ObjectStatus[] | undefined): NamespaceGroup[] {
  const groups = new Map<string, Map<string, ObjectStatus>>();
  for (const o of objects ?? []) {
    const ns = o.namespace || 'default';
    const key = `${o.kind}/${o.name}`;
    const group = groups.get(ns) ?? new Map<string, ObjectStatus>();
    if (!group.has(key)) {
      group.set(key, o);
    }
    groups.set(ns, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([namespace, byKey]) => ({
      namespace,
      objects: [...byKey.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)),
    }));
}

/** The worst severity among these, for a namespace's icon. */
export function worst(severities: (Severity | undefined)[]): Severity | undefined {
  if (severities.includes('error')) {
    return 'error';
  }
  if (severities.includes('warning')) {
    return 'warning';
  }
  return severities.includes('info') ? 'info' : undefined;
}

/** Codicon and theme colour of a severity: a green check, a yellow warning, a red error. */
export function severityIcon(severity: Severity | undefined): { id: string; color?: string } {
  switch (severity) {
    case 'info':
      return { id: 'pass-filled', color: 'testing.iconPassed' };
    case 'warning':
      return { id: 'warning', color: 'list.warningForeground' };
    case 'error':
      return { id: 'error', color: 'list.errorForeground' };
    default:
      return { id: 'circle-outline' };
  }
}

/** The status bar's text and tooltip for a connection. */
export function connectionLabel(c: Connection | undefined): { text: string; tooltip: string } {
  if (!c) {
    return { text: '$(circle-outline) Coxswain', tooltip: 'Coxswain: no cluster status yet' };
  }
  const where = [c.context, c.server].filter(Boolean).join(' at ');
  switch (c.state) {
    case 'connected':
      return { text: `$(cloud) ${c.context || 'cluster'}`, tooltip: `Coxswain: connected to ${where || 'the cluster'}` };
    case 'unreachable':
      return { text: '$(debug-disconnect) unreachable', tooltip: c.message || `Coxswain: cluster unreachable at ${where}` };
    default:
      return { text: '$(circle-slash) no cluster', tooltip: c.message || 'Coxswain: not connected to a cluster' };
  }
}

/**
 * The `coxswain.cluster` settings as the server takes them: empty strings are left out (the server then uses its
 * defaults), `~` and `${workspaceFolder}` are expanded in the kubeconfig path.
 */
export function clusterSettings(raw: Record<string, unknown> | undefined, home: string, workspaceFolder?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['kubeconfig', 'context', 'namespace']) {
    const value = raw?.[key];
    if (typeof value !== 'string' || !value.trim()) {
      continue;
    }
    let v = value.trim();
    if (key === 'kubeconfig') {
      if (v === '~' || v.startsWith('~/')) {
        v = home + v.slice(1);
      }
      if (workspaceFolder) {
        v = v.split('${workspaceFolder}').join(workspaceFolder);
      }
    }
    out[key] = v;
  }
  return out;
}

/** Command results (`{"results": [Result]}`). */
export interface CommandResult {
  document?: number;
  kind?: string;
  namespace?: string;
  name?: string;
  ok?: boolean;
  message?: string;
  code?: number;
  conflict?: boolean;
  live?: string;
  local?: string;
  logs?: string;
  pod?: string;
  container?: string;
}

export function resultsOf(response: unknown): CommandResult[] {
  const results = (response as { results?: unknown } | null | undefined)?.results;
  return Array.isArray(results) ? (results as CommandResult[]) : [];
}

/** A failure the server already shows elsewhere: a 4xx with field causes becomes a diagnostic; a conflict, a question. */
export function shownByServer(r: CommandResult): boolean {
  return r.conflict === true || r.code === 400 || r.code === 422;
}

/** `deployment.apps/web` style name of a result, for messages. */
export function objectName(r: CommandResult): string {
  return `${(r.kind ?? 'object').toLowerCase()}/${r.name ?? '?'}`;
}
