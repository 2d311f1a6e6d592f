// The persisted last-known Unleash state (`<snapshotDir>/unleash-snapshot.json`, normally `<root>/.flaglens`), so the CLI and a
// restarted editor can show the last state while Unleash is unreachable. It holds flag state only, never a
// token, and is written through the front-end's FileWriter: atomically, and never through a folder that
// leads out of the workspace.
import { join } from 'node:path';
import type { StateSnapshot } from '../../model.js';
import { workspaceDirectory, type WorkspaceWriteContext } from '../../workspaceWrites.js';

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

/** The snapshot is a cache of what the API returned: this much is plenty, and more is refused on read. */
const MAX_SNAPSHOT_BYTES = 32 * 1024 * 1024;

/** Reads and writes `<snapshotDir>/unleash-snapshot.json` (snapshotDir inside the workspace) for one server/project/environment. */
export function createFileSnapshotStore(context: WorkspaceWriteContext, snapshotDir: string, identity: string, log?: (message: string) => void): SnapshotStore {
  const shown = UNLEASH_SNAPSHOT_FILE;
  return {
    read() {
      try {
        const file = join(workspaceDirectory(context, snapshotDir, { create: false }), UNLEASH_SNAPSHOT_FILE);
        const parsed = JSON.parse(context.fs.readFile(file, { maxBytes: MAX_SNAPSHOT_BYTES })) as SnapshotFile;
        if (parsed.version !== 1 || parsed.identity !== identity || !Array.isArray(parsed.snapshot?.flags)) return undefined;
        return { ...parsed.snapshot, staleness: undefined };
      } catch {
        return undefined;
      }
    },
    write(snapshot) {
      try {
        const file = join(workspaceDirectory(context, snapshotDir, { create: true }), UNLEASH_SNAPSHOT_FILE);
        const content: SnapshotFile = { version: 1, identity, snapshot: { ...snapshot, staleness: undefined } };
        context.writer.writeAtomic(file, `${JSON.stringify(content, null, 2)}\n`);
      } catch (error) {
        // A cache that cannot be written (read-only folder, .flaglens leading out of the workspace) must not
        // break reading live state.
        log?.(`${shown} not written: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
