// The Flaglens VS Code extension: starts the language server (dist/server.js, bundled next to this file)
// over node IPC, answers its `workspace/configuration` pulls with the `flaglens.*` settings, and adds the
// commands, the Flags tree view and the status-bar item. All analysis happens in the server; this file
// only wires VS Code to it.
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ClientCommands, FlagsChangedNotification, SetSecretsNotification, ShowConfigProposalNotification, TokenRequiredNotification } from '../../protocol/src/index.js';
import { showConfigProposal } from './configProposal.js';
import { registerCommands } from './commands.js';
import { FlagsModel } from './flagsModel.js';
import { FLAGS_VIEW_ID, FlagsTreeProvider } from './flagsTree.js';
import { SETTINGS_SECTION, readFlaglensSettings } from './settings.js';
import { createStatusBarItem } from './statusBar.js';
import { offerMissingTokens, TokenStore } from './secrets.js';
import { createTraceChannel } from './traceChannel.js';

/** Source languages whose flag checks the server analyses. */
export const SOURCE_LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'];
/** Config and state files the server reads (they are synchronised as documents; the server registers its own file watchers). */
export const CONFIG_GLOB = '**/flaglens.yaml';
export const FLAGD_GLOB = '**/*.flagd.{json,yaml,yml}';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Flaglens', { log: true });
  const traceOutput = createTraceChannel(SETTINGS_SECTION);
  context.subscriptions.push(output, traceOutput);

  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      ...SOURCE_LANGUAGES.map((language) => ({ scheme: 'file', language })),
      { scheme: 'file', pattern: CONFIG_GLOB },
      { scheme: 'file', pattern: FLAGD_GLOB },
    ],
    synchronize: {
      // Sends workspace/didChangeConfiguration when `flaglens.*` changes, so the server clears its settings cache.
      // No file watchers here: the server registers the ones it needs (dynamically, once for every folder).
      configurationSection: SETTINGS_SECTION,
    },
    outputChannel: output,
    traceOutputChannel: traceOutput,
    // Hovers link to "Show all references (Flags view)": command links run only for our own read-only
    // commands, never for arbitrary ones (a hover's Markdown comes from workspace content).
    markdown: { isTrusted: { enabledCommands: [ClientCommands.showFlags, ClientCommands.openDefinition] } },
    middleware: {
      workspace: {
        // The server pulls settings per scope (STYLE.md): answer section `flaglens` with complete
        // FlaglensSettings (defaults filled in) and leave any other section to the default handling.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) return answers;
          return params.items.map((item, index) =>
            item.section === SETTINGS_SECTION ? readFlaglensSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : answers[index],
          );
        },
      },
    },
  };
  client = new LanguageClient('flaglens', 'Flaglens', serverOptions, clientOptions);

  const tokens = new TokenStore(context);
  const model = new FlagsModel(client, output);
  const sendSecrets = async () => {
    if (!client?.isRunning()) return;
    // Never log the params: they hold the tokens.
    await client.sendNotification(SetSecretsNotification.method, await tokens.secretsParams());
  };

  const tree = vscode.window.createTreeView(FLAGS_VIEW_ID, { treeDataProvider: new FlagsTreeProvider(model), showCollapseAll: true });
  context.subscriptions.push(
    model,
    tree,
    createStatusBarItem(model),
    ...registerCommands({ client, model, tokens, output, sendSecrets }),
    tokens.onDidChange(() => void sendSecrets()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void sendSecrets()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The client library tells the server (configurationSection above); the tree is re-read because
      // stale markers depend on staleDays.
      if (event.affectsConfiguration(SETTINGS_SECTION)) void model.reload();
    }),
  );
  model.onDidChange((snapshot) => {
    // The Flags view (and its activity-bar container) is shown only when there are flags (`when` in package.json).
    void vscode.commands.executeCommand('setContext', 'flaglens.hasFlags', snapshot.flags.length > 0);
    const { stale, unhealthy } = snapshot.attention;
    tree.badge = stale + unhealthy > 0 ? { value: stale + unhealthy, tooltip: `${stale} stale, ${unhealthy} unhealthy` } : undefined;
  });

  client.onNotification(FlagsChangedNotification.method, () => void model.reload());
  // flaglens.yaml names a server that has no token stored for it: nothing was sent; offer to set one (one click).
  const askedForTokens = new Set<string>();
  client.onNotification(TokenRequiredNotification.method, (params: TokenRequiredNotification.Params) => offerMissingTokens(tokens, params, askedForTokens, sendSecrets));
  // The server offered a flaglens.yaml for a workspace without one and the answer was "Show".
  client.onNotification(ShowConfigProposalNotification.method, (params: ShowConfigProposalNotification.Params) => void showConfigProposal(params));
  // Each (re)start of the server: a restarted server (after a crash) knows neither the tokens nor the trust
  // state, and its flag list is new.
  context.subscriptions.push(
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Running) void sendSecrets().then(() => model.reload());
    }),
  );
  try {
    await client.start();
  } catch (error) {
    output.appendLine(`Flaglens language server failed to start: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.stop();
}
