// The status-bar item: how many flags need attention (stale, unhealthy); clicking it opens the Flags view.
// Hidden when the workspace has no flags, so projects without flags see nothing from Flaglens.
import * as vscode from 'vscode';
import type { FlagsModel, FlagsSnapshot } from './flagsModel.js';
import { ClientCommands } from '../../protocol/src/index.js';
import { statusBarContent } from './present.js';

export function createStatusBarItem(model: FlagsModel): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('flaglens.attention', vscode.StatusBarAlignment.Left, 20);
  item.name = 'Flaglens';
  item.command = ClientCommands.showFlags;
  const update = (snapshot: FlagsSnapshot) => {
    const content = statusBarContent(snapshot.flags.length, snapshot.attention, snapshot.folders);
    if (!content.visible) return item.hide();
    item.text = content.text;
    item.tooltip = content.tooltip;
    item.backgroundColor = content.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  const subscription = model.onDidChange(update);
  return vscode.Disposable.from(item, subscription);
}
