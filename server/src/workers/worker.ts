// The entry of the server's worker threads: the role in `workerData` picks what this thread serves (and loads).
// A worker runs below the main thread's priority: on a busy machine the thread that answers the editor gets the
// CPU first, and the index takes what is left.
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_LIBRARY_FILES, enableCompileCache } from '../../../core/src/compileCache.js';
import { nodeFileSystem, nodeFileWriter } from '../../../core/src/nodeIo.js';
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
  // Bundled, TypeScript (and cleanup's library texts) load from the files beside the bundle, through V8's code cache:
  // the analysis worker loads TypeScript as the editor sends its first documents.
  if (!__filename.endsWith('.ts')) enableCompileCache({ files: BUNDLED_LIBRARY_FILES.map((name) => join(__dirname, name)), fs: nodeFileSystem, writer: nodeFileWriter, env: process.env });
  if (data.flaglensWorker === 'analysis') (require('./analysisWorker.js') as typeof import('./analysisWorker.js')).runAnalysisWorker();
  else if (data.flaglensWorker === 'documents') (require('./analysisWorker.js') as typeof import('./analysisWorker.js')).runDocumentsWorker();
  else if (data.flaglensWorker === 'cleanup') (require('./cleanupWorker.js') as typeof import('./cleanupWorker.js')).runCleanupWorker();
  else throw new Error(`unknown Flaglens worker role ${String(data.flaglensWorker)}`);
}
