// The main thread's side of the analysis workers: a `WorkspaceAnalysis` whose every call is a request to the one
// analysis worker of the server (all folders share it, it indexes), a `DocumentsAnalysis` whose calls go to the
// one documents worker (every folder's open documents, answered while an index runs), and the init proposal and
// flagd git histories computed in the analysis worker. When a worker is lost (it crashed), the next analysis created starts a new one;
// the host replaces analyses that were lost.
import type { ChecksProposal } from '../../../core/src/init/index.js';
import type { FlagdHistoryAnalysis } from '../../../core/src/state/flagdHistory.js';
import type { FlagdTextAnalysis } from '../../../core/src/state/flagdTexts.js';
import type {
  AnalysisChange,
  AnalysisFactory,
  AnalysisTarget,
  DocumentsAnalysis,
  DocumentsAnalysisFactory,
  IndexOutcome,
  IndexRequest,
  ReferenceUpdate,
  WorkspaceAnalysis,
} from '../../../core/src/workspaceAnalysis.js';
import { WorkerChannel, type WorkerRole } from './channel.js';

type AnalysisRole = Extract<WorkerRole, 'analysis' | 'documents'>;

/** A worker the server's entry started before anything else, until a pool adopts it; with what it logged meanwhile. */
interface EarlyWorker {
  channel: WorkerChannel;
  logs: string[];
  sink?: (message: string) => void;
}
const earlyWorkers = new Map<AnalysisRole, EarlyWorker>();

/**
 * Starts the documents worker and the analysis worker at once, before this thread loads the protocol and answers
 * `initialize`: their own start (the bundle, TypeScript, compiling the analysis paths) then overlaps the editor's
 * handshake, and the first opened document finds them ready sooner. The first pool adopts them.
 */
export function prestartAnalysisWorkers(): void {
  for (const role of ['documents', 'analysis'] as const) {
    if (earlyWorkers.has(role)) continue;
    const logs: string[] = [];
    const early: EarlyWorker = { logs, channel: new WorkerChannel(role, (message) => (early.sink ? early.sink(message) : logs.push(message))) };
    earlyWorkers.set(role, early);
  }
}

export class AnalysisWorkerPool {
  private readonly channels = new Map<AnalysisRole, WorkerChannel>();
  private nextId = 1;

  constructor(private readonly log: (message: string) => void) {}

  /**
   * Starts the workers now (or adopts those the entry started): they load the bundle and compile the analysis
   * paths while the editor is still starting, so the first opened document is not also their first moment.
   */
  prestart(): void {
    this.current('documents');
    this.current('analysis');
  }

  /** The factory the hosts create their analyses with. */
  readonly factory: AnalysisFactory = (target) => new WorkerAnalysis(this.current('analysis'), this.nextId++, target);

  /** The factory of the hosts' documents lanes (the documents worker). */
  readonly documentsFactory: DocumentsAnalysisFactory = (target) => new WorkerDocumentsAnalysis(this.current('documents'), this.nextId++, target);

  /** A flagd file's git history read and parsed in the analysis worker (git's spawns and forty YAML parses are not for the thread that answers requests). */
  readonly flagdHistory: FlagdHistoryAnalysis = (absolutePath, options) => this.current('analysis').request('flagdHistory', { absolutePath, options });

  /**
   * Flagd files parsed in the analysis worker: a state load's and a bump's parse of a big YAML file takes 100 ms and
   * more. Until the worker has started (it loads TypeScript first, which takes longer under load) each call is
   * refused and the provider parses in place: the first state load's parse, in the `initialize` handshake, does not
   * wait for the worker's start.
   */
  readonly flagdTexts: FlagdTextAnalysis = {
    analyze: (text, options) => this.onceStarted('flagdAnalyze', { text, options }),
    rolloutEdit: (text, options, request) => this.onceStarted('flagdRolloutEdit', { text, options, request }),
  };

  private onceStarted<R>(method: string, params: unknown): Promise<R> {
    if (!this.analysisReady()) return Promise.reject(new Error('the analysis worker has not started yet'));
    return this.current('analysis').request(method, params);
  }

  /** Resolves once the analysis worker answers requests (flagd files are parsed there from then on). */
  analysisStarted(): Promise<void> {
    return this.current('analysis').whenReady;
  }

  /** Requests the analysis worker has not answered yet. */
  get analysisRequestsInFlight(): number {
    return this.channels.get('analysis')?.busy ?? 0;
  }

  private analysisReady(): boolean {
    return this.channels.get('analysis')?.ready === true;
  }

  /** `flaglens init`'s proposal for a folder and the flaglens.yaml text it makes (a scan: it runs in the analysis worker). */
  proposeChecks(request: { root: string; definedKeys: string[] }): Promise<{ proposal: ChecksProposal; text: string }> {
    return this.current('analysis').request('proposeChecks', request);
  }

  dispose(): void {
    for (const channel of this.channels.values()) void channel.terminate();
    this.channels.clear();
  }

  private current(role: AnalysisRole): WorkerChannel {
    const running = this.channels.get(role);
    if (running?.alive) return running;
    const early = earlyWorkers.get(role);
    earlyWorkers.delete(role);
    let channel: WorkerChannel;
    if (early?.channel.alive) {
      early.sink = this.log;
      for (const message of early.logs.splice(0)) this.log(message);
      channel = early.channel;
    } else channel = new WorkerChannel(role, this.log);
    this.channels.set(role, channel);
    return channel;
  }
}

/** A folder's analysis in a worker: created there, then each change a request (the documents lane is no more than this). */
class WorkerDocumentsAnalysis implements DocumentsAnalysis {
  protected readonly created: Promise<void>;

  constructor(
    protected readonly channel: WorkerChannel,
    protected readonly id: number,
    target: AnalysisTarget,
  ) {
    this.created = channel.request('create', { id, target });
    this.created.catch(() => undefined);
  }

  async update(change: AnalysisChange): Promise<ReferenceUpdate> {
    await this.created;
    return this.channel.request<ReferenceUpdate>('update', { id: this.id, change });
  }

  dispose(): void {
    if (this.channel.alive) void this.channel.request('dispose', { id: this.id }).catch(() => undefined);
  }
}

/** The indexing analysis: the same, and its index. */
class WorkerAnalysis extends WorkerDocumentsAnalysis implements WorkspaceAnalysis {
  async index(request: IndexRequest = {}): Promise<IndexOutcome> {
    await this.created;
    return this.channel.request<IndexOutcome>('index', { id: this.id }, {
      signal: request.signal,
      onProgress: (value) => {
        const { done, total } = value as { done: number; total: number };
        request.onProgress?.(done, total);
      },
    });
  }
}
