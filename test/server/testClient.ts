// An in-memory LSP client for protocol tests: the real server (`startServer`) on one end of a JSON-RPC
// stream pair, a `vscode-jsonrpc` message connection on the other. It records what the server sends
// (diagnostics, progress, log messages, custom notifications) and answers `workspace/configuration`.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { ClientCapabilities, Diagnostic, InitializeResult } from 'vscode-languageserver-protocol';
import { startServer, type ServerOptions } from '../../server/src/server.js';
import type { Session } from '../../server/src/session.js';

export const EXAMPLE_SHOP = join(__dirname, '..', '..', 'examples', 'shop');
/** The date the example shop's expectations are written for (README of examples/shop). */
export const EXAMPLE_NOW = new Date('2026-11-27T12:00:00Z');

export const FULL_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    inlayHint: { refreshSupport: true },
    codeLens: { refreshSupport: true },
    workspaceEdit: { documentChanges: true },
  },
  window: { workDoneProgress: true },
  textDocument: {
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeAction: { resolveSupport: { properties: ['edit'] } },
    publishDiagnostics: { codeDescriptionSupport: true },
    synchronization: { didSave: true },
  },
};

export interface Notification {
  method: string;
  params: unknown;
}

export interface TestClientOptions {
  /** Workspace to copy into a temp folder (default: examples/shop). */
  workspace?: string;
  /**
   * Several workspace folders instead: each is copied into `<temp>/<name>` and sent as a workspace folder (the
   * first one is also the root URI). `client.uri('<name>/…')` names their files.
   */
  folders?: Array<{ workspace: string; name: string }>;
  /** Serve `workspace` where it is instead of a copy (the test owns and removes it). */
  inPlace?: boolean;
  /** `flaglens` settings answered to workspace/configuration, per scope URI ('*' for any). */
  settings?: Record<string, unknown>;
  capabilities?: ClientCapabilities;
  server?: ServerOptions;
  initializationOptions?: unknown;
  /** Answers a request from the server (window/showMessageRequest, workspace/applyEdit); undefined: the default (null). */
  answer?: (method: string, params: unknown) => unknown;
}

export class TestClient {
  readonly notifications: Notification[] = [];
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly configurationRequests: Array<{ scopeUri?: string; section?: string }> = [];
  readonly serverRequests: Array<{ method: string; params: unknown }> = [];
  settings: Record<string, unknown>;
  initializeResult!: InitializeResult;
  private versions = new Map<string, number>();
  private readonly inPlace: boolean;
  private waiters: Array<() => void> = [];
  private readonly answer: TestClientOptions['answer'];

  private constructor(
    readonly root: string,
    readonly connection: MessageConnection,
    /** The server's session (same process): for assertions on what the server holds. */
    readonly session: Session,
    private readonly disposeServer: () => void,
    options: TestClientOptions,
  ) {
    this.settings = options.settings ?? {};
    this.inPlace = options.inPlace === true;
    this.answer = options.answer;
  }

  /** Copies the workspace to a temp folder, starts a server over an in-memory stream pair, initialises it. */
  static async start(options: TestClientOptions = {}): Promise<TestClient> {
    const root = options.inPlace && options.workspace ? options.workspace : mkdtempSync(join(tmpdir(), 'flaglens-lsp-'));
    const copy = (from: string, to: string) => cpSync(from, to, { recursive: true, filter: (source) => !source.includes('node_modules') });
    if (options.folders) for (const folder of options.folders) copy(folder.workspace, join(root, folder.name));
    else if (!options.inPlace) copy(options.workspace ?? EXAMPLE_SHOP, root);
    const clientToServer = new PassThrough();
    const serverToClient = new PassThrough();
    const serverConnection = createConnection(
      ProposedFeatures.all,
      new StreamMessageReader(clientToServer),
      new StreamMessageWriter(serverToClient),
    );
    const session = startServer(serverConnection, {
      clock: { now: () => EXAMPLE_NOW },
      git: { fileHistory: () => [] },
      ...options.server,
    });
    const connection = createMessageConnection(new StreamMessageReader(serverToClient), new StreamMessageWriter(clientToServer));
    const client = new TestClient(root, connection, session, () => serverConnection.dispose(), options);
    client.wire();
    connection.listen();
    client.initializeResult = await connection.sendRequest('initialize', {
      processId: null,
      rootUri: options.folders ? client.uri(options.folders[0]!.name) : client.uri(''),
      workspaceFolders: options.folders ? options.folders.map((folder) => ({ uri: client.uri(folder.name), name: folder.name })) : [{ uri: client.uri(''), name: 'shop' }],
      capabilities: options.capabilities ?? FULL_CAPABILITIES,
      initializationOptions: options.initializationOptions,
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  uri(relativePath: string): string {
    return pathToFileURL(join(this.root, relativePath)).href.replace(/\/$/, '');
  }

  path(relativePath: string): string {
    return join(this.root, relativePath);
  }

  /** Opens a workspace file with its disk content; returns its URI and text. */
  async open(relativePath: string, languageId = 'typescript'): Promise<{ uri: string; text: string }> {
    const uri = this.uri(relativePath);
    const text = readFileSync(this.path(relativePath), 'utf8');
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return { uri, text };
  }

  /** Replaces a document's whole text. */
  async change(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  /** Resolves when `check` returns a truthy value (re-checked on every message from the server). */
  async waitFor<T>(check: () => T | undefined | false | null, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(remaining, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Asks again every 20 ms until `ask` answers something truthy (a request whose answer needs the analysis worker). */
  async poll<T>(ask: () => Promise<T | undefined | false | null>, timeoutMs = 20_000, what = 'an answer'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await ask();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Waits until the initial index is done (the progress `end` arrived). */
  waitForIndex(timeoutMs = 30_000): Promise<unknown> {
    return this.waitFor(
      () => this.notifications.some((n) => n.method === '$/progress' && (n.params as { value?: { kind?: string } }).value?.kind === 'end'),
      timeoutMs,
      'the index progress to end',
    );
  }

  logMessages(): string[] {
    return this.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { message: string }).message);
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 1000))]);
    } catch {
      // The server may already be gone in a test that broke it on purpose.
    }
    this.connection.dispose();
    this.disposeServer();
    if (!this.inPlace) rmSync(this.root, { recursive: true, force: true });
  }

  private wire(): void {
    const record = (method: string, params: unknown) => {
      this.notifications.push({ method, params });
      if (method === 'textDocument/publishDiagnostics') {
        const { uri, diagnostics } = params as { uri: string; diagnostics: Diagnostic[] };
        this.diagnostics.set(uri, diagnostics);
      }
      this.wake();
    };
    this.connection.onNotification((method, params) => record(method, params));
    // vscode-jsonrpc routes `$/progress` to progress handlers, not to the catch-all notification handler.
    this.connection.onUnhandledProgress((params) => record('$/progress', params));
    this.connection.onRequest((method, params) => {
      this.serverRequests.push({ method, params });
      this.wake();
      if (method === 'workspace/configuration') {
        const items = (params as { items: Array<{ scopeUri?: string; section?: string }> }).items;
        this.configurationRequests.push(...items);
        return items.map((item) => (item.section === 'flaglens' ? (this.settings[item.scopeUri ?? '*'] ?? this.settings['*'] ?? null) : null));
      }
      const answered = this.answer?.(method, params);
      if (answered !== undefined && answered !== null) return answered;
      // Edits the server asks for are recorded (serverRequests) and reported applied; the files are not touched.
      if (method === 'workspace/applyEdit') return { applied: true };
      return null;
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** LSP position (0-based) of the first occurrence of `needle` in `text`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const offset = text.indexOf(needle);
  if (offset === -1) throw new Error(`'${needle}' not found`);
  const before = text.slice(0, offset + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}
