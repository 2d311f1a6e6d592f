// textDocument/completion: flag keys inside a check's key argument, with the stage in the detail.
import { CompletionItemKind, type CompletionItem, type CompletionParams } from 'vscode-languageserver/node';
import { completeFlagKeys } from '../../../core/src/features/completion.js';
import { offsetsToRange, toOffset } from '../convert.js';
import type { Session } from '../session.js';

export async function completion(session: Session, params: CompletionParams): Promise<CompletionItem[] | null> {
  const target = await session.documentReady(params.textDocument.uri);
  if (!target) return null;
  const { host, document, file } = target;
  const items = completeFlagKeys(host, file, document.getText(), toOffset(document, params.position));
  if (!items) return null;
  return items.map((item) => ({
    label: item.key,
    kind: CompletionItemKind.Constant,
    detail: item.detail,
    documentation: item.documentation,
    sortText: item.sortText,
    filterText: item.key,
    textEdit: { range: offsetsToRange(document, item.replace), newText: item.key },
  }));
}
