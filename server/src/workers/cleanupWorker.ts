// The cleanup worker thread: proves a "Remove flag" quick fix (plan, then the type check of the changed files and
// their importers, which loads a TypeScript program and may take seconds). It is started when a fix is picked and
// terminated when the request is cancelled or the worker has been idle for a while.
import { systemTimers } from '../../../core/src/io.js';
import { nodeFileSystem } from '../../../core/src/nodeIo.js';
import { proveRemoveFlag } from '../../../core/src/features/proveRemoveFlag.js';
import type { RemoveFlagJob } from '../../../core/src/features/removeFlag.js';
import { serveWorkerRequests } from './channel.js';

export function runCleanupWorker(): void {
  serveWorkerRequests({
    proveRemoveFlag: (job: RemoveFlagJob) => proveRemoveFlag(job, { fs: nodeFileSystem, timers: systemTimers }),
  });
}
