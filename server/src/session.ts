// The server's per-connection state: one analysis host per workspace folder (each with its own config, state,
// index and health), the open documents, the settings cache, the worker threads and what the client can do.
// Handlers receive it; nothing else is global, so several servers can run in one process (the in-memory protocol
// tests do). A file belongs to its innermost folder.
import { sep } from 'node:path';
import { ErrorCodes, LSPErrorCodes, MessageType, ResponseError, ShowMessageNotification, TextDocuments, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { FlaglensHost } from '../../core/src/host.js';
import { createHttpClient, type HttpTransport } from '../../core/src/http.js';
import type { Clock, FileSystem, FileWriter, GitHost, Timers } from '../../core/src/io.js';
import { createAsyncGitHost } from '../../core/src/nodeIo.js';
import type { AnalysisFactory, DocumentsAnalysisFactory } from '../../core/src/workspaceAnalysis.js';
import type { FlagdHistoryAnalysis } from '../../core/src/state/flagdHistory.js';
import type { FlagdTextAnalysis } from '../../core/src/state/flagdTexts.js';
import { SettingsCache } from './settings.js';
import { Uri } from './convert.js';
import type { ParamsValidator } from './params.js';
import { AnalysisWorkerPool } from './workers/workerAnalysis.js';
import { CleanupRunner } from './workers/cleanupRunner.js';

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
  /** The scanner's analyses; default: the server's analysis worker thread. */
  analysis?: AnalysisFactory;
  /** The documents lane beside them; default: the server's documents worker thread, unless `analysis` is given (then none). */
  documentsAnalysis?: DocumentsAnalysisFactory;
  /** Test seam: called before every request handler runs, with the LSP method; may throw to simulate a bug. */
  beforeRequest?: (method: string) => void;
  /** Test seam: the environment trust and tokens are read from when the client cannot send them (default `process.env`). */
  env?: Record<string, string | undefined>;
}

export interface ClientAbilities {
  configurationPull: boolean;
  workDoneProgress: boolean;
  inlayHintRefresh: boolean;
  codeLensRefresh: boolean;
  snippetEdits: boolean;
  dynamicFileWatchers: boolean;
  markdownHover: boolean;
  /** `codeAction/resolve` can fill in `edit`: the "Remove flag" fixes are proven when picked; else a command does it. */
  codeActionResolveEdit: boolean;
  /** Workspace edits with `documentChanges` (versioned, for edits of open documents). */
  documentChanges: boolean;
}

/** One workspace folder the server serves. */
export interface FolderEntry {
  /** The folder URI as the client sent it (the key of the folder everywhere in the protocol). */
  uri: string;
  name: string;
  /** Absolute path. */
  root: string;
  host: FlaglensHost;
}

export class Session {
  /** Workspace folders by URI, in the order the client gave them. */
  readonly folders = new Map<string, FolderEntry>();
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
    codeActionResolveEdit: false,
    documentChanges: false,
  };
  /** When the last request arrived and how many are running (the index starts when requests pause). */
  lastRequestAt = Date.now();
  requestsInFlight = 0;
  /** Set by `shutdown`: background work stops sending. */
  shutDown = false;
  /** The one HTTP client of this connection's hosts (Prometheus). */
  readonly http: HttpTransport;
  /** Git for every folder: child processes off the event loop, a few at once, history cached per (HEAD, file). */
  readonly git: GitHost;
  /** The scanner's analyses of every folder (one worker thread), unless the options give another factory. */
  readonly analysis: AnalysisFactory;
  /** The open documents of every folder, answered while an index runs (the documents worker), unless the options say otherwise. */
  readonly documentsAnalysis: DocumentsAnalysisFactory | undefined;
  /** Where flagd git histories are read and parsed: the analysis worker (with the server's own workers and git). */
  readonly flagdHistory: FlagdHistoryAnalysis | undefined;
  /** Where flagd files are parsed for a state load or a bump's edit: the analysis worker (with the server's own workers). */
  readonly flagdTexts: FlagdTextAnalysis | undefined;
  /** The analysis and documents workers (started at once): every folder's scanner unless the options give another factory, and init's proposal. */
  readonly analysisWorkers: AnalysisWorkerPool;
  /** Proves "Remove flag" fixes in a worker that a cancelled request terminates. */
  readonly cleanup: CleanupRunner;

  constructor(
    readonly connection: Connection,
    readonly options: ServerOptions,
  ) {
    this.settings = new SettingsCache(connection, { pullSupported: false, log: (message) => this.log(message) });
    this.http = options.http ?? createHttpClient();
    this.git = options.git ?? createAsyncGitHost();
    this.analysisWorkers = new AnalysisWorkerPool((message) => this.log(message));
    this.analysis = options.analysis ?? this.analysisWorkers.factory;
    this.documentsAnalysis = options.documentsAnalysis ?? (options.analysis ? undefined : this.analysisWorkers.documentsFactory);
    // The worker runs git itself: with a git of the options' own (a test's), histories are read here through it.
    this.flagdHistory = options.analysis || options.git ? undefined : this.analysisWorkers.flagdHistory;
    this.flagdTexts = options.analysis ? undefined : this.analysisWorkers.flagdTexts;
    if (!options.analysis) this.analysisWorkers.prestart();
    this.cleanup = new CleanupRunner((message) => this.log(message));
  }

  /** Every folder's host. */
  hosts(): FlaglensHost[] {
    return [...this.folders.values()].map((folder) => folder.host);
  }

  /** Stops every host's background work and the workers, and releases the HTTP client when it is the server's own. */
  dispose(): void {
    for (const folder of this.folders.values()) folder.host.dispose();
    this.analysisWorkers.dispose();
    this.cleanup.dispose();
    if (!this.options.http) void this.http.close().catch(() => undefined);
  }

  log(message: string): void {
    if (this.shutDown) return;
    this.connection.console.log(`[flaglens] ${message}`);
  }

  /** Tells the person something went wrong (`window/showMessage`: a notification, every client shows it, none has to answer). */
  showError(message: string): void {
    this.showMessage(MessageType.Error, message);
  }

  showWarning(message: string): void {
    this.showMessage(MessageType.Warning, message);
  }

  private showMessage(type: MessageType, message: string): void {
    if (this.shutDown) return;
    void this.connection.sendNotification(ShowMessageNotification.type, { type, message }).catch(() => undefined);
  }

  /** The innermost workspace folder holding an absolute path. */
  folderOfPath(absPath: string): FolderEntry | undefined {
    let best: FolderEntry | undefined;
    for (const folder of this.folders.values()) {
      if (absPath !== folder.root && !absPath.startsWith(folder.root.endsWith(sep) ? folder.root : folder.root + sep)) continue;
      if (!best || folder.root.length > best.root.length) best = folder;
    }
    return best;
  }

  /** The folder a request names (its URI), else the one defining the flag, else the first. */
  folderForKey(key: string | undefined, folderUri?: string): FolderEntry | undefined {
    if (folderUri) return this.folders.get(folderUri) ?? this.folders.get(folderUri.replace(/\/$/, ''));
    const folders = [...this.folders.values()];
    return (key ? folders.find((folder) => folder.host.flag(key)) : undefined) ?? folders[0];
  }

  /**
   * `documentAt` once the document's newest text has been analysed: the analysis runs in a worker and usually
   * answers within milliseconds of the change, so a request waits until at most DOCUMENT_ANALYSIS_WAIT_MS after the
   * change was sent (never again once that has passed: a busy worker does not slow every request). A request
   * answered before the analysis is remembered, so the views of that document are refreshed when it arrives.
   */
  async documentReady(uri: string): Promise<ReturnType<Session['documentAt']>> {
    const target = this.documentAt(uri);
    const waitingFor = target && target.host.analysingFor(target.file);
    if (!target || waitingFor === undefined) return target;
    const budget = DOCUMENT_ANALYSIS_WAIT_MS - waitingFor;
    let fresh = false;
    if (budget > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      fresh = await Promise.race([
        target.host.whenFileAnalysed(target.file).then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), budget))),
      ]);
      clearTimeout(timer);
    }
    if (!fresh) this.answeredBeforeAnalysis.add(uri);
    return this.documentAt(uri);
  }

  /** Documents a request was answered for while their analysis was still pending (their inlay hints are refreshed after). */
  readonly answeredBeforeAnalysis = new Set<string>();

  /** The open document, its folder, absolute path and folder-relative file, when the URI is a file in a workspace folder. */
  documentAt(uri: string): { folder: FolderEntry; host: FlaglensHost; document: TextDocument; absPath: string; file: string } | undefined {
    const document = this.documents.get(uri);
    const absPath = Uri.toPath(uri);
    if (!document || !absPath) return undefined;
    const folder = this.folderOfPath(absPath);
    if (!folder) return undefined;
    return { folder, host: folder.host, document, absPath, file: folder.host.toRelative(absPath) };
  }
}

/**
 * Wraps a request handler so that params that do not have the expected shape are answered with InvalidParams
 * (naming the field) before the handler runs, a request the client cancels (`$/cancelRequest`) is answered
 * `RequestCancelled` at once (never with a stale result, even when the handler finishes later), and an exception is
 * logged in one line and answered with an error for that request only: the server keeps serving everything else.
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
    const cancelled = () => new ResponseError(LSPErrorCodes.RequestCancelled, `Flaglens ${method}: cancelled`);
    let stopListening: { dispose(): void } | undefined;
    try {
      const problem = validate?.(params);
      if (problem) {
        session.log(`${method}: invalid params: ${problem}`);
        return new ResponseError(ErrorCodes.InvalidParams, `Flaglens ${method}: invalid params: ${problem}`);
      }
      if (token.isCancellationRequested) return cancelled();
      session.options.beforeRequest?.(method);
      const whenCancelled = new Promise<typeof CANCELLED>((resolve) => {
        stopListening = token.onCancellationRequested(() => resolve(CANCELLED));
      });
      const result = await Promise.race([Promise.resolve(run(params, token)), whenCancelled]);
      if (result === CANCELLED || token.isCancellationRequested) return cancelled();
      return result as R;
    } catch (error) {
      if (token.isCancellationRequested) return cancelled();
      const message = error instanceof Error ? error.message : String(error);
      // One line for people reading the log; the stack only when debugging (FLAGLENS_DEBUG=1).
      session.log(`${method} failed: ${message.split('\n')[0]}${process.env.FLAGLENS_DEBUG && error instanceof Error && error.stack ? `\n${error.stack}` : ''}`);
      return new ResponseError(ErrorCodes.InternalError, `Flaglens ${method} failed: ${message.split('\n')[0]}`);
    } finally {
      stopListening?.dispose();
      session.requestsInFlight--;
      session.lastRequestAt = Date.now();
    }
  };
}

const CANCELLED = Symbol('cancelled');

/** Until how long after a document changed a request on it waits for the analysis of that text (then it answers from what is known). */
const DOCUMENT_ANALYSIS_WAIT_MS = 30;

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

/** An AbortSignal that aborts when the request's cancellation token fires (for work handed to a worker). */
export function signalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
