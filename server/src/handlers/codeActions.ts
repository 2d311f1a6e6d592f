// textDocument/codeAction: suppress-with-reason edits, bump/abort commands, cleanup quick fixes.
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit,
  type SnippetTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { flagCodeActions } from '../../../core/src/features/codeActions.js';
import type { Finding } from '../../../core/src/model.js';
import { ClientCommands } from '../../../protocol/src/index.js';
import { rangeToOffsets, toLspLine, toLspPosition, toLspRange, Uri } from '../convert.js';
import type { Session } from '../session.js';

export function codeActions(session: Session, params: CodeActionParams): CodeAction[] | null {
  const target = session.documentAt(params.textDocument.uri);
  if (!target) return null;
  const { host, document, file } = target;
  const range = rangeToOffsets(document, params.range);
  const matchingDiagnostics = (findings: Finding[]): Diagnostic[] =>
    params.context.diagnostics.filter((diagnostic) =>
      findings.some((finding) => diagnostic.code === finding.code && diagnostic.range.start.line === toLspLine(finding.line)),
    );
  return flagCodeActions(host, file, document.getText(), range).map((action): CodeAction => {
    switch (action.kind) {
      case 'rollout':
        return { title: action.title, kind: CodeActionKind.Empty, command: { title: action.title, command: ClientCommands[action.action], arguments: [action.key] } };
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
      case 'quickfix': {
        const changes: Record<string, TextEdit[]> = {};
        for (const edit of action.fix.edits) {
          const uri = Uri.fromPath(host.toAbsolute(edit.file));
          (changes[uri] ??= []).push({ range: toLspRange(edit), newText: edit.newText });
        }
        return {
          title: action.title,
          kind: CodeActionKind.QuickFix,
          isPreferred: action.fix.preferred,
          diagnostics: matchingDiagnostics(action.findings),
          edit: { changes },
        };
      }
    }
  });
}
