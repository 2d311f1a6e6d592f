// The "Flags" tree view: flags grouped by rollout stage, each with its percentage, a health icon and a stale
// marker; expanding a flag lists its references, and clicking one opens the file at that check. In a workspace of
// several folders the top level is the folders, each with its own stages.
import * as vscode from 'vscode';
import type { FlagSummary, FolderFlags } from '../../protocol/src/index.js';
import type { FlagsModel } from './flagsModel.js';
import { describeFlag, flagsViewRoots, healthIconId } from './present.js';

export const FLAGS_VIEW_ID = 'flaglens.flags';

/** Tree nodes; flag nodes carry their folder's URI, so the inline bump/abort buttons act in that folder. */
type Node =
  | { kind: 'folder'; folder: FolderFlags; description: string; stages: Array<{ stage: string; flags: FlagSummary[] }> }
  | { kind: 'stage'; stage: string; flags: FlagSummary[]; folder?: string }
  | { kind: 'flag'; flag: FlagSummary; folder?: string }
  | { kind: 'reference'; flag: FlagSummary; reference: FlagSummary['references'][number] };

export class FlagsTreeProvider implements vscode.TreeDataProvider<Node> {
  private readonly changeEmitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;

  constructor(private readonly model: FlagsModel) {
    model.onDidChange(() => this.changeEmitter.fire(undefined));
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const { current } = this.model;
      // A server that predates folders sends none: its flat list is one folder's.
      const folders = current.folders.length ? current.folders : [{ uri: '', name: '', flags: current.flags, attention: current.attention }];
      const roots = flagsViewRoots(folders);
      if (!roots.grouped) return roots.stages.map(({ stage, flags }) => ({ kind: 'stage', stage, flags, folder: folders[0]?.uri || undefined }));
      return roots.folders.map((entry) => ({ kind: 'folder', ...entry }));
    }
    if (node.kind === 'folder') return node.stages.map(({ stage, flags }) => ({ kind: 'stage', stage, flags, folder: node.folder.uri }));
    if (node.kind === 'stage') return node.flags.map((flag) => ({ kind: 'flag', flag, folder: node.folder }));
    if (node.kind === 'flag') return node.flag.references.map((reference) => ({ kind: 'reference', flag: node.flag, reference }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.description = node.description;
      item.iconPath = vscode.ThemeIcon.Folder;
      item.contextValue = 'flaglens.folder';
      item.id = `folder:${node.folder.uri}`;
      return item;
    }
    if (node.kind === 'stage') {
      const item = new vscode.TreeItem(node.stage, vscode.TreeItemCollapsibleState.Expanded);
      item.description = `${node.flags.length} flag${node.flags.length === 1 ? '' : 's'}`;
      item.contextValue = 'flaglens.stage';
      item.id = `stage:${node.folder ?? ''}:${node.stage}`;
      return item;
    }
    if (node.kind === 'flag') return flagItem(node.flag, node.folder);
    const { reference } = node;
    const uri = vscode.Uri.parse(reference.uri);
    const item = new vscode.TreeItem(`${vscode.workspace.asRelativePath(uri, false)}:${reference.line + 1}`, vscode.TreeItemCollapsibleState.None);
    item.iconPath = vscode.ThemeIcon.File;
    item.resourceUri = uri;
    item.contextValue = 'flaglens.reference';
    const position = new vscode.Position(reference.line, reference.character);
    item.command = {
      command: 'vscode.open',
      title: 'Open Reference',
      arguments: [uri, { selection: new vscode.Range(position, position) } satisfies vscode.TextDocumentShowOptions],
    };
    return item;
  }
}

/** One line per flag: `key  canary 10% · healthy · stale`, with the health as the icon. */
export function flagItem(flag: FlagSummary, folder?: string): vscode.TreeItem {
  const collapsible = flag.references.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
  const item = new vscode.TreeItem(flag.key, collapsible);
  item.id = `flag:${folder ?? ''}:${flag.key}`;
  item.description = describeFlag(flag);
  item.iconPath = healthIcon(flag.health);
  item.contextValue = 'flaglens.flag';
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendMarkdown(`**${flag.key}** — ${flag.stage}${flag.percentage === null ? '' : ` ${flag.percentage}%`}${flag.enabled ? '' : ' (disabled)'}\n\n`);
  tooltip.appendMarkdown(`$(${healthIconId(flag.health)}) health: ${flag.health}${flag.healthSummary ? ` — ${flag.healthSummary}` : ''}\n\n`);
  if (flag.owner) tooltip.appendMarkdown(`owner: ${flag.owner}\n\n`);
  tooltip.appendMarkdown(`${flag.references.length} reference${flag.references.length === 1 ? '' : 's'}`);
  if (flag.findings.length) tooltip.appendMarkdown(` · findings: ${flag.findings.join(', ')}`);
  if (flag.stateAge) tooltip.appendMarkdown(`\n\n_${flag.stateAge}_`);
  item.tooltip = tooltip;
  return item;
}

function healthIcon(health: string): vscode.ThemeIcon {
  const colors: Record<string, string> = { healthy: 'testing.iconPassed', failing: 'testing.iconFailed', inconclusive: 'list.warningForeground' };
  const color = colors[health];
  return new vscode.ThemeIcon(healthIconId(health), color ? new vscode.ThemeColor(color) : undefined);
}
