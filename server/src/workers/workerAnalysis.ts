// The main thread's side of the analysis worker: a `WorkspaceAnalysis` whose every call is a request to the one
// analysis worker of the server (all folders share it), and the init proposal computed there. When the worker is
// lost (it crashed), the next analysis created starts a new worker; the host replaces analyses that were lost.
import type { ChecksProposal } from '../../../core/src/init/index.js';
import type { AnalysisChange, AnalysisFactory, AnalysisTarget, IndexOutcome, IndexRequest, ReferenceUpdate, WorkspaceAnalysis } from '../../../core/src/workspaceAnalysis.js';
import { WorkerChannel } from './channel.js';

/** The worker the server's entry started before anything else, until a pool adopts it; with what it logged meanwhile. */
interface EarlyWorker {
  channel: WorkerChannel;
  logs: string[];
  sink?: (message: string) => void;
}
let earlyWorker: EarlyWorker | undefined;

/**
 * Starts the analysis worker at once, before this thread loads the protocol and answers `initialize`: the worker's
 * own start (its bundle, TypeScript, compiling the analysis paths) then overlaps the editor's handshake, and the
 * first opened document finds it ready sooner. The first pool adopts it.
 */
export function prestartAnalysisWorker(): void {
  if (earlyWorker) return;
  const logs: string[] = [];
  const early: EarlyWorker = { logs, channel: new WorkerChannel('analysis', (message) => (early.sink ? early.sink(message) : logs.push(message))) };
  earlyWorker = early;
}

export class AnalysisWorkerPool {
  private channel: WorkerChannel | undefined;
  private nextId = 1;

  constructor(private readonly log: (message: string) => void) {}

  /**
   * Starts the worker now (or adopts the one the entry started): it loads the bundle and compiles the analysis
   * paths while the editor is still starting, so the first opened document is not also the worker's first moment.
   */
  prestart(): void {
    this.current();
  }

  /** The factory the hosts create their analyses with. */
  readonly factory: AnalysisFactory = (target) => new WorkerAnalysis(this.current(), this.nextId++, target);

  /** `flaglens init`'s proposal for a folder and the flaglens.yaml text it makes (a scan: it runs in the worker). */
  proposeChecks(request: { root: string; definedKeys: string[] }): Promise<{ proposal: ChecksProposal; text: string }> {
    return this.current().request('proposeChecks', request);
  }

  dispose(): void {
    void this.channel?.terminate();
    this.channel = undefined;
  }

  private current(): WorkerChannel {
    if (this.channel?.alive) return this.channel;
    const early = earlyWorker;
    earlyWorker = undefined;
    if (early?.channel.alive) {
      early.sink = this.log;
      for (const message of early.logs.splice(0)) this.log(message);
      this.channel = early.channel;
    } else this.channel = new WorkerChannel('analysis', this.log);
    return this.channel;
  }
}

class WorkerAnalysis implements WorkspaceAnalysis {
  private readonly created: Promise<void>;

  constructor(
    private readonly channel: WorkerChannel,
    private readonly id: number,
    target: AnalysisTarget,
  ) {
    this.created = channel.request('create', { id, target });
    this.created.catch(() => undefined);
  }

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

  async update(change: AnalysisChange): Promise<ReferenceUpdate> {
    await this.created;
    return this.channel.request<ReferenceUpdate>('update', { id: this.id, change });
  }

  dispose(): void {
    if (this.channel.alive) void this.channel.request('dispose', { id: this.id }).catch(() => undefined);
  }
}
