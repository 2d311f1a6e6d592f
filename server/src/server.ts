// The Flaglens language server: the lifecycle (initialize → host → background index with progress)
// and one flat registration table mapping each LSP method to its handler in handlers/. Handlers are
// `params → convert → core feature → convert`; each is wrapped so its errors stay its own.
import {
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { FlaglensHost } from '../../core/src/host.js';
import { systemClock, systemTimers } from '../../core/src/io.js';
import { nodeFileSystem, nodeFileWriter, nodeGitHost } from '../../core/src/nodeIo.js';
import { FLAGLENS_VERSION } from '../../core/src/version.js';
import { httpOrigin } from '../../core/src/trust.js';
import {
  AbortRolloutRequest,
  BumpRolloutRequest,
  FlagAtPositionRequest,
  FlagsChangedNotification,
  ListFlagsRequest,
  type FlaglensInitializationOptions,
  PreviewRolloutRequest,
  RefreshRequest,
  SetSecretsNotification,
  TokenRequiredNotification,
} from '../../protocol/src/index.js';
import { Uri } from './convert.js';
import { codeActions } from './handlers/codeActions.js';
import { offerConfigProposal } from './handlers/configProposal.js';
import { codeLens } from './handlers/codeLens.js';
import { completion } from './handlers/completion.js';
import { DiagnosticsPublisher } from './handlers/diagnostics.js';
import { documentChanged, documentClosed, documentOpened, documentSaved, watchedFilesChanged } from './handlers/documents.js';
import { attentionCounts, flagAtPosition, listFlags } from './handlers/flags.js';
import { hover } from './handlers/hover.js';
import { inlayHints } from './handlers/inlayHints.js';
import { definition, references, workspaceSymbols } from './handlers/navigation.js';
import { abort, bump, previewRollout, refresh } from './handlers/rollout.js';
import { guardNotification, guardRequest, Session, type ServerOptions } from './session.js';
import { SettingsCache } from './settings.js';
import { validateParams } from './params.js';

export type { ServerOptions } from './session.js';

/** Files whose change on disk matters: sources, flaglens.yaml, flagd files. */
const WATCHED_GLOBS = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}', '**/flaglens.yaml', '**/*.{json,yaml,yml}'];

/** The index waits for this much quiet after `initialized` (no request arriving), at most the cap. */
const INDEX_QUIET_MS = 60;
const INDEX_START_CAP_MS = 600;
/** How long the index start waits for the state (to know whether the workspace has flags at all). */
const STATE_WAIT_CAP_MS = 1000;

async function waitForQuiet(session: Session, options: { quietMs: number; capMs: number }): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < options.capMs) {
    const idleFor = Date.now() - session.lastRequestAt;
    if (idleFor >= options.quietMs && session.requestsInFlight === 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.max(5, options.quietMs - idleFor)));
  }
}

/** Wires a Flaglens server onto a connection (stdio, IPC, or an in-memory stream pair in tests) and listens. */
export function startServer(connection: Connection, options: ServerOptions = {}): Session {
  const session = new Session(connection, options);
  const publisher = new DiagnosticsPublisher(session);
  const lifecycle = new Lifecycle(session, publisher);

  connection.onInitialize((params) => lifecycle.initialize(params));
  connection.onInitialized(() => void lifecycle.initialized());
  connection.onShutdown(() => {
    session.shutDown = true;
    session.dispose();
  });

  // The registration table: method → handler.
  connection.onHover(guardRequest(session, 'textDocument/hover', (params) => hover(session, params), validateParams.textDocumentPosition));
  connection.languages.inlayHint.on(guardRequest(session, 'textDocument/inlayHint', (params) => inlayHints(session, params), validateParams.textDocumentRange));
  connection.onCodeLens(guardRequest(session, 'textDocument/codeLens', (params) => codeLens(session, params), validateParams.textDocument));
  connection.onCompletion(guardRequest(session, 'textDocument/completion', (params) => completion(session, params), validateParams.textDocumentPosition));
  connection.onDefinition(guardRequest(session, 'textDocument/definition', (params) => definition(session, params), validateParams.textDocumentPosition));
  connection.onReferences(guardRequest(session, 'textDocument/references', (params) => references(session, params), validateParams.references));
  connection.onWorkspaceSymbol(guardRequest(session, 'workspace/symbol', (params) => workspaceSymbols(session, params), validateParams.workspaceSymbol));
  connection.onCodeAction(guardRequest(session, 'textDocument/codeAction', (params) => codeActions(session, params), validateParams.codeAction));
  connection.onRequest(ListFlagsRequest.method, guardRequest(session, ListFlagsRequest.method, () => listFlags(session), validateParams.none));
  connection.onRequest(
    FlagAtPositionRequest.method,
    guardRequest(session, FlagAtPositionRequest.method, (params: FlagAtPositionRequest.Params) => flagAtPosition(session, params), validateParams.textDocumentPosition),
  );
  connection.onRequest(
    PreviewRolloutRequest.method,
    guardRequest(session, PreviewRolloutRequest.method, (params: PreviewRolloutRequest.Params) => previewRollout(session, params), validateParams.previewRollout),
  );
  connection.onRequest(BumpRolloutRequest.method, guardRequest(session, BumpRolloutRequest.method, (params: BumpRolloutRequest.Params) => bump(session, params), validateParams.bump));
  connection.onRequest(AbortRolloutRequest.method, guardRequest(session, AbortRolloutRequest.method, (params: AbortRolloutRequest.Params) => abort(session, params), validateParams.abort));
  connection.onRequest(RefreshRequest.method, guardRequest(session, RefreshRequest.method, () => refresh(session), validateParams.none));
  connection.onNotification(
    SetSecretsNotification.method,
    guardNotification(session, SetSecretsNotification.method, (params: SetSecretsNotification.Params) => lifecycle.setSecrets(params)),
  );
  connection.onDidChangeConfiguration(guardNotification(session, 'workspace/didChangeConfiguration', (params) => lifecycle.settingsChanged(params.settings)));
  connection.onDidChangeWatchedFiles(guardNotification(session, 'workspace/didChangeWatchedFiles', (params) => watchedFilesChanged(session, params)));
  session.documents.onDidOpen(guardNotification(session, 'textDocument/didOpen', (event) => documentOpened(session, event)));
  session.documents.onDidChangeContent(guardNotification(session, 'textDocument/didChange', (event) => documentChanged(session, event)));
  session.documents.onDidClose(guardNotification(session, 'textDocument/didClose', (event) => documentClosed(session, event)));
  session.documents.onDidSave(guardNotification(session, 'textDocument/didSave', (event) => documentSaved(session, event)));

  session.documents.listen(connection);
  connection.listen();
  return session;
}

/** Initialisation, background indexing, and reactions to host changes, settings and trust. */
class Lifecycle {
  private progress: WorkDoneProgressServerReporter | undefined;
  /** The missing tokens last told to the client, so it is told again only when they change. */
  private lastMissingTokens = '[]';
  private publishScheduled: { firstFiles: Set<string>; publishAll: boolean; refreshViews: boolean } | undefined;
  /** Set once the first index is done. */
  private indexed = false;

  constructor(
    private readonly session: Session,
    private readonly publisher: DiagnosticsPublisher,
  ) {}

  initialize(params: InitializeParams): InitializeResult {
    const { session } = this;
    const capabilities = params.capabilities;
    session.abilities = {
      configurationPull: capabilities.workspace?.configuration === true,
      workDoneProgress: capabilities.window?.workDoneProgress === true,
      inlayHintRefresh: capabilities.workspace?.inlayHint?.refreshSupport === true,
      codeLensRefresh: capabilities.workspace?.codeLens?.refreshSupport === true,
      snippetEdits: capabilities.workspace?.workspaceEdit?.snippetEditSupport === true,
      dynamicFileWatchers: capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      markdownHover: capabilities.textDocument?.hover?.contentFormat?.includes('markdown') ?? true,
    };
    session.settings = new SettingsCache(session.connection, { pullSupported: session.abilities.configurationPull, log: (message) => session.log(message) });
    const rootUri = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    const root = rootUri ? Uri.toPath(rootUri) : (params.rootPath ?? undefined);
    session.rootUri = rootUri ?? undefined;
    if (root) {
      const host = new FlaglensHost({
        root,
        fs: session.options.fs ?? nodeFileSystem,
        git: session.options.git ?? nodeGitHost,
        clock: session.options.clock ?? systemClock,
        timers: session.options.timers ?? systemTimers,
        http: session.http,
        writer: session.options.writer ?? nodeFileWriter,
        log: (message) => session.log(message),
      });
      // Clients other than VS Code (Neovim…) cannot send flaglens/setSecrets: they may declare trust here.
      const trusted = (params.initializationOptions as FlaglensInitializationOptions | undefined)?.trusted;
      if (trusted === true) host.setTrust({ tokens: [], trusted: true });
      host.onDidChange((change) =>
        this.scheduleRefresh({
          firstFiles: change.files ?? [],
          publishAll: !change.files,
          refreshViews: Boolean(change.state || change.config || change.indexed),
        }),
      );
      session.host = host;
      // The state file is read and the parser warmed up while the client finishes its handshake, so the
      // first hover on an opened document has the state and does not pay for compiling the analysis code.
      void host.reloadState();
      host.warmUp();
    } else {
      session.log('no workspace folder: Flaglens features are off');
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        completionProvider: { triggerCharacters: ["'", '"', '`'], resolveProvider: false },
        definitionProvider: true,
        referencesProvider: true,
        workspaceSymbolProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix', ''] },
      },
      serverInfo: { name: 'flaglens-language-server', version: FLAGLENS_VERSION },
    };
  }

  async initialized(): Promise<void> {
    const { session } = this;
    const host = session.host;
    if (!host) return;
    if (session.abilities.dynamicFileWatchers) {
      void session.connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_GLOBS.map((globPattern) => ({ globPattern })) })
        .catch((error: unknown) => session.log(`registering file watchers failed: ${String(error)}`));
    }
    await this.applyWorkspaceSettings();
    // The editor's first requests for its open documents (hover, inlay hints) are answered before the
    // index takes the CPU: the index starts once requests pause, or after a short cap.
    await waitForQuiet(session, { quietMs: INDEX_QUIET_MS, capMs: INDEX_START_CAP_MS });
    if (session.shutDown) return;
    // A workspace without flags (no flaglens.yaml, no flag definitions) shows nothing, not even progress.
    // The local state is read by now; a remote source that is slow to answer does not hold up the index.
    await Promise.race([host.whenStateLoaded(), new Promise((resolve) => setTimeout(resolve, STATE_WAIT_CAP_MS))]);
    const hasFlags = host.config.file !== undefined || host.flags().length > 0;
    if (session.abilities.workDoneProgress && hasFlags) {
      try {
        this.progress = await session.connection.window.createWorkDoneProgress();
        this.progress.begin('Flaglens: indexing flags', 0, undefined, false);
      } catch (error) {
        session.log(`progress unavailable: ${String(error)}`);
      }
    }
    if (session.shutDown) return;
    let lastReported = -1;
    const indexing = host.startIndex((done, total) => {
      const percentage = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (percentage === lastReported) return;
      lastReported = percentage;
      this.progress?.report(percentage, `${done}/${total} files`);
    });
    await indexing;
    if (session.shutDown) return;
    this.progress?.done();
    this.progress = undefined;
    this.indexed = true;
    this.offerConfig();
  }

  /** A workspace without flaglens.yaml is offered one (once, when trusted): after the index, or when trust comes later. */
  private offerConfig(): void {
    void offerConfigProposal(this.session).catch((error: unknown) => this.session.log(`the flaglens.yaml proposal failed: ${String(error)}`));
  }

  setSecrets(params: SetSecretsNotification.Params): void {
    const raw: unknown[] = params && Array.isArray(params.tokens) ? params.tokens : [];
    // Only well-formed entries: a token without a valid http(s) origin could never be matched safely.
    const tokens = raw.flatMap((entry) => {
      const token = entry as { variable?: unknown; origin?: unknown; value?: unknown } | null;
      if (!token || typeof token.variable !== 'string' || typeof token.origin !== 'string' || typeof token.value !== 'string' || !token.value) return [];
      const origin = httpOrigin(token.origin);
      return origin ? [{ variable: token.variable, origin, value: token.value }] : [];
    });
    this.session.host?.setTrust({ tokens, trusted: params?.trusted === true });
    if (this.indexed && params?.trusted === true) this.offerConfig();
  }

  async settingsChanged(pushed: unknown): Promise<void> {
    this.session.settings.clear(pushed);
    await this.applyWorkspaceSettings();
    this.scheduleRefresh({ firstFiles: [], publishAll: true, refreshViews: true });
  }

  /** Workspace-wide settings (the stale-days override feeds the rules) come from the root scope. */
  private async applyWorkspaceSettings(): Promise<void> {
    const { session } = this;
    if (!session.host) return;
    const settings = await session.settings.get(session.rootUri ?? '');
    session.host.setStaleDaysOverride(settings.staleDays);
  }

  /** Coalesces change events within one turn of the event loop into one publish. */
  private scheduleRefresh(request: { firstFiles: string[]; publishAll: boolean; refreshViews: boolean }): void {
    if (this.publishScheduled) {
      for (const file of request.firstFiles) this.publishScheduled.firstFiles.add(file);
      this.publishScheduled.publishAll ||= request.publishAll;
      this.publishScheduled.refreshViews ||= request.refreshViews;
      return;
    }
    this.publishScheduled = { firstFiles: new Set(request.firstFiles), publishAll: request.publishAll, refreshViews: request.refreshViews };
    setImmediate(() => {
      const scheduled = this.publishScheduled!;
      this.publishScheduled = undefined;
      this.refreshNow(scheduled);
    });
  }

  private refreshNow(scheduled: { firstFiles: Set<string>; publishAll: boolean; refreshViews: boolean }): void {
    const { session } = this;
    if (session.shutDown) return;
    try {
      // An edit publishes the edited (and dependent) files only; the full pass after it publishes the rest.
      this.publisher.publish({ files: [...scheduled.firstFiles], all: scheduled.publishAll });
    } catch (error) {
      session.log(`publishing diagnostics failed: ${String(error)}`);
    }
    // Typing in a document re-requests its own inlay hints; other views refresh on state/config changes.
    if (!scheduled.refreshViews) return;
    if (session.abilities.inlayHintRefresh) void session.connection.languages.inlayHint.refresh().catch(() => undefined);
    if (session.abilities.codeLensRefresh) void session.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    try {
      session.connection.sendNotification(FlagsChangedNotification.method, { attention: attentionCounts(session) }).catch(() => undefined);
    } catch (error) {
      session.log(`flagsChanged failed: ${String(error)}`);
    }
    this.sendMissingTokens();
  }

  /** Tells the client which tokens flaglens.yaml needs that have none stored for their origin (it offers Set Token). */
  private sendMissingTokens(): void {
    const { session } = this;
    const missing = session.host?.missingTokens() ?? [];
    const serialized = JSON.stringify(missing);
    if (serialized === this.lastMissingTokens) return;
    this.lastMissingTokens = serialized;
    const params: TokenRequiredNotification.Params = { missing };
    session.connection.sendNotification(TokenRequiredNotification.method, params).catch(() => undefined);
  }
}

