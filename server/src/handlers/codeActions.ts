// textDocument/codeAction and codeAction/resolve: suppress-with-reason edits, bump/abort commands, and the
// "Remove flag" quick fixes. The list is cheap: a "Remove flag" fix carries only its data; its edit is planned and
// type-checked (in the cleanup worker) when the person picks it — on resolve for clients that support it, else by
// the server command it names (commands.ts). A fix whose edit would add a type error resolves to no edit and a
// command that says why.
import {
  CodeActionKind,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
  type SnippetTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { flagCodeActions } from '../../../core/src/features/codeActions.js';
import { removeFlagJob, type RemoveFlagCandidate, type RemoveFlagOutcome } from '../../../core/src/features/removeFlag.js';
import type { Finding } from '../../../core/src/model.js';
import { ClientCommands, ServerCommands } from '../../../protocol/src/index.js';
import { rangeToOffsets, toLspLine, toLspPosition, toWorkspaceEdit } from '../convert.js';
import { signalOf, type FolderEntry, type Session } from '../session.js';

/** The data a "Remove flag" action carries to its resolve or command (the server's own, passed back unchanged). */
export interface RemoveFlagActionData {
  flaglens: 'removeFlag';
  /** The workspace folder's URI. */
  folder: string;
  candidate: RemoveFlagCandidate;
}

export async function codeActions(session: Session, params: CodeActionParams): Promise<CodeAction[] | null> {
  const target = await session.documentReady(params.textDocument.uri);
  if (!target) return null;
  const { host, document, file, folder } = target;
  const range = rangeToOffsets(document, params.range);
  const matchingDiagnostics = (findings: Finding[]): Diagnostic[] =>
    params.context.diagnostics.filter((diagnostic) =>
      findings.some((finding) => diagnostic.code === finding.code && diagnostic.range.start.line === toLspLine(finding.line)),
    );
  return flagCodeActions(host, file, document.getText(), range).map((action): CodeAction => {
    switch (action.kind) {
      case 'rollout':
        return { title: action.title, kind: CodeActionKind.Empty, command: { title: action.title, command: ClientCommands[action.action], arguments: [action.key, folder.uri] } };
      case 'suppress': {
        const position = toLspPosition(action.insert.line, 1);
        const edit: TextEdit | SnippetTextEdit = session.abilities.snippetEdits
          ? { range: { start: position, end: position }, snippet: { kind: 'snippet', value: action.insert.snippet } }
          : { range: { start: position, end: position }, newText: action.insert.text };
        const workspaceEdit: WorkspaceEdit = session.abilities.snippetEdits
          ? { documentChanges: [{ textDocument: { uri: params.textDocument.uri, version: document.version }, edits: [edit] }] }
          : { changes: { [params.textDocument.uri]: [edit as TextEdit] } };
        return { title: action.title, kind: CodeActionKind.QuickFix, diagnostics: matchingDiagnostics([action.finding]), edit: workspaceEdit };
      }
      case 'removeFlag': {
        const data: RemoveFlagActionData = { flaglens: 'removeFlag', folder: folder.uri, candidate: action.candidate };
        const base = { title: action.title, kind: CodeActionKind.QuickFix, isPreferred: action.candidate.preferred, diagnostics: matchingDiagnostics(action.findings) };
        if (session.abilities.codeActionResolveEdit) return { ...base, data };
        return { ...base, command: { title: action.title, command: ServerCommands.removeFlag, arguments: [data] } };
      }
    }
  });
}

/** codeAction/resolve: the picked "Remove flag" fix, proven: its edit, or no edit and a command saying why. */
export async function resolveCodeAction(session: Session, action: CodeAction, token: CancellationToken): Promise<CodeAction> {
  const data = removeFlagActionData(action.data);
  if (!data) return action;
  const { folder, outcome } = await proveRemoveFlagAction(session, data, token);
  if (outcome.status === 'ok') return { ...action, edit: toWorkspaceEdit(outcome.edits, (file) => folder.host.toAbsolute(file)) };
  return { ...action, edit: undefined, command: { title: outcome.message, command: ServerCommands.explainRefusal, arguments: [outcome.message] } };
}

/** Plans and type-checks a "Remove flag" fix in the cleanup worker (a cancelled request stops it). */
export async function proveRemoveFlagAction(session: Session, data: RemoveFlagActionData, token: CancellationToken): Promise<{ folder: FolderEntry; outcome: RemoveFlagOutcome }> {
  const folder = session.folders.get(data.folder);
  if (!folder) throw new Error(`the workspace folder ${data.folder} is not open any more`);
  const job = removeFlagJob(folder.host, data.candidate);
  return { folder, outcome: await session.cleanup.prove(job, signalOf(token)) };
}

/** The action data when it is a "Remove flag" fix's (it comes back from the client: checked, not trusted). */
export function removeFlagActionData(value: unknown): RemoveFlagActionData | undefined {
  const data = value as Partial<RemoveFlagActionData> | null | undefined;
  if (!data || data.flaglens !== 'removeFlag' || typeof data.folder !== 'string') return undefined;
  const candidate = data.candidate as Partial<RemoveFlagCandidate> | undefined;
  if (!candidate || typeof candidate.key !== 'string' || (candidate.scope !== 'here' && candidate.scope !== 'everywhere')) return undefined;
  if (typeof candidate.value !== 'boolean' && typeof candidate.value !== 'string' && typeof candidate.value !== 'number') return undefined;
  if (candidate.site !== undefined && (typeof candidate.site?.file !== 'string' || typeof candidate.site.checkStart !== 'number')) return undefined;
  return data as RemoveFlagActionData;
}
