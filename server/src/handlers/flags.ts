// Custom requests for the client's views: flaglens/listFlags (tree view, status bar, quick picks) and
// flaglens/flagAtPosition (commands run with the cursor on a check).
import { flagKeyAtPosition } from '../../../core/src/features/workspaceView.js';
import { listFlags as listFlagEntries } from '../../../core/src/features/flagList.js';
import type { FlagAtPositionRequest, ListFlagsRequest } from '../../../protocol/src/index.js';
import { toFlagSummary, toOffset } from '../convert.js';
import type { Session } from '../session.js';

export function listFlags(session: Session): ListFlagsRequest.Result {
  const host = session.host;
  if (!host) return { flags: [], attention: { stale: 0, unhealthy: 0 } };
  const list = listFlagEntries(host);
  return {
    flags: list.flags.map((flag) => toFlagSummary(flag, list.stateAge, (file) => host.toAbsolute(file))),
    attention: list.attention,
  };
}

export function flagAtPosition(session: Session, params: FlagAtPositionRequest.Params): FlagAtPositionRequest.Result {
  const target = session.documentAt(params.textDocument.uri);
  if (!target) return null;
  const { host, document, file } = target;
  const key = flagKeyAtPosition(host, file, document.getText(), toOffset(document, params.position));
  return key ? { key } : null;
}

/** The attention counts the client's status bar shows (sent with flaglens/flagsChanged). */
export function attentionCounts(session: Session): { stale: number; unhealthy: number } {
  return session.host ? listFlagEntries(session.host).attention : { stale: 0, unhealthy: 0 };
}
