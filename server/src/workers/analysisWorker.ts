// The analysis worker thread: every workspace folder's scanner (`createScannerAnalysis`, over the persistent scan
// cache) lives here, so indexing, re-analysis and writing the cache never run on the thread that answers the
// editor; so does `flaglens init`'s proposal (a scan of its own), offered to a folder without flaglens.yaml, and
// flagd files' parsing: each state load's and each bump's or abort's edit, and their git histories (git included).
// The documents worker (`runDocumentsWorker`, a thread of its own) answers every folder's open documents, so a
// keystroke's analysis never waits behind the index. Requests come from `workerAnalysis.ts`.
import { compileCacheReport, describeCompileCache, writePendingCompileCaches } from '../../../core/src/compileCache.js';
import { defaultConfig } from '../../../core/src/config.js';
import { flagdHistoryFacts, FlagdRevisionCache, readFlagdFileHistory, type FlagdHistoryOptions } from '../../../core/src/state/flagdHistory.js';
import { flagdRolloutEdit, summarizeFlagdText, type FlagdRolloutEditRequest, type FlagdTextOptions } from '../../../core/src/state/flagdTexts.js';
import { createAsyncGitHost, nodeFileSystem, nodeFileWriter } from '../../../core/src/nodeIo.js';
import { scanCacheStoreFor } from '../../../core/src/scanner/index.js';
import { createDocumentsAnalysis, createScannerAnalysis, warmUpScanner } from '../../../core/src/scannerAnalysis.js';
import { proposalConfigText, proposeChecks } from '../../../core/src/init/index.js';
import type { AnalysisChange, AnalysisTarget, DocumentsAnalysis, WorkspaceAnalysis } from '../../../core/src/workspaceAnalysis.js';
import { serveWorkerRequests } from './channel.js';

export function runAnalysisWorker(): void {
  const analyses = new AnalysesById<WorkspaceAnalysis>('analysis');
  /** Every flagd revision this thread parsed, by content: a history is read again after each bump. */
  const revisionCache = new FlagdRevisionCache();
  /** Git for flagd histories, from this thread: a few processes at once, each history cached per (HEAD, file). */
  const git = createAsyncGitHost();
  serveWorkerRequests({
    create: (params: { id: number; target: AnalysisTarget }) => {
      // The CLI's persistent scan cache, at its default place for the folder: an editor start after a `flaglens check`
      // (or an earlier start) reads only what changed. Written by this thread at the end of an index that changed it.
      // None when the folder's `flaglens.scanCache.enabled` setting is off.
      const cache = scanCacheStoreFor({ root: params.target.root, fs: nodeFileSystem, writer: nodeFileWriter, env: process.env, disabled: params.target.scanCache === false });
      analyses.set(params.id, createScannerAnalysis(params.target, { fs: nodeFileSystem, cache }));
    },
    index: async (params: { id: number }, context) => {
      const outcome = await analyses.get(params.id).index({ signal: context.signal, onProgress: (done, total) => context.progress({ done, total }) });
      // The parser has run on real files by now: TypeScript's compiled code is worth keeping for the next start.
      keepCompiledCode(context.log, '');
      return outcome;
    },
    update: (params: { id: number; change: AnalysisChange }) => analyses.get(params.id).update(params.change),
    dispose: (params: { id: number }) => analyses.dispose(params.id),
    flagdHistory: (params: { absolutePath: string; options: Omit<FlagdHistoryOptions, 'cache'> }) =>
      readFlagdFileHistory(git, params.absolutePath, (revisions) => flagdHistoryFacts(revisions, { ...params.options, cache: revisionCache })),
    flagdAnalyze: (params: { text: string; options: FlagdTextOptions }) => summarizeFlagdText(params.text, params.options),
    flagdRolloutEdit: (params: { text: string; options: FlagdTextOptions; request: FlagdRolloutEditRequest }) => flagdRolloutEdit(params.text, params.options, params.request),
    proposeChecks: async (params: { root: string; definedKeys: string[] }) => {
      const proposal = await proposeChecks({ root: params.root, fs: nodeFileSystem, definedKeys: params.definedKeys });
      return { proposal, text: proposalConfigText(proposal) };
    },
  });
  warmUp();
}

/** The documents lane of every folder: buffers answered at once, nothing indexed, nothing cached on disk. */
export function runDocumentsWorker(): void {
  const analyses = new AnalysesById<DocumentsAnalysis>('documents analysis');
  serveWorkerRequests({
    create: (params: { id: number; target: AnalysisTarget }) => void analyses.set(params.id, createDocumentsAnalysis(params.target, { fs: nodeFileSystem })),
    update: async (params: { id: number; change: AnalysisChange }, context) => {
      const update = await analyses.get(params.id).update(params.change);
      // After the first document: the parser has run, its compiled code is worth keeping.
      keepCompiledCode(context.log, 'open documents: ');
      return update;
    },
    dispose: (params: { id: number }) => analyses.dispose(params.id),
  });
  warmUp();
}

/** A worker's analyses by the id the main thread gave them. */
class AnalysesById<T extends { dispose(): void }> {
  private readonly byId = new Map<number, T>();

  constructor(private readonly what: string) {}

  set(id: number, analysis: T): void {
    this.byId.set(id, analysis);
  }

  get(id: number): T {
    const found = this.byId.get(id);
    if (!found) throw new Error(`no ${this.what} ${id} in this worker`);
    return found;
  }

  dispose(id: number): void {
    this.byId.get(id)?.dispose();
    this.byId.delete(id);
  }
}

let toldCompileCache = false;

/**
 * Once per thread, after its first real work: says in the log what came from the compiled-code cache, and writes
 * what was compiled afresh (after the answer is on its way: no request waits for the write).
 */
function keepCompiledCode(log: (message: string) => void, prefix: string): void {
  if (toldCompileCache) return;
  toldCompileCache = true;
  const told = describeCompileCache(compileCacheReport());
  if (told) log(`${prefix}${told}`);
  setImmediate(writePendingCompileCaches);
}

/** The first opened document is analysed right after `create`: compile the analysis code paths first. */
function warmUp(): void {
  try {
    warmUpScanner({ root: process.cwd(), config: defaultConfig() }, nodeFileSystem);
  } catch {
    // Warm-up is an optimisation only.
  }
}
