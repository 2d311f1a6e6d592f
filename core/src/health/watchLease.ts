// The lease a running `flaglens watch` holds on a flag: `.flaglens/watch/<key>.json`, refreshed on every
// evaluation and removed on exit, so the language server can say in a hover that a flag is under watch (and
// a second watch of the same flag is refused). A lease that is not refreshed expires on its own, so a
// crashed watch never leaves a flag marked for good.
import { join } from 'node:path';
import type { FileSystem, WorkspaceFileWriter } from '../io.js';

export interface WatchLease {
  version: 1;
  key: string;
  /** `advance`: moves the rollout up the ladder (and aborts on failing); `abort`: only aborts. */
  mode: 'advance' | 'abort';
  pid: number;
  hostname: string;
  startedAt: string;
  refreshedAt: string;
  /** Refreshed leases move this forward; past it the watch is presumed gone. */
  expiresAt: string;
}

/** How long a lease outlives its last refresh: three evaluation intervals, at least a minute. */
export function watchLeaseLifetimeMs(intervalSeconds: number): number {
  return Math.max(60_000, 3 * intervalSeconds * 1000);
}

export function watchLeaseFile(stateDirectory: string, key: string): string {
  return join(stateDirectory, 'watch', `${encodeURIComponent(key)}.json`);
}

export function isLeaseLive(lease: WatchLease, now: Date): boolean {
  return Date.parse(lease.expiresAt) > now.getTime();
}

/** Every readable lease in `<stateDirectory>/watch/`, live or not (the reader decides with `isLeaseLive`). */
export function readWatchLeases(fs: FileSystem, stateDirectory: string): Map<string, WatchLease> {
  const leases = new Map<string, WatchLease>();
  const directory = join(stateDirectory, 'watch');
  let names: string[];
  try {
    names = fs.readDirectory(directory).filter((entry) => entry.isFile && entry.name.endsWith('.json')).map((entry) => entry.name);
  } catch {
    return leases;
  }
  for (const name of names) {
    const lease = parseLease(fs, join(directory, name));
    if (lease) leases.set(lease.key, lease);
  }
  return leases;
}

export function readWatchLease(fs: FileSystem, stateDirectory: string, key: string): WatchLease | undefined {
  const lease = parseLease(fs, watchLeaseFile(stateDirectory, key));
  return lease?.key === key ? lease : undefined;
}

export function writeWatchLease(writer: WorkspaceFileWriter, stateDirectory: string, lease: WatchLease): void {
  writer.writeFile(watchLeaseFile(stateDirectory, lease.key), `${JSON.stringify(lease, null, 2)}\n`);
}

/** `under flaglens watch --advance (pid 4242 on build-1, since 2026-01-01T12:00:00Z; last seen 20 s ago)`. */
export function describeWatchLease(lease: WatchLease, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(lease.refreshedAt)) / 1000));
  const ago = seconds < 120 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
  const command = lease.mode === 'advance' ? 'flaglens watch --advance' : 'flaglens watch';
  return `under ${command} (pid ${lease.pid} on ${lease.hostname}, since ${lease.startedAt}; last seen ${ago})`;
}

function parseLease(fs: FileSystem, path: string): WatchLease | undefined {
  try {
    const lease = JSON.parse(fs.readFile(path)) as Partial<WatchLease>;
    if (lease.version !== 1 || typeof lease.key !== 'string' || (lease.mode !== 'advance' && lease.mode !== 'abort')) return undefined;
    if ([lease.startedAt, lease.refreshedAt, lease.expiresAt].some((date) => typeof date !== 'string' || Number.isNaN(Date.parse(date)))) return undefined;
    return lease as WatchLease;
  } catch {
    return undefined;
  }
}
