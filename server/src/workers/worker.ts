// The entry of the server's worker threads: the role in `workerData` picks what this thread serves (and loads).
// A worker runs below the main thread's priority: on a busy machine the thread that answers the editor gets the
// CPU first, and the index takes what is left.
import { setPriority } from 'node:os';
import type { WorkerData } from './channel.js';

/**
 * The niceness of worker threads (Linux and macOS set it per thread: the main thread keeps its own). The documents
 * worker answers typing: above the index, below the thread that answers every request.
 */
const WORKER_NICENESS: Record<WorkerData['flaglensWorker'], number> = { documents: 5, analysis: 10, cleanup: 10 };

export function runWorker(data: WorkerData): void {
  try {
    setPriority(0, WORKER_NICENESS[data.flaglensWorker] ?? 10);
  } catch {
    // Not allowed or not supported: the worker runs at the process's priority.
  }
  if (data.flaglensWorker === 'analysis') (require('./analysisWorker.js') as typeof import('./analysisWorker.js')).runAnalysisWorker();
  else if (data.flaglensWorker === 'documents') (require('./analysisWorker.js') as typeof import('./analysisWorker.js')).runDocumentsWorker();
  else if (data.flaglensWorker === 'cleanup') (require('./cleanupWorker.js') as typeof import('./cleanupWorker.js')).runCleanupWorker();
  else throw new Error(`unknown Flaglens worker role ${String(data.flaglensWorker)}`);
}
