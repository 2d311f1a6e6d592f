// The status-bar item: how many flags need attention (stale, unhealthy); clicking it opens the Flags view.
// Hidden when the workspace has no flags, so projects without flags see nothing from Flaglens.
import * as vscode from 'vscode';
import type { FlagsModel, FlagsSnapshot } from './flagsModel.js';

export function createStatusBarItem(model: FlagsModel): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('flaglens.attention', vscode.StatusBarAlignment.Left, 20);
  item.name = 'Flaglens';
  item.command = 'flaglens.showFlags';
  const update = (snapshot: FlagsSnapshot) => {
    void vscode.commands.executeCommand('setContext', 'flaglens.hasFlags', snapshot.flags.length > 0);
    if (snapshot.flags.length === 0) return item.hide();
    const { stale, unhealthy } = snapshot.attention;
    const parts: string[] = [];
    if (stale) parts.push(`${stale} stale`);
    if (unhealthy) parts.push(`${unhealthy} unhealthy`);
    item.text = parts.length ? `$(flag) ${parts.join(' · ')}` : `$(flag) ${snapshot.flags.length}`;
    item.tooltip = parts.length
      ? `Flaglens: ${parts.join(', ')} of ${snapshot.flags.length} flags need attention — show flags`
      : `Flaglens: ${snapshot.flags.length} flags, none needs attention — show flags`;
    item.backgroundColor = unhealthy ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };
  const subscription = model.onDidChange(update);
  return vscode.Disposable.from(item, subscription);
}
