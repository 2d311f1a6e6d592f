// The entry of the server's worker threads: the role in `workerData` picks what this thread serves (and loads).
import type { WorkerData } from './channel.js';

export function runWorker(data: WorkerData): void {
  if (data.flaglensWorker === 'analysis') (require('./analysisWorker.js') as typeof import('./analysisWorker.js')).runAnalysisWorker();
  else if (data.flaglensWorker === 'cleanup') (require('./cleanupWorker.js') as typeof import('./cleanupWorker.js')).runCleanupWorker();
  else throw new Error(`unknown Flaglens worker role ${String(data.flaglensWorker)}`);
}
