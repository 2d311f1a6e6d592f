// The offer of a flaglens.yaml to a workspace that has none: once per workspace in a server session, only in a
// trusted workspace, after the first index. The proposal is `flaglens init`'s (core/src/init); the server asks with
// `window/showMessageRequest` (Add / Show / Not now). Add writes the file through the editor (`workspace/applyEdit`
// creating it, so undo works and nothing is written behind the editor's back); Show sends the text for the
// client to open unsaved; Not now does nothing. Each workspace folder is offered its own; the proposal (a scan) is
// computed in the analysis worker.
import { join } from 'node:path';
import type { WorkspaceEdit } from 'vscode-languageserver/node';
import { CONFIG_FILE_NAME } from '../../../core/src/config.js';
import type { ChecksProposal } from '../../../core/src/init/index.js';
import { ConfigProposalActions, ShowConfigProposalNotification } from '../../../protocol/src/index.js';
import { Uri } from '../convert.js';
import type { FolderEntry, Session } from '../session.js';

/** Workspaces offered a flaglens.yaml in this server process (answered or not, never twice). */
const offered = new Set<string>();

/** Offers the proposal when the folder is trusted, has no flaglens.yaml and has candidates worth adding. */
export async function offerConfigProposal(session: Session, folder: FolderEntry): Promise<void> {
  const { host, root } = folder;
  if (!host.writesAllowed || host.config.file !== undefined || offered.has(root)) return;
  offered.add(root);
  const state = host.snapshot();
  const { proposal, text } = await session.analysisWorkers.proposeChecks({ root, definedKeys: [...state.flags.map((flag) => flag.key), ...state.removedKeys] });
  const accepted = proposal.candidates.filter((candidate) => candidate.accepted);
  // Checked again after the work: a flaglens.yaml may have appeared meanwhile, the folder gone, or the session ended.
  if (accepted.length === 0 || session.shutDown || session.folders.get(folder.uri) !== folder || host.config.file !== undefined) return;
  const uri = Uri.fromPath(join(root, CONFIG_FILE_NAME));
  const answer = await session.connection.window.showInformationMessage(offerMessage(proposal), { title: ConfigProposalActions.add }, { title: ConfigProposalActions.show }, { title: ConfigProposalActions.notNow });
  if (answer?.title === ConfigProposalActions.add) {
    // Created only if absent (never over a file that appeared meanwhile), with the text in one undoable edit.
    const edit: WorkspaceEdit = {
      documentChanges: [
        { kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } },
        { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text }] },
      ],
    };
    const result = await session.connection.workspace.applyEdit({ label: `Add ${CONFIG_FILE_NAME}`, edit });
    if (!result.applied) session.log(`${CONFIG_FILE_NAME} was not added: ${result.failureReason ?? 'the editor did not apply the edit'}`);
  } else if (answer?.title === ConfigProposalActions.show) {
    const params: ShowConfigProposalNotification.Params = { uri, text };
    await session.connection.sendNotification(ShowConfigProposalNotification.method, params);
  }
}

/** "Flaglens found 126 calls of `useFeature` and `featureService.isEnabled` that look like flag checks. Add them to flaglens.yaml?" */
export function offerMessage(proposal: Pick<ChecksProposal, 'candidates'>): string {
  const accepted = proposal.candidates.filter((candidate) => candidate.accepted);
  const sites = accepted.reduce((sum, candidate) => sum + candidate.sites, 0);
  const names = accepted.slice(0, 3).map((candidate) => `\`${candidate.shape}\``);
  const more = accepted.length > 3 ? ` and ${accepted.length - 3} more` : '';
  const listed = names.length > 1 && !more ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : `${names.join(', ')}${more}`;
  const what = accepted.every((candidate) => candidate.check.kind === 'call') ? 'calls' : 'uses';
  return `Flaglens found ${sites} ${what} of ${listed} that look like flag checks. Add them to ${CONFIG_FILE_NAME}?`;
}
