// Custom requests for the client's views: flaglens/listFlags (tree view, status bar, quick picks; per folder and
// in total) and flaglens/flagAtPosition (commands run with the cursor on a check).
import { flagKeyAtPosition } from '../../../core/src/features/workspaceView.js';
import { listFlags as listFlagEntries } from '../../../core/src/features/flagList.js';
import type { FlagAtPositionRequest, FolderFlags, ListFlagsRequest } from '../../../protocol/src/index.js';
import { toFlagSummary, toOffset } from '../convert.js';
import type { Session } from '../session.js';

export function listFlags(session: Session): ListFlagsRequest.Result {
  const folders: FolderFlags[] = [...session.folders.values()].map((folder) => {
    const host = folder.host;
    const list = listFlagEntries(host);
    return {
      uri: folder.uri,
      name: folder.name,
      flags: list.flags.map((flag) => toFlagSummary(flag, list.stateAge, (file) => host.toAbsolute(file))),
      attention: list.attention,
    };
  });
  return { flags: folders.flatMap((folder) => folder.flags), attention: sumAttention(folders.map((folder) => folder.attention)), folders };
}

export async function flagAtPosition(session: Session, params: FlagAtPositionRequest.Params): Promise<FlagAtPositionRequest.Result> {
  const target = await session.documentReady(params.textDocument.uri);
  if (!target) return null;
  const { host, document, file, folder } = target;
  const key = flagKeyAtPosition(host, file, document.getText(), toOffset(document, params.position));
  return key ? { key, folder: folder.uri } : null;
}

/** The attention counts the client's status bar shows (sent with flaglens/flagsChanged), over every folder. */
export function attentionCounts(session: Session): { stale: number; unhealthy: number } {
  return sumAttention(session.hosts().map((host) => listFlagEntries(host).attention));
}

function sumAttention(counts: Array<{ stale: number; unhealthy: number }>): { stale: number; unhealthy: number } {
  return counts.reduce((sum, count) => ({ stale: sum.stale + count.stale, unhealthy: sum.unhealthy + count.unhealthy }), { stale: 0, unhealthy: 0 });
}
