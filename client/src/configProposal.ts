// The "Show" answer to the server's offer of a flaglens.yaml: the proposed file opened as an unsaved YAML
// document, to read (and save by hand) without anything written.
import * as vscode from 'vscode';
import type { ShowConfigProposalNotification } from '../../protocol/src/index.js';

export async function showConfigProposal(params: ShowConfigProposalNotification.Params): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: params.text });
  await vscode.window.showTextDocument(document, { preview: false });
}
