// Custom requests flaglens/previewRollout, flaglens/bump, flaglens/abort and flaglens/refresh: the
// writes go through the state provider of the flag's folder (refusals come back as `{ ok: false, reason,
// message }`), then the state is reloaded and everything republished by the host's change event.
import { previewRollout as previewRolloutChange } from '../../../core/src/features/flagList.js';
import type {
  AbortRolloutRequest,
  BumpRolloutRequest,
  PreviewRolloutRequest,
  RefreshRequest,
} from '../../../protocol/src/index.js';
import type { Session } from '../session.js';

export function previewRollout(session: Session, params: PreviewRolloutRequest.Params): PreviewRolloutRequest.Result {
  const host = requireHost(session, params.key, params.folder);
  return previewRolloutChange(host, { key: params.key, action: params.action, to: params.to, writesAllowed: host.writesAllowed });
}

export async function bump(session: Session, params: BumpRolloutRequest.Params): Promise<BumpRolloutRequest.Result> {
  const host = requireHost(session, params.key, params.folder);
  if (typeof params?.key !== 'string' || params.key === '') return { ok: false, reason: 'invalid', message: 'bump needs a flag key' };
  const result = await host.bump({ key: params.key, to: params.to, force: params.force });
  return result.ok ? { ok: true, summary: result.change.summary } : result;
}

export async function abort(session: Session, params: AbortRolloutRequest.Params): Promise<AbortRolloutRequest.Result> {
  const host = requireHost(session, params.key, params.folder);
  if (typeof params?.key !== 'string' || params.key === '') return { ok: false, reason: 'invalid', message: 'abort needs a flag key' };
  if (typeof params.reason !== 'string' || params.reason.trim() === '') return { ok: false, reason: 'invalid', message: 'abort needs a reason' };
  const result = await host.abort({ key: params.key, reason: params.reason });
  return result.ok ? { ok: true, summary: result.change.summary } : result;
}

/** Every folder re-reads config, state and metrics; answered once all are done (cancellable meanwhile). */
export async function refresh(session: Session): Promise<RefreshRequest.Result> {
  const hosts = session.hosts();
  if (!hosts.length) throw new Error('the server is not initialised yet');
  await Promise.all(hosts.map((host) => host.refresh()));
  return { flags: hosts.reduce((sum, host) => sum + host.flags().length, 0) };
}

function requireHost(session: Session, key: string | undefined, folderUri: string | undefined) {
  const folder = session.folderForKey(key, folderUri);
  if (!folder) throw new Error(folderUri ? `no workspace folder ${folderUri}` : 'the server is not initialised yet');
  return folder.host;
}
