// The server's per-connection state: the analysis host (created on `initialize` once the root is known),
// the open documents, the settings cache and what the client can do. Handlers receive it; nothing else
// is global, so several servers can run in one process (the in-memory protocol tests do).
import { ResponseError, ErrorCodes, TextDocuments, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FlaglensHost } from '../../core/src/host.js';
import { createHttpClient, type HttpTransport } from '../../core/src/http.js';
import type { Clock, FileSystem, FileWriter, GitHost, Timers } from '../../core/src/io.js';
import { SettingsCache } from './settings.js';
import { Uri } from './convert.js';
import type { ParamsValidator } from './params.js';

/** What the server is built from: real IO by default, test doubles in tests. */
export interface ServerOptions {
  fs?: FileSystem;
  git?: GitHost;
  clock?: Clock;
  timers?: Timers;
  /** The HTTP client for Prometheus; default: one of the server's own, closed at shutdown. */
  http?: HttpTransport;
  /** Every write (state files, the snapshot, Flaglens' own files); default: `nodeFileWriter`. */
  writer?: FileWriter;
  /** Test seam: called before every request handler runs, with the LSP method; may throw to simulate a bug. */
  beforeRequest?: (method: string) => void;
}

export interface ClientAbilities {
  configurationPull: boolean;
  workDoneProgress: boolean;
  inlayHintRefresh: boolean;
  codeLensRefresh: boolean;
  snippetEdits: boolean;
  dynamicFileWatchers: boolean;
  markdownHover: boolean;
}

export class Session {
  host: FlaglensHost | undefined;
  readonly documents = new TextDocuments(TextDocument);
  settings: SettingsCache;
  abilities: ClientAbilities = {
    configurationPull: false,
    workDoneProgress: false,
    inlayHintRefresh: false,
    codeLensRefresh: false,
    snippetEdits: false,
    dynamicFileWatchers: false,
    markdownHover: true,
  };
  rootUri: string | undefined;
  /** When the last request arrived and how many are running (the index starts when requests pause). */
  lastRequestAt = Date.now();
  requestsInFlight = 0;
  /** Set by `shutdown`: background work stops sending. */
  shutDown = false;
  /** The one HTTP client of this connection's host (Prometheus). */
  readonly http: HttpTransport;

  constructor(
    readonly connection: Connection,
    readonly options: ServerOptions,
  ) {
    this.settings = new SettingsCache(connection, { pullSupported: false, log: (message) => this.log(message) });
    this.http = options.http ?? createHttpClient();
  }

  /** Stops the host's background work and releases the HTTP client when it is the server's own. */
  dispose(): void {
    this.host?.dispose();
    if (!this.options.http) void this.http.close().catch(() => undefined);
  }

  log(message: string): void {
    if (this.shutDown) return;
    this.connection.console.log(`[flaglens] ${message}`);
  }

  /** The open document, its absolute path and workspace-relative file, when the URI is a file in an initialised workspace. */
  documentAt(uri: string): { host: FlaglensHost; document: TextDocument; absPath: string; file: string } | undefined {
    const host = this.host;
    const document = this.documents.get(uri);
    const absPath = Uri.toPath(uri);
    if (!host || !document || !absPath) return undefined;
    return { host, document, absPath, file: host.toRelative(absPath) };
  }
}

/**
 * Wraps a request handler so that params that do not have the expected shape are answered with InvalidParams
 * (naming the field) before the handler runs, and an exception is logged in one line and answered with an
 * error for that request only: the server keeps serving everything else.
 */
export function guardRequest<P, R>(
  session: Session,
  method: string,
  run: (params: P, token: CancellationToken) => R | Promise<R>,
  validate?: ParamsValidator,
): (params: P, token: CancellationToken) => Promise<R | ResponseError<void>> {
  return async (params, token) => {
    session.lastRequestAt = Date.now();
    session.requestsInFlight++;
    try {
      const problem = validate?.(params);
      if (problem) {
        session.log(`${method}: invalid params: ${problem}`);
        return new ResponseError(ErrorCodes.InvalidParams, `Flaglens ${method}: invalid params: ${problem}`);
      }
      session.options.beforeRequest?.(method);
      return await run(params, token);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // One line for people reading the log; the stack only when debugging (FLAGLENS_DEBUG=1).
      session.log(`${method} failed: ${message.split('\n')[0]}${process.env.FLAGLENS_DEBUG && error instanceof Error && error.stack ? `\n${error.stack}` : ''}`);
      return new ResponseError(ErrorCodes.InternalError, `Flaglens ${method} failed: ${message.split('\n')[0]}`);
    } finally {
      session.requestsInFlight--;
      session.lastRequestAt = Date.now();
    }
  };
}

/** Same for notifications: log in one line and carry on. */
export function guardNotification<P>(session: Session, method: string, run: (params: P) => void | Promise<void>): (params: P) => Promise<void> {
  return async (params) => {
    try {
      await run(params);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      session.log(`${method} failed: ${message.split('\n')[0]}${process.env.FLAGLENS_DEBUG && error instanceof Error && error.stack ? `\n${error.stack}` : ''}`);
    }
  };
}
