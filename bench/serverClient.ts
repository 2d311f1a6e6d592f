// The benchmark's editor: spawns `node dist/server.js --stdio` and speaks real JSON-RPC to it, recording what
// an editor would see (progress, published diagnostics, notifications) with arrival times, and answering the
// server's requests (configuration, progress creation, registrations) the way a client does.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export const SERVER_BUNDLE = process.env.FLAGLENS_BENCH_SERVER ?? join(__dirname, '..', 'dist', 'server.js');

export interface ProgressEvent {
  token: string | number;
  kind: string;
  at: number;
  title?: string;
  message?: string;
}

export interface BenchClientOptions {
  /** Workspace folders (absolute paths); the first is also the root URI. */
  folders: string[];
  /** Environment of the server process (e.g. a cache location). */
  env?: NodeJS.ProcessEnv;
  initializationOptions?: unknown;
  /** Client capabilities beyond progress and configuration pull. */
  capabilities?: Record<string, unknown>;
  /** Node options for the server process (e.g. `--cpu-prof` when looking into a figure). */
  nodeArgs?: string[];
}

export class BenchClient {
  readonly progress: ProgressEvent[] = [];
  readonly diagnostics = new Map<string, unknown[]>();
  readonly diagnosticsArrivals: Array<{ uri: string; at: number; count: number }> = [];
  readonly notifications: Array<{ method: string; params: unknown; at: number }> = [];
  /** When the server process was spawned, when `initialize` was sent and when its answer came (performance.now()). */
  spawnedAt = 0;
  initializeSentAt = 0;
  initializedAt = 0;
  private waiters: Array<() => void> = [];

  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {}

  static async start(options: BenchClientOptions): Promise<BenchClient> {
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER_BUNDLE, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...options.env } });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new BenchClient(child, connection);
    client.spawnedAt = spawnedAt;
    connection.onUnhandledProgress((params) => {
      const value = params.value as { kind?: string; title?: string; message?: string };
      client.progress.push({ token: params.token, kind: value.kind ?? '?', at: performance.now(), title: value.title, message: value.message });
      client.wake();
    });
    connection.onNotification('textDocument/publishDiagnostics', (params: { uri: string; diagnostics: unknown[] }) => {
      client.diagnostics.set(params.uri, params.diagnostics);
      client.diagnosticsArrivals.push({ uri: params.uri, at: performance.now(), count: params.diagnostics.length });
      client.wake();
    });
    connection.onNotification((method, params) => {
      client.notifications.push({ method, params, at: performance.now() });
      client.wake();
    });
    connection.onRequest((method, params) => {
      if (method === 'workspace/configuration') return (params as { items: unknown[] }).items.map(() => null);
      return null;
    });
    connection.listen();
    const uri = (path: string) => pathToFileURL(path).href;
    client.initializeSentAt = performance.now();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri(options.folders[0]!),
      workspaceFolders: options.folders.map((folder, index) => ({ uri: uri(folder), name: `folder-${index}` })),
      capabilities: { window: { workDoneProgress: true }, workspace: { configuration: true, workspaceFolders: true }, ...options.capabilities },
      initializationOptions: options.initializationOptions,
    });
    client.initializedAt = performance.now();
    await connection.sendNotification('initialized', {});
    return client;
  }

  /** Milliseconds from the first indexing progress `begin` to its `end` (undefined while it runs). */
  indexSpanMs(): number | undefined {
    const begin = this.progress.find((event) => event.kind === 'begin');
    const end = begin && this.progress.find((event) => event.kind === 'end' && event.token === begin.token);
    return begin && end ? end.at - begin.at : undefined;
  }

  /** When the first index reported `begin` (undefined before). */
  indexBeganAt(): number | undefined {
    return this.progress.find((event) => event.kind === 'begin')?.at;
  }

  indexEnded(): boolean {
    return this.indexSpanMs() !== undefined;
  }

  async open(path: string, languageId = 'typescript'): Promise<{ uri: string; text: string }> {
    const uri = pathToFileURL(path).href;
    const text = readFileSync(path, 'utf8');
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return { uri, text };
  }

  /** Sends a request and returns its result with the round-trip time. */
  async timed<R>(method: string, params: unknown): Promise<{ result: R; ms: number }> {
    const start = performance.now();
    const result = (await this.connection.sendRequest(method, params)) as R;
    return { result, ms: performance.now() - start };
  }

  /** Resolves when `condition` holds (checked on every message from the server and every 20 ms). */
  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!condition()) {
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 20);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The server process's resident set now and its peak (VmHWM), in MB: every thread of the process counts. */
  memory(): { rssMb: number; peakRssMb: number } {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return {
      rssMb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024,
      peakRssMb: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024,
    };
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 3000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // Killed below anyway.
    }
    this.connection.dispose();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    if (this.child.exitCode === null && this.child.signalCode === null) await exited;
    clearTimeout(timer);
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
