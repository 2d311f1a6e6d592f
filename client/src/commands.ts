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
import type { FlagsModel, FlagsSnapshot } from './flagsModel.js';
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
    run(ClientCommands.bump, (key, folder) => bumpRollout(context, key, folder)),
    run(ClientCommands.abort, (key, folder) => abortRollout(context, key, folder)),
    run(ClientCommands.refresh, () => refresh(context)),
    run(ClientCommands.showFlags, async () => vscode.commands.executeCommand(`${FLAGS_VIEW_ID}.focus`)),
    run(ClientCommands.openDefinition, (key, folder) => openDefinition(context, key, folder)),
    run(ClientCommands.setToken, async () => {
      if (await promptAndStoreToken(context.tokens)) await context.sendSecrets();
    }),
  ];
}

/** A flag a command acts on: its key, and the URI of its workspace folder when known. */
interface FlagTarget {
  key: string;
  folder?: string;
}

/** The flag from command arguments: `[key, folder?]` (code actions) or a tree item node carrying a flag and its folder. */
function flagFromArguments(argument: unknown, folderArgument: unknown): FlagTarget | undefined {
  const folder = typeof folderArgument === 'string' && folderArgument ? folderArgument : undefined;
  if (typeof argument === 'string' && argument) return { key: argument, folder };
  if (argument && typeof argument === 'object' && 'flag' in argument) {
    const node = argument as { flag?: { key?: unknown }; folder?: unknown };
    if (node.flag && typeof node.flag.key === 'string') return { key: node.flag.key, folder: typeof node.folder === 'string' && node.folder ? node.folder : folder };
  }
  return undefined;
}

async function resolveFlag(context: CommandContext, argument: unknown, folderArgument: unknown, title: string): Promise<FlagTarget | undefined> {
  const explicit = flagFromArguments(argument, folderArgument);
  if (explicit) return explicit;
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    const params: FlagAtPositionRequest.Params = {
      textDocument: { uri: context.client.code2ProtocolConverter.asUri(editor.document.uri) },
      position: { line: editor.selection.active.line, character: editor.selection.active.character },
    };
    try {
      const atCursor = await context.client.sendRequest<FlagAtPositionRequest.Result>(FlagAtPositionRequest.method, params);
      if (atCursor?.key) return { key: atCursor.key, folder: atCursor.folder };
    } catch (error) {
      context.output.appendLine(`flagAtPosition failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const { flags, folders } = await context.model.reload();
  if (flags.length === 0) {
    void vscode.window.showInformationMessage('Flaglens: no flags found in this workspace.');
    return undefined;
  }
  // With several folders each flag says whose it is.
  const picks = (folders.length ? folders : [{ uri: undefined, name: '', flags }]).flatMap((folder) =>
    folder.flags.map((flag) => ({
      label: flag.key,
      description: `${folders.length > 1 ? `${folder.name} · ` : ''}${flag.stage} · ${describeFlag(flag)}`,
      detail: flag.healthSummary,
      target: { key: flag.key, folder: folder.uri } as FlagTarget,
    })),
  );
  const picked = await vscode.window.showQuickPick(picks, { title, placeHolder: 'Pick a flag', matchOnDescription: true });
  return picked?.target;
}

function refuseWhenUntrusted(action: string): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showWarningMessage(`Flaglens: ${action} writes rollout state and is disabled until you trust this workspace.`);
  return true;
}

export async function bumpRollout(context: CommandContext, argument: unknown, folderArgument?: unknown): Promise<BumpRolloutRequest.Result | undefined> {
  if (refuseWhenUntrusted('Bump Rollout')) return undefined;
  const target = await resolveFlag(context, argument, folderArgument, 'Flaglens: Bump Rollout…');
  if (!target) return undefined;
  const { key, folder } = target;
  const preview = await context.client.sendRequest<PreviewRolloutRequest.Result>(PreviewRolloutRequest.method, { key, action: 'bump', folder } satisfies PreviewRolloutRequest.Params);
  const healthLine = `Health: ${preview.health}${preview.healthSummary ? ` — ${preview.healthSummary}` : ''}`;
  const details = [healthLine, preview.warning, preview.refused].filter(Boolean).join('\n');
  const confirm = await vscode.window.showWarningMessage(`Bump ${key}: ${preview.from} → ${preview.to}?`, { modal: true, detail: details }, 'Bump');
  if (confirm !== 'Bump') return undefined;
  let result = await context.client.sendRequest<BumpRolloutRequest.Result>(BumpRolloutRequest.method, { key, folder } satisfies BumpRolloutRequest.Params);
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
    result = await context.client.sendRequest<BumpRolloutRequest.Result>(BumpRolloutRequest.method, { key, force: true, folder } satisfies BumpRolloutRequest.Params);
  }
  await reportResult(context, result, `Bumped ${key}`);
  return result;
}

export async function abortRollout(context: CommandContext, argument: unknown, folderArgument?: unknown): Promise<AbortRolloutRequest.Result | undefined> {
  if (refuseWhenUntrusted('Abort Rollout')) return undefined;
  const target = await resolveFlag(context, argument, folderArgument, 'Flaglens: Abort Rollout…');
  if (!target) return undefined;
  const { key, folder } = target;
  const preview = await context.client.sendRequest<PreviewRolloutRequest.Result>(PreviewRolloutRequest.method, { key, action: 'abort', folder } satisfies PreviewRolloutRequest.Params);
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
  const result = await context.client.sendRequest<AbortRolloutRequest.Result>(AbortRolloutRequest.method, { key, reason: reason.trim(), folder } satisfies AbortRolloutRequest.Params);
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

async function openDefinition(context: CommandContext, argument: unknown, folderArgument?: unknown): Promise<void> {
  const target = await resolveFlag(context, argument, folderArgument, 'Flaglens: Open Flag Definition');
  if (!target) return;
  const { key } = target;
  // The flag of the named folder (two folders may define the same key), else the first that defines it.
  const find = (snapshot: FlagsSnapshot): FlagSummary | undefined =>
    (target.folder ? snapshot.folders.find((folder) => folder.uri === target.folder)?.flags : undefined)?.find((candidate) => candidate.key === key) ??
    snapshot.flags.find((candidate) => candidate.key === key);
  let flag = find(context.model.current);
  if (!flag?.definition) flag = find(await context.model.reload());
  if (!flag?.definition) {
    void vscode.window.showInformationMessage(`Flaglens: ${key} has no definition in a state file${flag ? ` (provider state: ${flag.stage})` : ''}.`);
    return;
  }
  const position = new vscode.Position(flag.definition.line, flag.definition.character);
  await vscode.window.showTextDocument(vscode.Uri.parse(flag.definition.uri), { selection: new vscode.Range(position, position) });
}
