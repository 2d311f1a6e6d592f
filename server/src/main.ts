// The Flaglens language server entry point (`node dist/server.js --stdio`, `--node-ipc` or `--socket=N`):
// `createConnection(ProposedFeatures.all)` picks the transport from argv. The same file is the entry of the
// server's worker threads (analysis, cleanup), told apart by `workerData`. Each side requires only its own
// modules when it starts (the bundle evaluates a required module lazily), so the main thread never loads the parser.
import { isMainThread, workerData } from 'node:worker_threads';
import type { WorkerData } from './workers/channel.js';

if (isMainThread) {
  // The analysis workers first: they start loading while this thread loads the protocol and the editor shakes hands.
  (require('./workers/workerAnalysis.js') as typeof import('./workers/workerAnalysis.js')).prestartAnalysisWorkers();
  const { startServer } = require('./server.js') as typeof import('./server.js');
  const { createConnection, ProposedFeatures } = require('vscode-languageserver/node') as typeof import('vscode-languageserver/node');
  startServer(createConnection(ProposedFeatures.all));
} else if ((workerData as WorkerData | undefined)?.flaglensWorker) {
  const { runWorker } = require('./workers/worker.js') as typeof import('./workers/worker.js');
  runWorker(workerData as WorkerData);
}
