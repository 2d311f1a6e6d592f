// The Flaglens commands: bump and abort a rollout (guarded, with a modal confirmation showing from → to and
// the current health), refresh, show flags, open a flag's definition, set a provider token. Each command
// resolves its flag the same way: an explicit key argument (code actions, tree items), else the flag under
// the cursor, else a quick pick of every flag.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  AbortRolloutRequest,
  BumpRolloutRequest,
  ClientCommands,
  FlagAtPositionRequest,
  PreviewRolloutRequest,
  RefreshRequest,
  type FlagSummary,
} from '../../protocol/src/index.js';
import type { FlagsModel } from './flagsModel.js';
import { FLAGS_VIEW_ID } from './flagsTree.js';
import { describeFlag, isHealthRefusal } from './present.js';
import { promptAndStoreToken, type TokenStore } from './secrets.js';

export interface CommandContext {
  client: LanguageClient;
  model: FlagsModel;
  tokens: TokenStore;
  output: vscode.LogOutputChannel;
  /** Re-sends tokens and the trust state to the server. */
  sendSecrets: () => Promise<void>;
}

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  const run = (id: string, handler: (...args: unknown[]) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        context.output.appendLine(`${id} failed: ${message}`);
        void vscode.window.showErrorMessage(`Flaglens: ${message}`);
        return undefined;
      }
    });
  return [
    run(ClientCommands.bump, (key) => bumpRollout(context, key)),
    run(ClientCommands.abort, (key) => abortRollout(context, key)),
    run(ClientCommands.refresh, () => refresh(context)),
    run(ClientCommands.showFlags, async () => vscode.commands.executeCommand(`${FLAGS_VIEW_ID}.focus`)),
    run(ClientCommands.openDefinition, (key) => openDefinition(context, key)),
    run(ClientCommands.setToken, async () => {
      if (await promptAndStoreToken(context.tokens)) await context.sendSecrets();
    }),
  ];
}

/** The key from a command argument: a string (code actions) or a tree item node carrying a flag. */
function keyFromArgument(argument: unknown): string | undefined {
  if (typeof argument === 'string' && argument) return argument;
  if (argument && typeof argument === 'object' && 'flag' in argument) {
    const flag = (argument as { flag?: { key?: unknown } }).flag;
    if (flag && typeof flag.key === 'string') return flag.key;
  }
  return undefined;
}

async function resolveFlagKey(context: CommandContext, argument: unknown, title: string): Promise<string | undefined> {
  const explicit = keyFromArgument(argument);
  if (explicit) return explicit;
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    const params: FlagAtPositionRequest.Params = {
      textDocument: { uri: context.client.code2ProtocolConverter.asUri(editor.document.uri) },
      position: { line: editor.selection.active.line, character: editor.selection.active.character },
    };
    try {
      const atCursor = await context.client.sendRequest<FlagAtPositionRequest.Result>(FlagAtPositionRequest.method, params);
      if (atCursor?.key) return atCursor.key;
    } catch (error) {
      context.output.appendLine(`flagAtPosition failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const { flags } = await context.model.reload();
  if (flags.length === 0) {
    void vscode.window.showInformationMessage('Flaglens: no flags found in this workspace.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    flags.map((flag) => ({ label: flag.key, description: `${flag.stage} · ${describeFlag(flag)}`, detail: flag.healthSummary, flag })),
    { title, placeHolder: 'Pick a flag', matchOnDescription: true },
  );
  return picked?.flag.key;
}

function refuseWhenUntrusted(action: string): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showWarningMessage(`Flaglens: ${action} writes rollout state and is disabled until you trust this workspace.`);
  return true;
}

export async function bumpRollout(context: CommandContext, argument: unknown): Promise<BumpRolloutRequest.Result | undefined> {
  if (refuseWhenUntrusted('Bump Rollout')) return undefined;
  const key = await resolveFlagKey(context, argument, 'Flaglens: Bump Rollout…');
  if (!key) return undefined;
  const preview = await context.client.sendRequest<PreviewRolloutRequest.Result>(PreviewRolloutRequest.method, { key, action: 'bump' });
  const healthLine = `Health: ${preview.health}${preview.healthSummary ? ` — ${preview.healthSummary}` : ''}`;
  const details = [healthLine, preview.warning, preview.refused].filter(Boolean).join('\n');
  const confirm = await vscode.window.showWarningMessage(`Bump ${key}: ${preview.from} → ${preview.to}?`, { modal: true, detail: details }, 'Bump');
  if (confirm !== 'Bump') return undefined;
  let result = await context.client.sendRequest<BumpRolloutRequest.Result>(BumpRolloutRequest.method, { key } satisfies BumpRolloutRequest.Params);
  if (!result.ok && isHealthRefusal(result.reason)) {
    const anyway = await vscode.window.showWarningMessage(
      `Flaglens refused to bump ${key}: ${result.message}`,
      { modal: true, detail: `${healthLine}\nBumping now sends more users to a rollout whose health is not proven.` },
      'Bump anyway',
    );
    if (anyway !== 'Bump anyway') return result;
    const sure = await vscode.window.showWarningMessage(
      `Really bump ${key} to ${preview.to} although its health is ${preview.health}?`,
      { modal: true, detail: 'This skips the health guard.' },
      'Bump anyway',
    );
    if (sure !== 'Bump anyway') return result;
    result = await context.client.sendRequest<BumpRolloutRequest.Result>(BumpRolloutRequest.method, { key, force: true } satisfies BumpRolloutRequest.Params);
  }
  await reportResult(context, result, `Bumped ${key}`);
  return result;
}

export async function abortRollout(context: CommandContext, argument: unknown): Promise<AbortRolloutRequest.Result | undefined> {
  if (refuseWhenUntrusted('Abort Rollout')) return undefined;
  const key = await resolveFlagKey(context, argument, 'Flaglens: Abort Rollout…');
  if (!key) return undefined;
  const preview = await context.client.sendRequest<PreviewRolloutRequest.Result>(PreviewRolloutRequest.method, { key, action: 'abort' });
  const reason = await vscode.window.showInputBox({
    title: `Flaglens: Abort ${key} (${preview.from} → ${preview.to})`,
    prompt: 'Why abort? The reason is recorded with the flag.',
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() ? undefined : 'A reason is required'),
  });
  if (!reason?.trim()) return undefined;
  const detail = [`Health: ${preview.health}${preview.healthSummary ? ` — ${preview.healthSummary}` : ''}`, `Reason: ${reason.trim()}`, preview.warning]
    .filter(Boolean)
    .join('\n');
  const confirm = await vscode.window.showWarningMessage(`Abort ${key}: ${preview.from} → ${preview.to}?`, { modal: true, detail }, 'Abort Rollout');
  if (confirm !== 'Abort Rollout') return undefined;
  const result = await context.client.sendRequest<AbortRolloutRequest.Result>(AbortRolloutRequest.method, { key, reason: reason.trim() });
  await reportResult(context, result, `Aborted ${key}`);
  return result;
}

async function reportResult(context: CommandContext, result: BumpRolloutRequest.Result, done: string): Promise<void> {
  if (result.ok) {
    void vscode.window.showInformationMessage(`Flaglens: ${done} — ${result.summary}`);
    await context.model.reload();
  } else {
    void vscode.window.showErrorMessage(`Flaglens: ${result.message}`);
  }
}

async function refresh(context: CommandContext): Promise<void> {
  const result = await context.client.sendRequest<RefreshRequest.Result>(RefreshRequest.method, {});
  await context.model.reload();
  void vscode.window.setStatusBarMessage(`Flaglens: ${result.flags} flag${result.flags === 1 ? '' : 's'} refreshed`, 3000);
}

async function openDefinition(context: CommandContext, argument: unknown): Promise<void> {
  const key = await resolveFlagKey(context, argument, 'Flaglens: Open Flag Definition');
  if (!key) return;
  let flag: FlagSummary | undefined = context.model.current.flags.find((candidate) => candidate.key === key);
  if (!flag?.definition) flag = (await context.model.reload()).flags.find((candidate) => candidate.key === key);
  if (!flag?.definition) {
    void vscode.window.showInformationMessage(`Flaglens: ${key} has no definition in a state file${flag ? ` (provider state: ${flag.stage})` : ''}.`);
    return;
  }
  const position = new vscode.Position(flag.definition.line, flag.definition.character);
  await vscode.window.showTextDocument(vscode.Uri.parse(flag.definition.uri), { selection: new vscode.Range(position, position) });
}
