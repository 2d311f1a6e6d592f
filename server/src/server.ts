// The Flaglens language server: the lifecycle (initialize → one host per workspace folder → background index
// with cancellable progress) and one flat registration table mapping each LSP method to its handler in
// handlers/. Handlers are `params → convert → core feature → convert`; each is wrapped so its errors stay its own
// and a cancelled request is answered RequestCancelled.
import {
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import { FlaglensHost, type IndexRun } from '../../core/src/host.js';
import type { IndexOutcome } from '../../core/src/workspaceAnalysis.js';
import { systemClock, systemTimers } from '../../core/src/io.js';
import { nodeFileSystem, nodeFileWriter } from '../../core/src/nodeIo.js';
import { FLAGLENS_VERSION } from '../../core/src/version.js';
import { environmentTrust, httpOrigin } from '../../core/src/trust.js';
import { recoverInterruptedWrites } from '../../core/src/workspaceWrites.js';
import {
  AbortRolloutRequest,
  BumpRolloutRequest,
  FlagAtPositionRequest,
  FlagsChangedNotification,
  ListFlagsRequest,
  type FlaglensInitializationOptions,
  PreviewRolloutRequest,
  RefreshRequest,
  ServerCommands,
  SetSecretsNotification,
  TokenRequiredNotification,
} from '../../protocol/src/index.js';
import { Uri } from './convert.js';
import { codeActions, resolveCodeAction } from './handlers/codeActions.js';
import { offerConfigProposal } from './handlers/configProposal.js';
import { codeLens } from './handlers/codeLens.js';
import { completion } from './handlers/completion.js';
import { DiagnosticsPublisher } from './handlers/diagnostics.js';
import { documentChanged, documentClosed, documentOpened, documentSaved, watchedFilesChanged } from './handlers/documents.js';
import { executeCommand } from './handlers/commands.js';
import { attentionCounts, flagAtPosition, listFlags } from './handlers/flags.js';
import { hover } from './handlers/hover.js';
import { inlayHints } from './handlers/inlayHints.js';
import { definition, references, workspaceSymbols } from './handlers/navigation.js';
import { abort, bump, previewRollout, refresh } from './handlers/rollout.js';
import { guardNotification, guardRequest, Session, type FolderEntry, type ServerOptions } from './session.js';
import { SettingsCache } from './settings.js';
import { validateParams } from './params.js';

export type { ServerOptions } from './session.js';

/**
 * Files whose change on disk matters, registered once for every folder: sources, flaglens.yaml, flagd files, the
 * JSON and YAML that steer module resolution, and the ignore files (which change what the workspace holds).
 */
const WATCHED_GLOBS = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}', '**/*.{json,yaml,yml}', '**/.gitignore', '**/.git/info/exclude'];

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
  connection.onCodeActionResolve(guardRequest(session, 'codeAction/resolve', (params, token) => resolveCodeAction(session, params, token), validateParams.codeActionResolve));
  connection.onExecuteCommand(guardRequest(session, 'workspace/executeCommand', (params, token) => executeCommand(session, params, token), validateParams.executeCommand));
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
  connection.onNotification(
    'workspace/didChangeWorkspaceFolders',
    guardNotification(session, 'workspace/didChangeWorkspaceFolders', (params: { event: WorkspaceFoldersChangeEvent }) => lifecycle.foldersChanged(params.event)),
  );
  session.documents.onDidOpen(guardNotification(session, 'textDocument/didOpen', (event) => documentOpened(session, event)));
  session.documents.onDidChangeContent(guardNotification(session, 'textDocument/didChange', (event) => documentChanged(session, event)));
  session.documents.onDidClose(guardNotification(session, 'textDocument/didClose', (event) => documentClosed(session, event)));
  session.documents.onDidSave(guardNotification(session, 'textDocument/didSave', (event) => documentSaved(session, event)));

  session.documents.listen(connection);
  connection.listen();
  return session;
}

/** Initialisation, folders coming and going, background indexing with progress, and reactions to host changes, settings and trust. */
class Lifecycle {
  /** The missing tokens last told to the client, so it is told again only when they change. */
  private lastMissingTokens = '[]';
  private publishScheduled = new Map<FolderEntry, { firstFiles: Set<string>; publishAll: boolean; refreshViews: boolean }>();
  private viewsRefreshScheduled = false;
  /** Tokens and trust from the client (or the environment), applied to every folder, also those added later. */
  private trust: Parameters<FlaglensHost['setTrust']>[0] = { tokens: [], trusted: false };
  /** True once `initialized` started the first indexes: folders added later index at once. */
  private started = false;
  /** Folders whose first index is done (a folder without flaglens.yaml is offered one then, or when trust comes). */
  private indexedFolders = new WeakSet<FolderEntry>();

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
      codeActionResolveEdit: capabilities.textDocument?.codeAction?.resolveSupport?.properties?.includes('edit') === true,
      documentChanges: capabilities.workspace?.workspaceEdit?.documentChanges === true,
    };
    session.settings = new SettingsCache(session.connection, { pullSupported: session.abilities.configurationPull, log: (message) => session.log(message) });
    // Clients other than VS Code (Neovim…) cannot send flaglens/setSecrets: they may declare trust here, and the
    // tokens then come from the server's environment, trusted as the CLI trusts them (FLAGLENS_TRUST, the user config).
    const trusted = (params.initializationOptions as FlaglensInitializationOptions | undefined)?.trusted;
    if (trusted === true) {
      const environment = environmentTrust(session.options.env ?? process.env, session.options.fs ?? nodeFileSystem);
      for (const problem of environment.problems) session.log(problem);
      this.trust = { tokens: [], trusted: true, vault: environment.vault };
    }
    const folders = params.workspaceFolders?.length
      ? params.workspaceFolders
      : params.rootUri
        ? [{ uri: params.rootUri, name: 'workspace' }]
        : params.rootPath
          ? [{ uri: Uri.fromPath(params.rootPath), name: 'workspace' }]
          : [];
    for (const folder of folders) this.addFolder(folder.uri, folder.name);
    if (!session.folders.size) session.log('no workspace folder: Flaglens features are off');
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
        codeActionProvider: { codeActionKinds: ['quickfix', ''], resolveProvider: true },
        executeCommandProvider: { commands: Object.values(ServerCommands) },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'flaglens-language-server', version: FLAGLENS_VERSION },
    };
  }

  async initialized(): Promise<void> {
    const { session } = this;
    if (session.abilities.dynamicFileWatchers) {
      // One registration for every folder (and folders added later): the glob patterns are relative to each of them.
      void session.connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_GLOBS.map((globPattern) => ({ globPattern })) })
        .catch((error: unknown) => session.log(`registering file watchers failed: ${String(error)}`));
    }
    await Promise.all([...session.folders.values()].map((folder) => this.applyFolderSettings(folder)));
    // The editor's first requests for its open documents (hover, inlay hints) are answered before the
    // index takes the CPU: the index starts once requests pause, or after a short cap.
    await waitForQuiet(session, { quietMs: INDEX_QUIET_MS, capMs: INDEX_START_CAP_MS });
    if (session.shutDown) return;
    this.started = true;
    // Folders index one after the other (they share the analysis worker): the first is complete sooner.
    for (const folder of [...session.folders.values()]) {
      if (session.shutDown) return;
      if (session.folders.get(folder.uri) !== folder) continue;
      await this.startFolderIndex(folder);
    }
  }

  /** `workspace/didChangeWorkspaceFolders`: only the added folders start, only the removed ones stop. */
  async foldersChanged(event: WorkspaceFoldersChangeEvent): Promise<void> {
    const { session } = this;
    for (const removed of event.removed) {
      const folder = session.folders.get(removed.uri);
      if (!folder) continue;
      session.folders.delete(folder.uri);
      folder.host.dispose();
      this.publishScheduled.delete(folder);
      this.publisher.clearFolder(folder);
    }
    const added = event.added.map((folder) => this.addFolder(folder.uri, folder.name)).filter((folder): folder is FolderEntry => folder !== undefined);
    this.updateNestedFolders();
    this.refreshViews();
    for (const folder of added) {
      await this.applyFolderSettings(folder);
      if (this.started && !session.shutDown) await this.startFolderIndex(folder);
    }
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
    this.trust = { tokens, trusted: params?.trusted === true };
    for (const folder of this.session.folders.values()) {
      folder.host.setTrust(this.trust);
      if (this.trust.trusted && this.indexedFolders.has(folder)) this.offerConfig(folder);
    }
  }

  async settingsChanged(pushed: unknown): Promise<void> {
    this.session.settings.clear(pushed);
    for (const folder of this.session.folders.values()) {
      await this.applyFolderSettings(folder);
      this.scheduleRefresh(folder, { firstFiles: [], publishAll: true, refreshViews: true });
    }
  }

  private addFolder(uri: string, name: string): FolderEntry | undefined {
    const { session } = this;
    const root = Uri.toPath(uri);
    if (!root) {
      session.log(`workspace folder ${uri} is not on disk: Flaglens does not serve it`);
      return undefined;
    }
    if (session.folders.has(uri)) return session.folders.get(uri);
    const fs = session.options.fs ?? nodeFileSystem;
    const writer = session.options.writer ?? nodeFileWriter;
    // A multi-file write a crash interrupted (a cleanup, a bump) is completed or rolled back first, as the CLI does.
    try {
      const report = recoverInterruptedWrites({ root, fs, writer });
      if (report) {
        session.log(`${name}: ${report.message}`);
        // A write that had to be completed or rolled back changed files the person may have open: say so once.
        if (report.outcome === 'completed' || report.outcome === 'rolled-back' || report.outcome === 'refused') session.showWarning(`Flaglens: ${report.message}`);
      }
    } catch (error) {
      session.log(`${name}: recovering an interrupted write failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const host = new FlaglensHost({
      root,
      fs,
      git: session.git,
      clock: session.options.clock ?? systemClock,
      timers: session.options.timers ?? systemTimers,
      http: session.http,
      writer,
      analysis: session.analysis,
      documentsAnalysis: session.documentsAnalysis,
      flagdHistory: session.flagdHistory,
      flagdTexts: session.flagdTexts,
      log: (message) => session.log(session.folders.size > 1 ? `${name}: ${message}` : message),
    });
    const folder: FolderEntry = { uri, name, root, host };
    session.folders.set(uri, folder);
    host.setTrust(this.trust);
    host.onDidChange((change) =>
      this.scheduleRefresh(folder, {
        firstFiles: change.files ?? [],
        publishAll: !change.files,
        refreshViews: Boolean(change.state || change.config || change.indexed),
      }),
    );
    host.onDidStartIndex((run) => {
      void this.reportIndexProgress(folder, run);
      // One line per index in the output channel (the first, and each after a config or setting change).
      void run.done.then((end) => {
        if (end.status === 'done' && !session.shutDown) session.log(describeIndex(folder.name, end.outcome));
      });
    });
    // The state file is read while the client finishes its handshake, so the first hover on an opened
    // document has the state.
    void host.reloadState();
    this.updateNestedFolders();
    return folder;
  }

  /** A folder inside another belongs to itself: the outer one leaves it out of its walk. */
  private updateNestedFolders(): void {
    const folders = [...this.session.folders.values()];
    for (const outer of folders) {
      const nested = folders
        .filter((inner) => inner !== outer && inner.root.startsWith(`${outer.root}/`))
        .map((inner) => outer.host.toRelative(inner.root));
      outer.host.setNestedFolders(nested);
    }
  }

  private async startFolderIndex(folder: FolderEntry): Promise<void> {
    // A workspace without flags (no flaglens.yaml, no flag definitions) shows nothing, not even progress.
    // The local state is read by now; a remote source that is slow to answer does not hold up the index.
    await Promise.race([folder.host.whenStateLoaded(), new Promise((resolve) => setTimeout(resolve, STATE_WAIT_CAP_MS))]);
    if (this.session.shutDown || this.session.folders.get(folder.uri) !== folder) return;
    const end = await folder.host.startIndex();
    if (end.status !== 'done' || this.session.shutDown) return;
    this.indexedFolders.add(folder);
    this.offerConfig(folder);
  }

  /** A folder without flaglens.yaml is offered one (once, when trusted): after its first index, or when trust comes later. */
  private offerConfig(folder: FolderEntry): void {
    void offerConfigProposal(this.session, folder).catch((error: unknown) => this.session.log(`the flaglens.yaml proposal failed: ${String(error)}`));
  }

  /** Every index run of a folder gets its own cancellable progress; cancelling it stops that run. */
  private async reportIndexProgress(folder: FolderEntry, run: IndexRun): Promise<void> {
    const { session } = this;
    const hasFlags = folder.host.config.file !== undefined || folder.host.flags().length > 0;
    if (!session.abilities.workDoneProgress || !hasFlags) return;
    let progress;
    try {
      progress = await session.connection.window.createWorkDoneProgress();
    } catch (error) {
      session.log(`progress unavailable: ${String(error)}`);
      return;
    }
    const title = session.folders.size > 1 ? `Flaglens: indexing ${folder.name}` : 'Flaglens: indexing flags';
    progress.begin(title, 0, undefined, true);
    progress.token.onCancellationRequested(() => run.cancel());
    let lastReported = -1;
    run.onProgress((done, total) => {
      const percentage = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (percentage === lastReported) return;
      lastReported = percentage;
      progress.report(percentage, `${done}/${total} files`);
    });
    const end = await run.done;
    if (end.status === 'cancelled') session.log(`${folder.name}: indexing cancelled; open documents are still analysed (Refresh indexes again)`);
    if (!session.shutDown) progress.done();
  }

  /** Folder-wide settings (the stale-days override feeds the rules) come from the folder's scope. */
  private async applyFolderSettings(folder: FolderEntry): Promise<void> {
    const settings = await this.session.settings.get(folder.uri);
    folder.host.setStaleDaysOverride(settings.staleDays);
    folder.host.setScanCacheEnabled(settings.scanCache.enabled);
  }

  /** Coalesces change events within one turn of the event loop into one publish per folder. */
  private scheduleRefresh(folder: FolderEntry, request: { firstFiles: string[]; publishAll: boolean; refreshViews: boolean }): void {
    const scheduled = this.publishScheduled.get(folder);
    if (scheduled) {
      for (const file of request.firstFiles) scheduled.firstFiles.add(file);
      scheduled.publishAll ||= request.publishAll;
      scheduled.refreshViews ||= request.refreshViews;
      return;
    }
    this.publishScheduled.set(folder, { firstFiles: new Set(request.firstFiles), publishAll: request.publishAll, refreshViews: request.refreshViews });
    setImmediate(() => {
      const due = this.publishScheduled.get(folder);
      if (!due) return;
      this.publishScheduled.delete(folder);
      this.refreshNow(folder, due);
    });
  }

  private refreshNow(folder: FolderEntry, scheduled: { firstFiles: Set<string>; publishAll: boolean; refreshViews: boolean }): void {
    const { session } = this;
    if (session.shutDown || session.folders.get(folder.uri) !== folder) return;
    try {
      // An edit publishes the edited (and dependent) files only; the full pass after it publishes the rest.
      this.publisher.publish(folder, { files: [...scheduled.firstFiles], all: scheduled.publishAll });
    } catch (error) {
      session.log(`publishing diagnostics failed: ${String(error)}`);
    }
    // Typing in a document re-requests its own inlay hints, except when they were answered before the analysis of
    // the newest text arrived: those are asked again now. Other views refresh on state/config changes.
    let answeredEarly = false;
    for (const file of scheduled.firstFiles) answeredEarly = session.answeredBeforeAnalysis.delete(Uri.fromPath(folder.host.toAbsolute(file))) || answeredEarly;
    if (scheduled.refreshViews) this.refreshViews();
    else if (answeredEarly && session.abilities.inlayHintRefresh) void session.connection.languages.inlayHint.refresh().catch(() => undefined);
  }

  /** Inlay hints, code lenses, the Flags view and the status bar, once per turn however many folders changed. */
  private refreshViews(): void {
    if (this.viewsRefreshScheduled) return;
    this.viewsRefreshScheduled = true;
    setImmediate(() => {
      this.viewsRefreshScheduled = false;
      const { session } = this;
      if (session.shutDown) return;
      if (session.abilities.inlayHintRefresh) void session.connection.languages.inlayHint.refresh().catch(() => undefined);
      if (session.abilities.codeLensRefresh) void session.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
      try {
        session.connection.sendNotification(FlagsChangedNotification.method, { attention: attentionCounts(session) }).catch(() => undefined);
      } catch (error) {
        session.log(`flagsChanged failed: ${String(error)}`);
      }
      this.sendMissingTokens();
    });
  }

  /** Tells the client which tokens the folders' flaglens.yaml need that have none stored for their origin (it offers Set Token). */
  private sendMissingTokens(): void {
    const { session } = this;
    const seen = new Set<string>();
    const missing = session.hosts().flatMap((host) => host.missingTokens()).filter((token) => {
      const identity = `${token.variable}@${token.origin}`;
      if (seen.has(identity)) return false;
      seen.add(identity);
      return true;
    });
    const serialized = JSON.stringify(missing);
    if (serialized === this.lastMissingTokens) return;
    this.lastMissingTokens = serialized;
    const params: TokenRequiredNotification.Params = { missing };
    session.connection.sendNotification(TokenRequiredNotification.method, params).catch(() => undefined);
  }
}

/** One line for the output channel when a folder's index ends: what it read, what it parsed, what the cache saved. */
export function describeIndex(folder: string, outcome: IndexOutcome): string {
  const cache = outcome.cache;
  const cacheText = cache
    ? `; scan cache: ${cache.hits} files from it, ${cache.misses} read afresh${cache.ignored ? ` (the cache on disk was not used: ${cache.ignored})` : ''}${cache.notWritten ? ` (not written: ${cache.notWritten})` : ''}`
    : '';
  return `${folder}: indexed ${outcome.files} files (${outcome.parsedFiles} parsed) in ${Math.round(outcome.durationMs)} ms${cacheText}`;
}
