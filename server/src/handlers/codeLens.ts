// textDocument/codeLens: in state files, one lens per flag ("3 references · canary 10%") that shows the
// references; off with `flaglens.codeLens.enabled: false`.
import type { CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import { stateFileLenses } from '../../../core/src/features/stateFile.js';
import { toLspRange } from '../convert.js';
import { ClientCommands } from '../../../protocol/src/index.js';
import type { Session } from '../session.js';

export async function codeLens(session: Session, params: CodeLensParams): Promise<CodeLens[] | null> {
  const target = session.documentAt(params.textDocument.uri);
  if (!target) return null;
  const settings = await session.settings.get(params.textDocument.uri);
  if (!settings.codeLens.enabled) return [];
  const { host, file } = target;
  if (!host.isStateFile(file)) return [];
  return stateFileLenses(host, file).map((lens) => {
    const start = toLspRange(lens.location).start;
    return { range: { start, end: start }, command: { title: lens.title, command: ClientCommands.showFlags, arguments: [lens.key] } };
  });
}
