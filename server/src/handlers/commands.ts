// workspace/executeCommand: the server's own commands (ServerCommands). `flaglens.removeFlag` is the "Remove flag"
// fix for clients without codeAction/resolve: computed and type-checked in the cleanup worker, applied with
// workspace/applyEdit, or refused with the reason shown; `flaglens.explainRefusal` shows why a resolved fix was not applied.
import { type CancellationToken, type ExecuteCommandParams } from 'vscode-languageserver/node';
import { ServerCommands } from '../../../protocol/src/index.js';
import { toWorkspaceEdit } from '../convert.js';
import type { Session } from '../session.js';
import { proveRemoveFlagAction, removeFlagActionData } from './codeActions.js';

export type CommandResult = { applied: true } | { applied: false; message: string } | null;

export async function executeCommand(session: Session, params: ExecuteCommandParams, token: CancellationToken): Promise<CommandResult> {
  switch (params.command) {
    case ServerCommands.removeFlag: {
      const data = removeFlagActionData(params.arguments?.[0]);
      if (!data) throw new Error(`${ServerCommands.removeFlag} needs the data of a Remove flag code action`);
      const { folder, outcome } = await proveRemoveFlagAction(session, data, token);
      if (token.isCancellationRequested) return null;
      if (outcome.status !== 'ok') {
        session.showError(outcome.message);
        return { applied: false, message: outcome.message };
      }
      const result = await session.connection.workspace.applyEdit({ label: outcome.title, edit: toWorkspaceEdit(outcome.edits, (file) => folder.host.toAbsolute(file)) });
      if (result.applied) return { applied: true };
      const message = `Flaglens: the editor did not apply "${outcome.title}"${result.failureReason ? `: ${result.failureReason}` : ''}`;
      session.showError(message);
      return { applied: false, message };
    }
    case ServerCommands.explainRefusal: {
      const message = String(params.arguments?.[0] ?? 'Flaglens did not apply the fix');
      session.showError(message);
      return { applied: false, message };
    }
    default:
      throw new Error(`unknown command ${params.command}`);
  }
}
