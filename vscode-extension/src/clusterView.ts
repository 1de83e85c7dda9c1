// The "Coxswain Cluster" tree: namespaces → workloads → pods, fed by `coxswain/status`.
import * as vscode from 'vscode';
import { groupByNamespace, NamespaceGroup, ObjectStatus, PodStatus, severityIcon, Severity, StatusNotification, worst } from './status';

type Node =
  | { type: 'namespace'; group: NamespaceGroup }
  | { type: 'object'; object: ObjectStatus }
  | { type: 'pod'; pod: PodStatus; owner: ObjectStatus };

function icon(severity: Severity | undefined): vscode.ThemeIcon {
  const i = severityIcon(severity);
  return new vscode.ThemeIcon(i.id, i.color ? new vscode.ThemeColor(i.color) : undefined);
}

export class ClusterView implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private groups: NamespaceGroup[] = [];

  update(status: StatusNotification): void {
    this.groups = groupByNamespace(status.objects);
    this.changed.fire(undefined);
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      return this.groups.map((group) => ({ type: 'namespace', group }));
    }
    if (node.type === 'namespace') {
      return node.group.objects.map((object) => ({ type: 'object', object }));
    }
    if (node.type === 'object') {
      return (node.object.pods ?? []).map((pod) => ({ type: 'pod', pod, owner: node.object }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.type) {
      case 'namespace': {
        const item = new vscode.TreeItem(node.group.namespace, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = icon(worst(node.group.objects.map((o) => o.severity)));
        item.contextValue = 'namespace';
        item.id = `ns/${node.group.namespace}`;
        return item;
      }
      case 'object': {
        const o = node.object;
        const hasPods = (o.pods ?? []).length > 0;
        const item = new vscode.TreeItem(`${o.kind}/${o.name}`,
          hasPods ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.description = o.text ?? '';
        item.tooltip = `${o.kind} ${o.namespace ?? 'default'}/${o.name}\n${o.text ?? ''}`;
        item.iconPath = icon(o.severity);
        item.contextValue = 'workload';
        item.id = `obj/${o.namespace ?? 'default'}/${o.kind}/${o.name}`;
        item.command = { command: 'coxswain.cluster.reveal', title: 'Show the document', arguments: [o.uri, o.document] };
        return item;
      }
      case 'pod': {
        const p = node.pod;
        const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.None);
        item.description = p.text ?? [p.phase, p.ready].filter(Boolean).join(' ');
        item.tooltip = `Pod ${p.name}\nphase: ${p.phase ?? '?'}  ready: ${p.ready ?? '?'}  restarts: ${p.restarts ?? 0}`;
        item.iconPath = icon(p.severity);
        item.contextValue = 'pod';
        item.id = `pod/${node.owner.namespace ?? 'default'}/${node.owner.kind}/${node.owner.name}/${p.name}`;
        return item;
      }
    }
  }
}
