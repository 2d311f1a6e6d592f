// The language server over a real JSON-RPC stream pair (in memory), on a temp copy of examples/shop:
// capabilities, progress, each handler, the custom requests, the settings flow, and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  CodeAction,
  CodeLens,
  CompletionItem,
  CompletionList,
  Hover,
  InlayHint,
  Location,
  SymbolInformation,
} from 'vscode-languageserver-protocol';
import { FULL_CAPABILITIES, positionOf, TestClient } from './testClient.js';
import { runFlaglens } from '../cli/cliHarness.js';
import { AnalysisWorkerPool } from '../../server/src/workers/workerAnalysis.js';
import type { AnalysisFactory } from '../../core/src/workspaceAnalysis.js';

const CHECKOUT = 'src/server/checkout.ts';
const SEARCH = 'src/server/search.ts';
const STATE_FILE = 'flags.flagd.yaml';

async function withClient(run: (client: TestClient) => Promise<void>, options: Parameters<typeof TestClient.start>[0] = {}): Promise<void> {
  const client = await TestClient.start(options);
  try {
    await run(client);
  } finally {
    await client.stop();
  }
}

function hoverText(hover: Hover | null): string {
  assert.ok(hover, 'expected a hover');
  const contents = hover.contents as { kind: string; value: string };
  assert.equal(contents.kind, 'markdown');
  return contents.value;
}

test('capabilities: the features the server implements are announced', async () => {
  await withClient(async (client) => {
    const capabilities = client.initializeResult.capabilities;
    assert.equal(capabilities.hoverProvider, true);
    assert.equal(capabilities.inlayHintProvider, true);
    assert.equal(capabilities.definitionProvider, true);
    assert.equal(capabilities.referencesProvider, true);
    assert.equal(capabilities.workspaceSymbolProvider, true);
    assert.deepEqual(capabilities.completionProvider?.triggerCharacters, ["'", '"', '`']);
    assert.ok(capabilities.codeLensProvider);
    assert.ok(capabilities.codeActionProvider);
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2, save: { includeText: false } });
    assert.equal(client.initializeResult.serverInfo?.name, 'flaglens-language-server');
  });
});

test('the initial index reports window/workDoneProgress and registers file watchers', async () => {
  await withClient(async (client) => {
    await client.waitForIndex();
    assert.ok(client.serverRequests.some((request) => request.method === 'window/workDoneProgress/create'));
    const kinds = client.notifications
      .filter((n) => n.method === '$/progress')
      .map((n) => (n.params as { value: { kind: string } }).value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
    const registration = client.serverRequests.find((request) => request.method === 'client/registerCapability');
    assert.match(JSON.stringify(registration?.params), /workspace\/didChangeWatchedFiles/);
  });
});

test('hover on a check shows key, stage, percentage on the ladder, owner and reference count', async () => {
  await withClient(async (client) => {
    const { uri, text } = await client.open(SEARCH);
    await client.waitForIndex();
    await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'state loaded');
    const hover = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri },
      position: positionOf(text, 'FLAGS.FAST_SEARCH', 8),
    });
    const markdown = hoverText(hover);
    assert.match(markdown, /`fast-search`/);
    assert.match(markdown, /rolling 10%/);
    assert.match(markdown, /1 → \*\*10\*\* → 50 → 100/);
    assert.match(markdown, /owner: team-search/);
    assert.match(markdown, /1 reference in the workspace/);
    assert.match(markdown, /\[Open definition\]\(file:.*flags\.flagd\.yaml#L\d+/);
    assert.match(markdown, /\[Show all references \(Flags view\)\]\(command:flaglens\.showFlags\?%5B%22fast-search%22%5D\)/);
    assert.equal(hover?.range?.start.line, positionOf(text, 'FLAGS.FAST_SEARCH').line);
  });
});

test('hover through a destructured camelCase hook, a wrapper with an enum key, and a custom JSX check', async () => {
  await withClient(async (client) => {
    const { uri, text } = await client.open('src/web/App.tsx', 'typescriptreact');
    await client.waitForIndex();
    await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'state loaded');
    const at = async (needle: string, delta: number) =>
      hoverText(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, needle, delta) }));
    assert.match(await at('{ betaDashboard }', 4), /`beta-dashboard` — \*\*targeted/);
    assert.match(await at('UiFlag.DarkMode', 9), /`dark-mode` — \*\*off/);
    assert.match(await at('flag="recommendations-v2"', 8), /`recommendations-v2` — \*\*canary 1%\*\*/);
  });
});

test('an opened document is analysed and hovered before the workspace index starts', async () => {
  // The real workers; the index is held until the hover has been answered (a small workspace's index could
  // otherwise end first on a busy machine, and the test would prove nothing).
  const pool = new AnalysisWorkerPool(() => undefined);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const analysis: AnalysisFactory = (target) => {
    const real = pool.factory(target);
    return { index: async (request) => (await held, real.index(request)), update: (change) => real.update(change), dispose: () => real.dispose() };
  };
  try {
    await withClient(
      async (client) => {
        const { uri, text } = await client.open(SEARCH);
        const hover = await client.poll(
          () => client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'FLAGS.FAST_SEARCH', 8) }),
          20_000,
          'a hover with the flag',
        );
        assert.equal(client.session.folders.get(client.uri(''))!.host.isIndexed, false, 'the index had not ended yet');
        assert.match(hoverText(hover), /`fast-search` — \*\*rolling 10%\*\*/);
        assert.match(hoverText(hover), /1 reference in open files \(the workspace is still being indexed\)/);
        release();
        await client.waitForIndex();
      },
      { server: { analysis, documentsAnalysis: pool.documentsFactory } },
    );
  } finally {
    release();
    pool.dispose();
  }
});

test('hover in the state file on a flag definition', async () => {
  await withClient(async (client) => {
    await client.waitForIndex();
    const { uri, text } = await client.open(STATE_FILE, 'yaml');
    const result = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, '  fast-search:', 4) });
    assert.match(hoverText(result), /rolling 10%/);
  });
});

test('diagnostics: FL001 on the stale new-checkout check, with a docs link; published again after a keystroke', async () => {
  await withClient(async (client) => {
    const { uri, text } = await client.open(CHECKOUT);
    const line = positionOf(text, 'FLAGS.NEW_CHECKOUT').line;
    const fl001 = await client.waitFor(
      () => client.diagnostics.get(uri)?.find((d) => d.code === 'FL001' && d.range.start.line === line),
      20_000,
      'FL001 in checkout.ts',
    );
    assert.equal(fl001.source, 'flaglens');
    assert.match(fl001.codeDescription?.href ?? '', /docs\/rules\.md#fl001-stale-flag$/);
    // Remove the check: the diagnostic goes away.
    await client.change(uri, text.replace(/.*FLAGS\.NEW_CHECKOUT.*\n/, ''));
    await client.waitFor(
      () => client.diagnostics.get(uri) && !client.diagnostics.get(uri)!.some((d) => d.code === 'FL001' && String(d.message).includes('new-checkout')),
      10_000,
      'FL001 to disappear',
    );
  });
});

test('inlay hints after each check: stage, percentage and staleness', async () => {
  await withClient(async (client) => {
    const { uri, text } = await client.open(CHECKOUT);
    await client.waitForIndex();
    await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'state loaded');
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: positionOf(text, '}', text.length - text.indexOf('}')) },
    });
    const labels = hints.map((hint) => String(hint.label));
    assert.ok(labels.some((label) => /^released 100% · stale \d+d$/.test(label)), labels.join(' | '));
    assert.ok(labels.includes('rolling 25%'), labels.join(' | '));
    const newCheckoutLine = positionOf(text, 'FLAGS.NEW_CHECKOUT').line;
    assert.ok(hints.some((hint) => hint.position.line === newCheckoutLine && /released 100%/.test(String(hint.label))));
  });
});

test('completion offers known keys with the stage inside a check key argument', async () => {
  await withClient(async (client) => {
    const { uri, text } = await client.open(SEARCH);
    await client.waitForIndex();
    await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'state loaded');
    const edited = text.replace('FLAGS.FAST_SEARCH, false', "'fa', false");
    await client.change(uri, edited);
    const result = await client.request<CompletionItem[] | CompletionList | null>('textDocument/completion', {
      textDocument: { uri },
      position: positionOf(edited, "'fa'", 3),
    });
    const items = Array.isArray(result) ? result : (result?.items ?? []);
    const fastSearch = items.find((item) => item.label === 'fast-search');
    assert.ok(fastSearch, `items: ${items.map((item) => item.label).join(', ')}`);
    assert.match(fastSearch.detail ?? '', /rolling 10%/);
    assert.ok(items.some((item) => item.label === 'new-checkout'));
    // Outside a key argument: nothing.
    const outside = await client.request<CompletionItem[] | null>('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 3 } });
    assert.equal(outside, null);
  });
});

test('definition jumps from a check to the flag in the state file; references from the definition find the checks', async () => {
  await withClient(async (client) => {
    const { uri, text } = await client.open(CHECKOUT);
    await client.waitForIndex();
    await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'state loaded');
    const definition = await client.request<Location | null>('textDocument/definition', {
      textDocument: { uri },
      position: positionOf(text, 'FLAGS.NEW_CHECKOUT', 6),
    });
    assert.ok(definition);
    assert.equal(definition.uri, client.uri(STATE_FILE));
    const stateText = readFileSync(client.path(STATE_FILE), 'utf8');
    assert.equal(definition.range.start.line, positionOf(stateText, '  new-checkout:').line);

    const state = await client.open(STATE_FILE, 'yaml');
    const references = await client.request<Location[] | null>('textDocument/references', {
      textDocument: { uri: state.uri },
      position: positionOf(stateText, '  new-checkout:', 4),
      context: { includeDeclaration: true },
    });
    assert.ok(references);
    assert.equal(references[0].uri, client.uri(STATE_FILE));
    assert.ok(references.some((location) => location.uri === uri && location.range.start.line === positionOf(text, 'FLAGS.NEW_CHECKOUT').line));
  });
});

test('workspace symbols list flags at their definitions', async () => {
  await withClient(async (client) => {
    await client.waitForIndex();
    await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'state loaded');
    const symbols = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'fastsrch' });
    assert.deepEqual(symbols.map((symbol) => symbol.name), ['fast-search']);
    assert.equal(symbols[0].location.uri, client.uri(STATE_FILE));
    assert.match(symbols[0].containerName ?? '', /rolling 10%/);
  });
});

test('code actions: suppress with reason inserts the ignore comment; bump and abort are commands', async () => {
  await withClient(async (client) => {
    const { uri, text } = await client.open(CHECKOUT);
    const line = positionOf(text, 'FLAGS.NEW_CHECKOUT').line;
    const diagnostic = await client.waitFor(() => client.diagnostics.get(uri)?.find((d) => d.code === 'FL001'), 20_000, 'FL001');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line, character: positionOf(text, 'FLAGS.NEW_CHECKOUT').character }, end: { line, character: positionOf(text, 'FLAGS.NEW_CHECKOUT').character } },
      context: { diagnostics: [diagnostic] },
    });
    const suppress = actions.find((action) => action.title === 'Suppress FL001 with a reason');
    assert.ok(suppress, actions.map((action) => action.title).join(' | '));
    assert.equal(suppress.kind, 'quickfix');
    assert.deepEqual(suppress.diagnostics, [diagnostic]);
    const edits = suppress.edit?.changes?.[uri];
    assert.deepEqual(edits, [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: '  // flaglens-ignore FL001 reason\n' }]);
    const bump = actions.find((action) => action.command?.command === 'flaglens.bump');
    assert.deepEqual(bump?.command?.arguments, ['new-checkout', client.uri('')]);
    assert.ok(actions.some((action) => action.command?.command === 'flaglens.abort'));
  });
});

test('code actions: "Remove flag" quick fixes are listed without an edit; resolving one plans and type-checks it: the check (here), the definition too (everywhere)', async () => {
  await withClient(async (client) => {
    const { uri, text } = await client.open(CHECKOUT);
    await client.waitForIndex();
    const at = positionOf(text, 'FLAGS.NEW_CHECKOUT');
    const diagnostic = await client.waitFor(() => client.diagnostics.get(uri)?.find((d) => d.code === 'FL001' && d.range.start.line === at.line), 20_000, 'FL001');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: at, end: at },
      context: { diagnostics: [diagnostic] },
    });
    const here = actions.find((action) => action.title === 'Remove flag `new-checkout` here (keep enabled branch)');
    assert.ok(here, actions.map((action) => action.title).join(' | '));
    assert.equal(here.kind, 'quickfix');
    assert.deepEqual(here.diagnostics, [diagnostic]);
    assert.equal(here.edit, undefined, 'the list carries no edit: nothing is planned until the fix is picked');
    assert.ok(here.data);
    const resolvedHere = await client.request<CodeAction>('codeAction/resolve', here);
    const rewritten = applyEdits(text, resolvedHere.edit?.changes?.[uri] ?? []);
    assert.doesNotMatch(rewritten, /NEW_CHECKOUT/);
    assert.match(rewritten, /flow: 'one-page'/);
    assert.doesNotMatch(rewritten, /newCheckout \? 'one-page' : 'multi-step'/);
    const everywhere = actions.find((action) => action.title === 'Remove flag `new-checkout` everywhere (keep enabled branch)');
    assert.ok(everywhere, actions.map((action) => action.title).join(' | '));
    const resolvedEverywhere = await client.request<CodeAction>('codeAction/resolve', everywhere);
    const files = Object.keys(resolvedEverywhere.edit?.changes ?? {});
    assert.ok(files.some((file) => file.endsWith('/flags.flagd.yaml')), files.join(', '));
  });
});

test('code actions without codeAction/resolve (Neovim 0.7): "Remove flag" is a server command that type-checks and applies the edit with workspace/applyEdit', async () => {
  const capabilities = { ...FULL_CAPABILITIES, textDocument: { ...FULL_CAPABILITIES.textDocument, codeAction: {} } };
  await withClient(
    async (client) => {
      const { uri, text } = await client.open(CHECKOUT);
      await client.waitForIndex();
      const at = positionOf(text, 'FLAGS.NEW_CHECKOUT');
      const diagnostic = await client.waitFor(() => client.diagnostics.get(uri)?.find((d) => d.code === 'FL001' && d.range.start.line === at.line), 20_000, 'FL001');
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [diagnostic] } });
      const here = actions.find((action) => action.title === 'Remove flag `new-checkout` here (keep enabled branch)');
      assert.ok(here?.command, actions.map((action) => action.title).join(' | '));
      assert.equal(here.command.command, 'flaglens.removeFlag');
      assert.ok(client.initializeResult.capabilities.executeCommandProvider?.commands.includes('flaglens.removeFlag'));
      const result = await client.request('workspace/executeCommand', { command: here.command.command, arguments: here.command.arguments });
      assert.deepEqual(result, { applied: true });
      const applied = client.serverRequests.find((request) => request.method === 'workspace/applyEdit');
      const edit = (applied?.params as { edit: { changes: Record<string, Parameters<typeof applyEdits>[1]> } } | undefined)?.edit;
      assert.ok(edit, 'the server asked the client to apply the edit');
      assert.doesNotMatch(applyEdits(text, edit.changes[uri] ?? []), /NEW_CHECKOUT/);
    },
    { capabilities },
  );
});

/** Applies LSP text edits (non-overlapping) to a text. */
function applyEdits(text: string, edits: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((sum, line) => sum + line.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((current, edit) => current.slice(0, offset(edit.range.start)) + edit.newText + current.slice(offset(edit.range.end)), text);
}

test('code lens per flag in the state file: references and stage', async () => {
  await withClient(async (client) => {
    await client.waitForIndex();
    await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'state loaded');
    const { uri, text } = await client.open(STATE_FILE, 'yaml');
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const fastSearch = lenses.find((lens) => lens.range.start.line === positionOf(text, '  fast-search:').line);
    assert.equal(fastSearch?.command?.title, '1 reference · rolling 10%');
    assert.deepEqual(fastSearch?.command?.arguments, ['fast-search']);
    const giftWrapping = lenses.find((lens) => lens.command?.arguments?.[0] === 'gift-wrapping');
    assert.match(giftWrapping?.command?.title ?? '', /^0 references · /);
  });
});

test('custom requests: listFlags, flagAtPosition, previewRollout; bump refused until trusted, then writes the state file', async () => {
  await withClient(async (client) => {
    const { uri, text } = await client.open(SEARCH);
    await client.waitForIndex();
    await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'state loaded');
    type Place = { uri: string; line: number; character: number };
    const list = await client.request<{
      flags: Array<{ key: string; stage: string; percentage: number | null; references: Place[]; definition?: Place; stale: boolean }>;
      attention: { stale: number };
    }>('flaglens/listFlags', {});
    const fastSearch = list.flags.find((flag) => flag.key === 'fast-search');
    assert.equal(fastSearch?.percentage, 10);
    assert.equal(fastSearch?.references.length, 1);
    // Places are file URIs with LSP (0-based) positions: the check's key expression and the definition's key.
    const keyAt = positionOf(text, 'FLAGS.FAST_SEARCH');
    assert.deepEqual(fastSearch?.references[0], { uri, line: keyAt.line, character: keyAt.character });
    const stateText = readFileSync(client.path(STATE_FILE), 'utf8');
    assert.equal(fastSearch?.definition?.uri, client.uri(STATE_FILE));
    assert.equal(fastSearch?.definition?.line, positionOf(stateText, '  fast-search:').line);
    assert.equal(list.flags.find((flag) => flag.key === 'new-checkout')?.stale, true);
    assert.ok(list.attention.stale >= 2);

    const at = await client.request('flaglens/flagAtPosition', { textDocument: { uri }, position: positionOf(text, 'FLAGS.FAST_SEARCH', 3) });
    assert.deepEqual(at, { key: 'fast-search', folder: client.uri('') });
    const preview = await client.request<{ from: string; to: string; refused?: string }>('flaglens/previewRollout', { key: 'fast-search', action: 'bump' });
    assert.equal(preview.from, 'rolling 10%');
    assert.equal(preview.to, 'rolling 50%');
    assert.match(preview.refused ?? '', /not trusted/);

    const refused = await client.request<{ ok: boolean; reason?: string }>('flaglens/bump', { key: 'fast-search' });
    assert.deepEqual({ ok: refused.ok, reason: refused.reason }, { ok: false, reason: 'untrusted' });
    const fastSearchSection = () => /fast-search:[\s\S]*?metadata:/.exec(readFileSync(client.path(STATE_FILE), 'utf8'))?.[0] ?? '';
    assert.match(fastSearchSection(), /\["on", 10\]/);

    await client.notify('flaglens/setSecrets', { tokens: [], trusted: true });
    const changesBefore = client.notifications.filter((n) => n.method === 'flaglens/flagsChanged').length;
    const bumped = await client.request<{ ok: boolean; summary?: string }>('flaglens/bump', { key: 'fast-search' });
    assert.equal(bumped.ok, true, JSON.stringify(bumped));
    assert.match(bumped.summary ?? '', /10% → .*50%/);
    assert.match(fastSearchSection(), /\["on", 50\]/);
    await client.waitFor(() => client.notifications.filter((n) => n.method === 'flaglens/flagsChanged').length > changesBefore, 5000, 'flagsChanged');
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'FLAGS.FAST_SEARCH', 3) });
    assert.match(hoverText(hover), /1 → 10 → \*\*50\*\* → 100/);

    const aborted = await client.request<{ ok: boolean }>('flaglens/abort', { key: 'fast-search', reason: 'error rate up' });
    assert.equal(aborted.ok, true, JSON.stringify(aborted));
    const missingReason = await client.request<{ ok: boolean; reason: string }>('flaglens/abort', { key: 'fast-search', reason: ' ' });
    assert.deepEqual([missingReason.ok, missingReason.reason], [false, 'invalid']);
    const refresh = await client.request<{ flags: number }>('flaglens/refresh', {});
    assert.ok(refresh.flags >= 10);
  });
});

test('initializationOptions.trusted lets clients without flaglens/setSecrets (Neovim) write', async () => {
  await withClient(
    async (client) => {
      await client.waitForIndex();
      await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'state loaded');
      const section = () => /recommendations-v2:[\s\S]*?metadata:/.exec(readFileSync(client.path(STATE_FILE), 'utf8'))?.[0] ?? '';
      assert.match(section(), /\["on", 1\]/);
      const bumped = await client.request<{ ok: boolean }>('flaglens/bump', { key: 'recommendations-v2' });
      assert.equal(bumped.ok, true, JSON.stringify(bumped));
      assert.match(section(), /\["on", 10\]/);
    },
    { initializationOptions: { trusted: true } },
  );
});

test('settings flow: pulled per document URI, cached, re-pulled after didChangeConfiguration', async () => {
  await withClient(
    async (client) => {
      const { uri, text } = await client.open(CHECKOUT);
      await client.waitForIndex();
      await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'state loaded');
      const range = { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } };
      const off = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range });
      assert.deepEqual(off, []);
      assert.ok(client.configurationRequests.some((item) => item.scopeUri === uri && item.section === 'flaglens'));
      const pullsForDocument = () => client.configurationRequests.filter((item) => item.scopeUri === uri).length;
      const pulls = pullsForDocument();
      await client.request('textDocument/inlayHint', { textDocument: { uri }, range });
      assert.equal(pullsForDocument(), pulls, 'settings are cached per URI');

      client.settings = { '*': { inlayHints: { enabled: true } } };
      const refreshesBefore = client.serverRequests.filter((request) => request.method === 'workspace/inlayHint/refresh').length;
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      await client.waitFor(
        () => client.serverRequests.filter((request) => request.method === 'workspace/inlayHint/refresh').length > refreshesBefore,
        5000,
        'inlay refresh after a settings change',
      );
      const on = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range });
      assert.ok(on.length > 0);
      assert.ok(pullsForDocument() > pulls, 'the cache was cleared');
    },
    { settings: { '*': { inlayHints: { enabled: false } } } },
  );
});

test('an exception in one handler answers that request with an error; the server keeps serving', async () => {
  let failHover = true;
  await withClient(
    async (client) => {
      const { uri, text } = await client.open(CHECKOUT);
      await client.waitForIndex();
      const position = positionOf(text, 'FLAGS.NEW_CHECKOUT', 6);
      await assert.rejects(client.request('textDocument/hover', { textDocument: { uri }, position }), /Flaglens textDocument\/hover failed: injected failure/);
      assert.ok(client.logMessages().some((message) => message.includes('textDocument/hover failed')));
      const definition = await client.request<Location | null>('textDocument/definition', { textDocument: { uri }, position });
      assert.ok(definition);
      failHover = false;
      assert.ok(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position }));
    },
    {
      server: {
        beforeRequest: (method) => {
          if (failHover && method === 'textDocument/hover') throw new Error('injected failure');
        },
      },
    },
  );
});

test('a malformed state file gives a diagnostic at its position in that file, not a dead server', async () => {
  await withClient(async (client) => {
    await client.waitForIndex();
    const stateUri = client.uri(STATE_FILE);
    writeFileSync(client.path(STATE_FILE), 'flags:\n  broken: [unclosed\n');
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: stateUri, type: 2 }] });
    const diagnostic = await client.waitFor(() => client.diagnostics.get(stateUri)?.find((d) => d.severity === 1), 10_000, 'an error in the state file');
    assert.match(String(diagnostic.code), /flagd/);
    assert.ok(diagnostic.range.start.line >= 1, JSON.stringify(diagnostic));
    const { uri } = await client.open(CHECKOUT);
    const symbols = await client.request<SymbolInformation[]>('workspace/symbol', { query: '' });
    assert.ok(Array.isArray(symbols));
    assert.ok(uri);
  });
});

test('a malformed flaglens.yaml gives a diagnostic in flaglens.yaml', async () => {
  await withClient(async (client) => {
    await client.waitForIndex();
    const configUri = client.uri('flaglens.yaml');
    writeFileSync(client.path('flaglens.yaml'), 'stale:\n  releasedDays: many\n');
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    const diagnostic = await client.waitFor(() => client.diagnostics.get(configUri)?.[0], 10_000, 'a diagnostic in flaglens.yaml');
    assert.equal(diagnostic.range.start.line, 1);
    assert.match(String(diagnostic.message), /releasedDays/);
  });
});

test('flaglens.yaml errors show while typing, before the file is saved', async () => {
  await withClient(async (client) => {
    await client.waitForIndex();
    const { uri, text } = await client.open('flaglens.yaml', 'yaml');
    await client.change(uri, text.replace('releasedDays: 14', 'releasedDays: soon'));
    const diagnostic = await client.waitFor(() => client.diagnostics.get(uri)?.[0], 10_000, 'a diagnostic in the flaglens.yaml buffer');
    assert.equal(diagnostic.range.start.line, positionOf(text, 'releasedDays').line);
    await client.change(uri, text);
    await client.waitFor(() => client.diagnostics.get(uri)?.length === 0, 10_000, 'the diagnostic to clear');
  });
});

test('a state file changed on disk is picked up without restart', async () => {
  await withClient(async (client) => {
    const { uri, text } = await client.open(SEARCH);
    await client.waitForIndex();
    await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'state loaded');
    const statePath = client.path(STATE_FILE);
    writeFileSync(statePath, readFileSync(statePath, 'utf8').replace('["on", 10]', '["on", 50]').replace('["off", 90]', '["off", 50]'));
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(STATE_FILE), type: 2 }] });
    const position = positionOf(text, 'FLAGS.FAST_SEARCH', 3);
    const deadline = Date.now() + 5000;
    let markdown = '';
    while (Date.now() < deadline) {
      markdown = hoverText(await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position }));
      if (/rolling 50%/.test(markdown)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.match(markdown, /rolling 50%/);
  });
});

test('state file diagnostics: FL004 on a defined flag that no code checks', async () => {
  await withClient(async (client) => {
    await client.waitForIndex();
    const stateUri = client.uri(STATE_FILE);
    const stateText = readFileSync(client.path(STATE_FILE), 'utf8');
    const fl004 = await client.waitFor(() => client.diagnostics.get(stateUri)?.find((d) => d.code === 'FL004'), 10_000, 'FL004 in the state file');
    assert.match(String(fl004.message), /gift-wrapping/);
    assert.equal(fl004.range.start.line, positionOf(stateText, '  gift-wrapping:').line);
  });
});

test('a source file created on disk (git checkout) is analysed without being opened', async () => {
  await withClient(async (client) => {
    await client.waitForIndex();
    await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'state loaded');
    writeFileSync(
      client.path('src/server/added.ts'),
      "import { OpenFeature } from '@openfeature/server-sdk';\nconst flags = OpenFeature.getClient('x');\nexport const on = flags.getBooleanValue('fast-serch', false);\n",
    );
    const uri = client.uri('src/server/added.ts');
    await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 1 }] });
    const fl003 = await client.waitFor(() => client.diagnostics.get(uri)?.find((d) => d.code === 'FL003'), 10_000, 'FL003 in the new file');
    assert.match(String(fl003.message), /did you mean 'fast-search'/);
  });
});

test('a suppression comment with a reason suppresses the finding on the next keystroke (kept with its reason); one without a reason does not', async () => {
  await withClient(async (client) => {
    const { uri, text } = await client.open(CHECKOUT);
    await client.waitFor(() => client.diagnostics.get(uri)?.some((d) => d.code === 'FL001' && String(d.message).includes('new-checkout')), 20_000, 'FL001');
    const listed = async () =>
      (await client.request<{ flags: Array<{ key: string; references: unknown[]; findings: string[]; stale: boolean }> }>('flaglens/listFlags', {})).flags.find((flag) => flag.key === 'new-checkout');
    const before = await listed();
    assert.ok(before?.findings.includes('FL001'));
    const line = text.split('\n').findIndex((candidate) => candidate.includes('FLAGS.NEW_CHECKOUT'));
    const withComment = (comment: string) => {
      const lines = text.split('\n');
      lines.splice(line, 0, comment);
      return lines.join('\n');
    };
    // Without a reason the finding stays, and says why the comment did not suppress it.
    await client.change(uri, withComment('  // flaglens-ignore FL001'));
    await client.waitFor(
      () => client.diagnostics.get(uri)?.some((d) => d.code === 'FL001' && /does not suppress this: it needs a reason/.test(String(d.message))),
      10_000,
      'FL001 saying the comment needs a reason',
    );
    const suppressed = withComment('  // flaglens-ignore FL001 removal planned in PR 123');
    await client.change(uri, suppressed);
    await client.waitFor(
      () => !client.diagnostics.get(uri)?.some((d) => d.code === 'FL001' && String(d.message).includes('new-checkout')),
      10_000,
      'the suppressed FL001 to disappear',
    );
    // The check is still found and the flag still stale: the finding is suppressed, not gone with its reference.
    const after = await listed();
    assert.deepEqual(after?.references.length, before?.references.length);
    assert.equal(after?.stale, true);
    assert.ok(!after?.findings.includes('FL001'));
    // Saved, the same text gives the finding with its reason in the JSON report.
    writeFileSync(client.path(CHECKOUT), suppressed);
    const report = await runFlaglens(['check', client.root, '--format', 'json', '--fail-on', 'never']);
    assert.equal(report.code, 0, report.stderr);
    const finding = (JSON.parse(report.stdout).findings as Array<{ code: string; key: string; file: string; line: number; suppressed?: { reason: string } }>).find(
      (candidate) => candidate.code === 'FL001' && candidate.key === 'new-checkout',
    );
    assert.deepEqual(finding && { file: finding.file, line: finding.line, suppressed: finding.suppressed }, {
      file: CHECKOUT,
      line: line + 2,
      suppressed: { reason: 'removal planned in PR 123' },
    });
  });
});

test('a workspace without flags costs nothing visible', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'flaglens-empty-'));
  writeFileSync(join(empty, 'index.ts'), 'export const answer = 42;\n');
  await withClient(
    async (client) => {
      const { uri } = await client.open('index.ts');
      await client.waitFor(() => client.notifications.some((n) => n.method === 'flaglens/flagsChanged'), 10_000, 'the index to finish');
      assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 14 } }), null);
      const list = await client.request<{ flags: unknown[] }>('flaglens/listFlags', {});
      assert.deepEqual(list.flags, []);
      assert.deepEqual(
        [...client.diagnostics.values()].flat(),
        [],
      );
      assert.ok(!client.notifications.some((n) => n.method === 'window/showMessage'));
      assert.ok(!client.serverRequests.some((request) => request.method === 'window/workDoneProgress/create'), 'no progress');
    },
    { workspace: empty },
  );
});
