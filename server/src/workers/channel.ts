// Requests to a worker thread of the language server and their answers, with cancellation and progress: the
// main thread (which answers the editor) sends work here so that nothing long runs where requests are served.
// A worker runs the same bundle as the server (`dist/server.js`, or `main.ts` under tsx in tests) with its role
// in `workerData`; `serveWorkerRequests` is its side of the channel.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker, parentPort } from 'node:worker_threads';
import { isAnalysisCancelled } from '../../../core/src/workspaceAnalysis.js';

export type WorkerRole = 'analysis' | 'documents' | 'cleanup';

/** What a worker receives in `workerData`. */
export interface WorkerData {
  flaglensWorker: WorkerRole;
}

type ToWorker = { type: 'request'; id: number; method: string; params: unknown } | { type: 'cancel'; id: number };
type FromWorker =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string; cancelled: boolean }
  | { type: 'progress'; id: number; value: unknown }
  | { type: 'log'; message: string }
  | { type: 'ready' };

/** The worker stopped (crashed, ran out of memory, was terminated) before answering. */
export class WorkerLostError extends Error {
  readonly lost = true;
}

export interface RequestOptions {
  /** Aborting sends a cancel to the worker; the request then rejects with its cancellation. */
  signal?: AbortSignal;
  onProgress?: (value: unknown) => void;
}

/** One worker thread and the requests in flight to it. */
export class WorkerChannel {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; onProgress?: (value: unknown) => void }>();
  private exited = false;
  private terminating = false;
  private started = false;
  private markStarted!: () => void;
  /** Resolves once the worker answers requests (never, if it stops before). */
  readonly whenReady = new Promise<void>((resolve) => (this.markStarted = resolve));
  private readonly exitListeners: Array<() => void> = [];

  constructor(
    readonly role: WorkerRole,
    private readonly log: (message: string) => void,
  ) {
    const launch = workerLaunch();
    const workerData: WorkerData = { flaglensWorker: role };
    this.worker = new Worker(launch.filename, { workerData, execArgv: launch.execArgv, stdout: false, stderr: false });
    // A worker never keeps the process alive: the server exits when the editor says so.
    this.worker.unref();
    this.worker.on('message', (message: FromWorker) => this.receive(message));
    this.worker.on('error', (error) => this.log(`${role} worker failed: ${error.message.split('\n')[0]}`));
    this.worker.on('exit', (code) => {
      this.exited = true;
      for (const { reject } of this.pending.values()) reject(new WorkerLostError(`the ${role} worker stopped (exit code ${code})`));
      this.pending.clear();
      for (const listener of this.exitListeners) listener();
    });
  }

  /** False once the worker stopped or is being terminated: no new request goes to it. */
  get alive(): boolean {
    return !this.exited && !this.terminating;
  }

  /** True once the worker's module is loaded (it loads TypeScript first) and it answers requests. */
  get ready(): boolean {
    return this.started && this.alive;
  }

  /** How many requests are waiting for an answer. */
  get busy(): number {
    return this.pending.size;
  }

  onExit(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  request<R>(method: string, params: unknown, options: RequestOptions = {}): Promise<R> {
    if (!this.alive) return Promise.reject(new WorkerLostError(`the ${this.role} worker has stopped`));
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress: options.onProgress });
      const signal = options.signal;
      if (signal) {
        const cancel = () => this.post({ type: 'cancel', id });
        if (signal.aborted) queueMicrotask(cancel);
        else signal.addEventListener('abort', cancel, { once: true });
      }
      this.post({ type: 'request', id, method, params });
    });
  }

  /** Stops the worker at once (what it was doing is abandoned; pending requests reject as lost). */
  async terminate(): Promise<void> {
    this.terminating = true;
    if (!this.exited) await this.worker.terminate();
  }

  private post(message: ToWorker): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  private receive(message: FromWorker): void {
    if (message.type === 'ready') {
      this.started = true;
      this.markStarted();
      return;
    }
    if (message.type === 'log') return this.log(message.message);
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    if (message.type === 'progress') return waiting.onProgress?.(message.value);
    this.pending.delete(message.id);
    if (message.type === 'result') waiting.resolve(message.result);
    else waiting.reject(Object.assign(new Error(message.message), { cancelled: message.cancelled }));
  }
}

/** A handler in a worker: params in, a result (or a promise of one) out; long ones watch the signal. */
export type WorkerHandler = (params: never, context: { signal: AbortSignal; progress(value: unknown): void; log(message: string): void }) => unknown;

/** The worker side: answers requests from the main thread with the given handlers, one cancel signal per request. */
export function serveWorkerRequests(handlers: Record<string, WorkerHandler>): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorkerRequests runs only in a worker thread');
  const running = new Map<number, AbortController>();
  const log = (message: string) => port.postMessage({ type: 'log', message } satisfies FromWorker);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'cancel') return running.get(message.id)?.abort();
    const controller = new AbortController();
    running.set(message.id, controller);
    const context = { signal: controller.signal, progress: (value: unknown) => port.postMessage({ type: 'progress', id: message.id, value } satisfies FromWorker), log };
    Promise.resolve()
      .then(() => {
        const handler = handlers[message.method];
        if (!handler) throw new Error(`unknown worker request ${message.method}`);
        return handler(message.params as never, context);
      })
      .then(
        (result) => port.postMessage({ type: 'result', id: message.id, result } satisfies FromWorker),
        (error: unknown) =>
          port.postMessage({
            type: 'error',
            id: message.id,
            message: error instanceof Error ? error.message : String(error),
            cancelled: isAnalysisCancelled(error) || controller.signal.aborted,
          } satisfies FromWorker),
      )
      .finally(() => running.delete(message.id));
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}

/**
 * Bundled, the server's executable runs its workers too (`dist/server.js`: it installs the compiled-code cache and
 * loads the bundle, whose entry branches on `workerData`). From the TypeScript sources (the in-memory protocol tests
 * under tsx) the entry is `main.ts`, with tsx's CommonJS hooks.
 */
function workerLaunch(): { filename: string; execArgv: string[] } {
  if (!__filename.endsWith('.ts')) return { filename: join(__dirname, 'server.js'), execArgv: [] };
  return { filename: join(__dirname, '..', 'main.ts'), execArgv: ['--require', createRequire(__filename).resolve('tsx/cjs')] };
}
