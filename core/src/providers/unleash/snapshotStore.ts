// The persisted last-known Unleash state (`<snapshotDir>/unleash-snapshot.json`), so the CLI and a
// restarted editor can show the last state while Unleash is unreachable. It holds flag state only,
// never a token, and is written atomically (temp file + rename) so a crash never leaves half a file.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileSystem } from '../../io.js';
import type { StateSnapshot } from '../../model.js';

export const UNLEASH_SNAPSHOT_FILE = 'unleash-snapshot.json';

export interface SnapshotStore {
  /** The saved snapshot for this server/project/environment, or undefined (none, unreadable, another server). */
  read(): StateSnapshot | undefined;
  write(snapshot: StateSnapshot): void;
}

interface SnapshotFile {
  version: 1;
  /** `url|project|environment`: a snapshot of another server or project is never shown. */
  identity: string;
  snapshot: StateSnapshot;
}

/**
 * Reads through the core's FileSystem; writes with node:fs directly, because the core's FileSystem
 * interface is read-only and this cache file is the only thing the provider writes to disk.
 */
export function createFileSnapshotStore(fs: FileSystem, snapshotDir: string, identity: string): SnapshotStore {
  const file = join(snapshotDir, UNLEASH_SNAPSHOT_FILE);
  return {
    read() {
      try {
        const parsed = JSON.parse(fs.readFile(file)) as SnapshotFile;
        if (parsed.version !== 1 || parsed.identity !== identity || !Array.isArray(parsed.snapshot?.flags)) return undefined;
        return { ...parsed.snapshot, staleness: undefined };
      } catch {
        return undefined;
      }
    },
    write(snapshot) {
      const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
      try {
        mkdirSync(snapshotDir, { recursive: true });
        const content: SnapshotFile = { version: 1, identity, snapshot: { ...snapshot, staleness: undefined } };
        writeFileSync(temp, `${JSON.stringify(content, null, 2)}\n`);
        renameSync(temp, file);
      } catch {
        // A cache that cannot be written (read-only folder) must not break reading live state.
        rmSync(temp, { force: true });
      }
    },
  };
}
