// textDocument/inlayHint: a label after each flag check (`canary 10% · healthy`), off with
// `flaglens.inlayHints.enabled: false`.
import type { InlayHint, InlayHintParams } from 'vscode-languageserver/node';
import { inlineLabels } from '../../../core/src/features/inlayHints.js';
import { offsetToPosition, rangeToOffsets } from '../convert.js';
import type { Session } from '../session.js';

export async function inlayHints(session: Session, params: InlayHintParams): Promise<InlayHint[] | null> {
  const target = await session.documentReady(params.textDocument.uri);
  if (!target) return null;
  const settings = await session.settings.get(params.textDocument.uri);
  if (!settings.inlayHints.enabled) return [];
  const { host, document, file } = target;
  return inlineLabels(host, file, rangeToOffsets(document, params.range)).map((label) => ({
    position: offsetToPosition(document, label.offset),
    // No kind: the label is neither a type nor a parameter name, it is the flag's state.
    label: label.label,
    paddingLeft: true,
    tooltip: label.key ? `Flaglens: ${label.key}` : undefined,
  }));
}
