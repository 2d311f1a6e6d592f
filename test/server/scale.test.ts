// The language server under real-scale conditions, over a real JSON-RPC stream pair with its real analysis and
// cleanup workers: a cancelled long request answers RequestCancelled (and stops the work); a config change during
// the index leaves one index, whose result is the new config's; watched files the walk ignores change nothing,
// and a changed .gitignore re-indexes with the new rules; a "Remove flag" fix that would add a type error is
// refused on resolve with that error, shown when the person picks it; the index progress can be cancelled; an
// interrupted multi-file write is recovered when the folder opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { LSPErrorCodes } from 'vscode-languageserver-protocol';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import type { FileWriter } from '../../core/src/io.js';
import { createNodeFileWriter, nodeFileSystem, nodeGitHost, nodeProcessInfo } from '../../core/src/nodeIo.js';
import { WRITE_JOURNAL_FILE, writeFilesAllOrNothing } from '../../core/src/workspaceWrites.js';
import { EXAMPLE_SHOP, positionOf, TestClient, type TestClientOptions } from './testClient.js';
import { AnalysisWorkerPool } from '../../server/src/workers/workerAnalysis.js';
import { flagdHistoryFacts, readFlagdFileHistory } from '../../core/src/state/flagdHistory.js';
import { gitRepository, temporaryWorkspace } from '../state/helpers.js';
import { flagdRolloutEdit, summarizeFlagdText } from '../../core/src/state/flagdTexts.js';

const CHECKOUT = 'src/server/checkout.ts';

async function withClient(options: TestClientOptions, run: (client: TestClient) => Promise<void>): Promise<void> {
  const client = await TestClient.start(options);
  try {
    await run(client);
  } finally {
    await client.stop();
  }
}

/** A copy of the example shop plus `extra` files, in a temp folder the test removes. */
function shopWith(extra: Record<string, string>): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'flaglens-shop-'));
  cpSync(EXAMPLE_SHOP, path, { recursive: true, filter: (source) => !source.includes('node_modules') });
  for (const [file, text] of Object.entries(extra)) {
    mkdirSync(join(path, file, '..'), { recursive: true });
    writeFileSync(join(path, file), text);
  }
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Index progress runs, by token: their report percentages and whether they ended. */
function progressRuns(client: TestClient): Array<{ token: unknown; percentages: number[]; ended: boolean }> {
  const runs = new Map<unknown, { token: unknown; percentages: number[]; ended: boolean }>();
  for (const notification of client.notifications) {
    if (notification.method !== '$/progress') continue;
    const { token, value } = notification.params as { token: unknown; value: { kind: string; percentage?: number } };
    if (value.kind === 'begin') runs.set(token, { token, percentages: [], ended: false });
    const run = runs.get(token);
    if (!run) continue;
    if (value.kind === 'report' && value.percentage !== undefined) run.percentages.push(value.percentage);
    if (value.kind === 'end') run.ended = true;
  }
  return [...runs.values()];
}

function references(client: TestClient): Promise<{ flags: Array<{ key: string; references: unknown[] }> }> {
  return client.request('flaglens/listFlags', {});
}

test('a cancelled codeAction/resolve answers RequestCancelled, not a late result, and stops the type check', async () => {
  await withClient({}, async (client) => {
    const { uri, text } = await client.open(CHECKOUT);
    await client.waitForIndex();
    const at = positionOf(text, 'FLAGS.NEW_CHECKOUT');
    const diagnostic = await client.waitFor(() => client.diagnostics.get(uri)?.find((d) => d.code === 'FL001' && d.range.start.line === at.line), 20_000, 'FL001');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [diagnostic] } });
    const here = actions.find((action) => action.title.startsWith('Remove flag `new-checkout` here'));
    assert.ok(here, actions.map((action) => action.title).join(' | '));

    const source = new CancellationTokenSource();
    const pending = client.connection.sendRequest('codeAction/resolve', here, source.token);
    setTimeout(() => source.cancel(), 20);
    await assert.rejects(pending, (error: unknown) => {
      assert.ok(error instanceof ResponseError, String(error));
      assert.equal(error.code, LSPErrorCodes.RequestCancelled);
      return true;
    });
    assert.equal(client.session.cleanup.started, 1);
    // The cancelled proof's worker was stopped: the next proof runs in a new one, and completes.
    const resolved = await client.request<CodeAction>('codeAction/resolve', here);
    assert.ok(resolved.edit?.changes?.[uri]?.length, JSON.stringify(resolved));
    assert.equal(client.session.cleanup.started, 2);
  });
});

test('a config change during the index: the running index is cancelled and the one that remains has the new config', async () => {
  const filler: Record<string, string> = {};
  for (let index = 0; index < 2500; index++) filler[`src/filler/module${index}.ts`] = `// Ordinary code, no flags here.\nexport function compute${index}(input: number): number {\n  return input * ${index} + 1;\n}\n`;
  const shop = shopWith({ ...filler, 'src/server/isOn.ts': "export const isOn = (key: string): boolean => key.length > 0;\n", 'src/server/team.ts': "import { isOn } from './isOn';\nexport const teamCheck = isOn('gift-wrapping');\n" });
  try {
    await withClient({ workspace: shop.path }, async (client) => {
      await client.waitFor(() => progressRuns(client)[0]?.percentages.length, 60_000, 'the first index to report progress');
      assert.equal(progressRuns(client)[0]!.ended, false, 'the change arrives while the first index runs');
      const config = `${'checks:\n  - call: isOn\n'}${'  - jsx: FeatureGate\n    attribute: flag\n'}state:\n  flagd: flags.flagd.yaml\nexclude: ["test/**"]\n`;
      writeFileSync(client.path('flaglens.yaml'), config);
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('flaglens.yaml'), type: 2 }] });
      await client.waitFor(() => progressRuns(client).length === 2 && progressRuns(client).every((run) => run.ended), 60_000, 'both index runs to end');
      const [first, second] = progressRuns(client);
      assert.ok(Math.max(0, ...first!.percentages) < 100, `the first index stopped early (reached ${Math.max(...first!.percentages)}%)`);
      assert.equal(second!.percentages.at(-1), 100, 'the second index ran to the end');
      // The surviving result is the new config's: the isOn check counts.
      const gift = (await references(client)).flags.find((flag) => flag.key === 'gift-wrapping');
      assert.ok(gift && gift.references.some((place) => (place as { uri: string }).uri.endsWith('/src/server/team.ts')), JSON.stringify(gift));
      assert.ok(client.logMessages().every((message) => !/indexing failed/.test(message)), client.logMessages().join('\n'));
    });
  } finally {
    shop.remove();
  }
});

test('watched files under gitignored dist/ and node_modules change nothing; a changed .gitignore re-indexes with the new rules', async () => {
  const check = "import { OpenFeature } from '@openfeature/server-sdk';\nconst client = OpenFeature.getClient();\nexport const promo = client.getBooleanValue('no-such-flag-anywhere', false);\n";
  const shop = shopWith({ '.gitignore': 'dist/\n' });
  try {
    await withClient({ workspace: shop.path }, async (client) => {
      await client.waitForIndex();
      // Diagnostics of the whole workspace are published after the index (FL001 in checkout.ts among them).
      await client.waitFor(() => client.diagnostics.get(client.uri(CHECKOUT))?.some((d) => d.code === 'FL001'), 20_000, 'the workspace diagnostics');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const before = JSON.stringify([...client.diagnostics].filter(([, list]) => list.length).sort());
      const changes = [];
      for (const file of ['dist/server/checkout.js', 'dist/promo.ts', 'node_modules/some-sdk/index.ts']) {
        mkdirSync(join(client.path(file), '..'), { recursive: true });
        writeFileSync(client.path(file), check);
        changes.push({ uri: client.uri(file), type: 1 });
      }
      await client.notify('workspace/didChangeWatchedFiles', { changes });
      await client.session.folders.get(client.uri(''))!.host.whenAnalysed();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(JSON.stringify([...client.diagnostics].filter(([, list]) => list.length).sort()), before, 'no diagnostic changed');
      assert.ok(!(await references(client)).flags.some((flag) => flag.key === 'no-such-flag-anywhere'));
      assert.equal(client.diagnostics.get(client.uri('dist/promo.ts')), undefined);

      // dist/ is no longer ignored: the workspace is listed and indexed again, and its file is found.
      writeFileSync(client.path('.gitignore'), 'build/\n');
      const runsBefore = progressRuns(client).length;
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri('.gitignore'), type: 2 }] });
      await client.waitFor(() => progressRuns(client).length > runsBefore && progressRuns(client).at(-1)!.ended, 30_000, 'the index after the .gitignore change');
      const fl003 = await client.waitFor(() => client.diagnostics.get(client.uri('dist/promo.ts'))?.find((d: Diagnostic) => d.code === 'FL003'), 10_000, 'FL003 in dist/promo.ts');
      assert.match(String(fl003.message), /no-such-flag-anywhere/);
      assert.equal(client.diagnostics.get(client.uri('node_modules/some-sdk/index.ts')), undefined, 'node_modules stays out whatever .gitignore says');
    });
  } finally {
    shop.remove();
  }
});

test('resolving a "Remove flag" fix that would add a type error gives no edit and the error; picking it shows the error', async () => {
  // The promo must return an element: removing the flag keeps the disabled branch, and the element becomes null.
  const workspace = mkdtempSync(join(tmpdir(), 'flaglens-refuse-'));
  const files: Record<string, string> = {
    'flaglens.yaml': 'checks:\n  - jsx: IfFeatureEnabled\n    attribute: feature\nstate:\n  flagd: flags.flagd.json\n',
    'flags.flagd.json': JSON.stringify({ flags: { other: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' } } }, null, 2),
    'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, jsx: 'preserve', noEmit: true, lib: ['ES2022'], target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', types: [] }, include: ['src'] }),
    'src/jsx.d.ts': 'declare namespace JSX {\n  interface Element { kind: string }\n  interface IntrinsicElements { [name: string]: { [attribute: string]: unknown } }\n}\n',
    'src/IfFeatureEnabled.tsx': 'export function IfFeatureEnabled(props: { feature: string; children?: unknown }): JSX.Element {\n  return { kind: String(props.children) };\n}\n',
    'src/Promo.tsx': "import { IfFeatureEnabled } from './IfFeatureEnabled';\n\nexport function Promo(): JSX.Element {\n  return (\n    <IfFeatureEnabled feature=\"new-promo\">\n      <aside>Promo</aside>\n    </IfFeatureEnabled>\n  );\n}\n",
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(workspace, file, '..'), { recursive: true });
    writeFileSync(join(workspace, file), text);
  }
  // The state file's history still defines new-promo: it was removed from the state, so the check is FL002.
  const removedInHistory = JSON.stringify({ flags: { 'new-promo': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' } } });
  const git = { fileHistory: () => [{ commit: 'a'.repeat(40), date: '2026-01-01T00:00:00Z', content: removedInHistory }] };
  try {
    await withClient({ workspace, server: { git } }, async (client) => {
      const { uri, text } = await client.open('src/Promo.tsx', 'typescriptreact');
      await client.waitForIndex();
      const diagnostic = await client.waitFor(() => client.diagnostics.get(uri)?.find((d) => d.code === 'FL002'), 20_000, 'FL002 on the promo');
      const at = positionOf(text, 'new-promo', 2);
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [diagnostic] } });
      const here = actions.find((action) => action.title === 'Remove flag `new-promo` here (keep disabled branch)');
      assert.ok(here, actions.map((action) => action.title).join(' | '));
      const resolved = await client.request<CodeAction>('codeAction/resolve', here);
      assert.equal(resolved.edit, undefined, 'a fix that adds a type error carries no edit');
      assert.equal(resolved.command?.command, 'flaglens.explainRefusal');
      const message = String(resolved.command?.arguments?.[0]);
      assert.match(message, /Not applied: removing flag 'new-promo' would add 1 type error: src\/Promo\.tsx:4:3: Type 'null' is not assignable to type 'Element'/);
      // Picking it runs the command: the server shows the error.
      await client.request('workspace/executeCommand', { command: resolved.command!.command, arguments: resolved.command!.arguments });
      const shown = await client.waitFor(() => client.notifications.find((n) => n.method === 'window/showMessage'), 5000, 'the message');
      assert.deepEqual(shown.params, { type: 1, message });
      // Nothing was applied or written, and no edit was asked of the client.
      assert.equal(readFileSync(client.path('src/Promo.tsx'), 'utf8'), files['src/Promo.tsx']);
      assert.ok(!client.serverRequests.some((request) => request.method === 'workspace/applyEdit'));
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});

test('cancelling the index progress stops the index; the open document is still analysed', async () => {
  const filler: Record<string, string> = {};
  for (let index = 0; index < 2500; index++) filler[`src/filler/module${index}.ts`] = `export const value${index} = ${index};\n`;
  const shop = shopWith(filler);
  try {
    await withClient({ workspace: shop.path }, async (client) => {
      const { uri, text } = await client.open(CHECKOUT);
      await client.waitFor(() => progressRuns(client)[0]?.percentages.length, 60_000, 'the index to report progress');
      const [run] = progressRuns(client);
      const begin = client.notifications.find((n) => n.method === '$/progress' && (n.params as { value: { kind: string } }).value.kind === 'begin')!;
      assert.equal((begin.params as { value: { cancellable?: boolean } }).value.cancellable, true);
      await client.notify('window/workDoneProgress/cancel', { token: run!.token });
      await client.waitFor(() => progressRuns(client)[0]!.ended, 30_000, 'the progress to end');
      assert.ok(Math.max(...progressRuns(client)[0]!.percentages) < 100, 'it ended before the last file');
      await client.waitFor(() => client.logMessages().some((message) => /indexing cancelled/.test(message)), 5000, 'the cancel in the log');
      assert.equal(client.session.folders.get(client.uri(''))!.host.isIndexed, false);
      const hover = await client.poll(() => client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'FLAGS.NEW_CHECKOUT', 8) }));
      assert.match(hover.contents.value, /released 100%/);
    });
  } finally {
    shop.remove();
  }
});

test('a multi-file write a crash interrupted is completed when the server opens the folder, and the person is told', async () => {
  const shop = shopWith({});
  try {
    const files: Array<[string, string]> = [['src/server/app.ts', '// rewritten by the interrupted cleanup\n'], ['src/server/pricing.ts', '// also rewritten\n']];
    const changes = files.map(([file, after]) => ({ path: join(shop.path, file), shown: file, before: readFileSync(join(shop.path, file), 'utf8'), after }));
    // A writer that dies between its two renames, as a killed process would.
    const pid = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
    const base = createNodeFileWriter({ self: { pid, host: nodeProcessInfo.self.host }, isAlive: (identity) => nodeProcessInfo.isAlive(identity) });
    let commits = 0;
    const dying: FileWriter = {
      ...base,
      commit(temp, path) {
        if (++commits === 2) throw new Error('killed');
        base.commit(temp, path);
      },
      remove() {},
      writeAtomic(path, content) {
        if (commits >= 2) throw new Error('killed');
        base.writeAtomic(path, content);
      },
    };
    assert.throws(() => writeFilesAllOrNothing({ root: shop.path, fs: nodeFileSystem, writer: dying }, changes, 'cleanup --write'), /killed/);
    assert.notEqual(readFileSync(join(shop.path, files[1]![0]), 'utf8'), files[1]![1], 'the second file was not renamed yet');
    await withClient({ workspace: shop.path, inPlace: true }, async (client) => {
      const shown = await client.waitFor(() => client.notifications.find((n) => n.method === 'window/showMessage'), 10_000, 'the recovery message');
      assert.match((shown.params as { message: string }).message, /completed/);
      for (const [file, after] of files) assert.equal(readFileSync(join(shop.path, file), 'utf8'), after);
      assert.ok(!existsSync(join(shop.path, '.flaglens', WRITE_JOURNAL_FILE)));
    });
  } finally {
    shop.remove();
  }
});

test("a second start indexes from the persistent scan cache the first start wrote, with the same references, and sees a file changed in between; the setting turns it off", async () => {
  const shop = shopWith({});
  // Files written in the last seconds are read again whatever the cache says (their time cannot be trusted yet):
  // the copy is made to look like a checkout from an hour ago.
  const backdate = (path: string, ageMs: number) => {
    for (const entry of readdirSync(path, { withFileTypes: true, recursive: true })) {
      const full = join(entry.parentPath ?? entry.path, entry.name);
      utimesSync(full, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
    }
  };
  backdate(shop.path, 3_600_000);
  const cacheHome = mkdtempSync(join(tmpdir(), 'flaglens-xdg-'));
  const previous = process.env.XDG_CACHE_HOME;
  // The analysis worker takes its environment when it starts: the cache goes to this test's own folder.
  process.env.XDG_CACHE_HOME = cacheHome;
  const indexLine = (client: TestClient) => client.logMessages().find((message) => /: indexed \d+ files/.test(message));
  try {
    let coldFlags = '';
    await withClient({ workspace: shop.path, inPlace: true }, async (client) => {
      await client.waitFor(() => indexLine(client), 60_000, 'the first index to end');
      assert.match(indexLine(client)!, /scan cache: 0 files from it, [1-9]\d* read afresh/, indexLine(client));
      coldFlags = JSON.stringify(await references(client));
    });
    const written = readFileSync(join(cacheHome, 'flaglens', readdirSync(join(cacheHome, 'flaglens'))[0]!, 'scan-cache.bin'));
    assert.ok(written.length > 0, 'the first start wrote the cache');
    await withClient({ workspace: shop.path, inPlace: true }, async (client) => {
      await client.waitFor(() => indexLine(client), 60_000, 'the warm index to end');
      const [, hits, misses] = /scan cache: (\d+) files from it, (\d+) read afresh/.exec(indexLine(client)!) ?? [];
      assert.ok(Number(hits) > 0 && Number(misses) === 0, indexLine(client));
      assert.equal(JSON.stringify(await references(client)), coldFlags, 'a warm start answers what a cold one does');
    });
    // A file edited while no editor ran is read again, and its new check counts (gift-wrapping had none).
    writeFileSync(join(shop.path, CHECKOUT), `${readFileSync(join(shop.path, CHECKOUT), 'utf8')}\nexport const cacheProbe = OpenFeature.getClient().getBooleanValue('gift-wrapping', false);\n`);
    utimesSync(join(shop.path, CHECKOUT), new Date(Date.now() - 600_000), new Date(Date.now() - 600_000));
    await withClient({ workspace: shop.path, inPlace: true }, async (client) => {
      await client.waitFor(() => indexLine(client), 60_000, 'the third index to end');
      assert.match(indexLine(client)!, /scan cache: [1-9]\d* files from it, [1-9]\d* read afresh/, indexLine(client));
      const probe = (await references(client)).flags.find((flag) => flag.key === 'gift-wrapping');
      assert.ok(probe && probe.references.length === 1, `${indexLine(client)} ${JSON.stringify(probe)}`);
    });
    // flaglens.scanCache.enabled: false: nothing read from the cache or written to it, though a file changed;
    // turned on again while the server runs, the folder indexes again from the cache.
    const cacheFile = join(cacheHome, 'flaglens', readdirSync(join(cacheHome, 'flaglens'))[0]!, 'scan-cache.bin');
    const before = readFileSync(cacheFile);
    writeFileSync(join(shop.path, CHECKOUT), `${readFileSync(join(shop.path, CHECKOUT), 'utf8')}\n// touched\n`);
    utimesSync(join(shop.path, CHECKOUT), new Date(Date.now() - 300_000), new Date(Date.now() - 300_000));
    const indexLines = (client: TestClient) => client.logMessages().filter((message) => /: indexed \d+ files/.test(message));
    await withClient({ workspace: shop.path, inPlace: true, settings: { '*': { scanCache: { enabled: false } } } }, async (client) => {
      await client.waitFor(() => indexLines(client).length, 60_000, 'the index without the cache to end');
      assert.doesNotMatch(indexLines(client)[0]!, /scan cache/, indexLines(client)[0]);
      assert.ok(readFileSync(cacheFile).equals(before), 'the cache is not written');
      client.settings = { '*': { scanCache: { enabled: true } } };
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      await client.waitFor(() => indexLines(client).length >= 2, 60_000, 'the index with the cache to end');
      assert.match(indexLines(client)[1]!, /scan cache: [1-9]\d* files from it, [1-9]\d* read afresh/, indexLines(client)[1]);
    });
  } finally {
    if (previous === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = previous;
    rmSync(cacheHome, { recursive: true, force: true });
    shop.remove();
  }
});

test('when an index ends, diagnostics go out in slices: hovers are answered between them, and every file gets its own', async () => {
  const generated: Record<string, string> = {};
  for (let index = 0; index < 150; index++) {
    generated[`src/generated/check${index}.ts`] = `import { OpenFeature } from '@openfeature/server-sdk';\nconst client = OpenFeature.getClient();\nexport const on${index} = client.getBooleanValue('unknown-${index}', false);\n`;
  }
  const shop = shopWith(generated);
  try {
    await withClient({ workspace: shop.path }, async (client) => {
      const { uri, text } = await client.open(CHECKOUT);
      const isGenerated = (notification: { method: string; params: unknown }) => notification.method === 'textDocument/publishDiagnostics' && (notification.params as { uri: string }).uri.includes('/src/generated/');
      const published = () => client.notifications.filter(isGenerated).length;
      // Hovers one after another until every generated file's diagnostics arrived; each answer notes how many had.
      const seenAtAnswers: number[] = [];
      let done = false;
      const hovering = (async () => {
        while (!done) {
          await client.request('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'FLAGS.NEW_CHECKOUT', 8) });
          seenAtAnswers.push(published());
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      await client.waitFor(() => published() >= 150, 60_000, 'the diagnostics of every generated file');
      done = true;
      await hovering;
      for (let index = 0; index < 150; index++) {
        const diagnostics = client.diagnostics.get(client.uri(`src/generated/check${index}.ts`)) ?? [];
        assert.deepEqual(diagnostics.map((d) => `${d.code} ${String(d.message).includes(`'unknown-${index}'`)}`), ['FL003 true'], `check${index}.ts`);
      }
      assert.equal(published(), 150, 'each file once');
      assert.ok(seenAtAnswers.some((count) => count > 0 && count < 150), `a hover was answered in the middle of the pass (answers saw ${JSON.stringify([...new Set(seenAtAnswers)])})`);
    });
  } finally {
    shop.remove();
  }
});

test('typing is answered by the documents worker while the index is stuck: diagnostics and hovers of the open document do not wait for it', async () => {
  // The indexing analysis never answers (as if it were parsing a huge file that very moment); the open document's
  // lane is the server's real documents worker.
  const stuck = { index: () => new Promise<never>(() => undefined), update: () => new Promise<never>(() => undefined), dispose: () => undefined };
  const pool = new AnalysisWorkerPool(() => undefined);
  try {
    await withClient({ server: { analysis: () => stuck, documentsAnalysis: pool.documentsFactory } }, async (client) => {
      const { uri, text } = await client.open(CHECKOUT);
      await client.change(uri, text.replace('FLAGS.NEW_CHECKOUT', "'typed-while-indexing'"));
      const fl003 = await client.waitFor(() => client.diagnostics.get(uri)?.find((d) => d.code === 'FL003' && String(d.message).includes('typed-while-indexing')), 30_000, 'FL003 for the typed key');
      assert.equal(fl003.range.start.line, positionOf(text, 'FLAGS.NEW_CHECKOUT').line);
      const hover = await client.poll(() => client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'FLAGS.FREE_SHIPPING', 8) }));
      assert.match(hover.contents.value, /free-shipping/);
      assert.equal(client.session.folders.get(client.uri(''))!.host.isIndexed, false, 'the index never ended');
    });
  } finally {
    pool.dispose();
  }
});

test('flagd files are parsed and edited in the analysis worker, with the same answers as in place', async () => {
  const pool = new AnalysisWorkerPool(() => undefined);
  try {
    // Until the worker has started they are refused (the provider parses in place: the first state load does not
    // wait for the worker); then parsed there.
    await pool.analysisStarted();
    let text = '# 300 flags, as a big organisation has them\nflags:\n';
    for (let index = 0; index < 300; index++) {
      text += `  flag-${index}:\n    state: ENABLED\n    variants:\n      "on": true\n      "off": false\n    defaultVariant: "off"\n    targeting:\n      fractional:\n        - ["on", ${index % 100}]\n        - ["off", ${100 - (index % 100)}]\n`;
    }
    const options = { file: 'flags.flagd.yaml', steps: [1, 10, 50, 100] };
    const asked = pool.flagdTexts.analyze(text, options);
    assert.equal(pool.analysisRequestsInFlight, 1, 'the worker parses it');
    const summary = await asked;
    assert.deepEqual(summary, summarizeFlagdText(text, options));
    assert.equal(summary.flags.length, 300);
    assert.equal(summary.flags[10]!.state.percentage, 10);
    const request = { key: 'flag-10', kind: 'bump' as const, to: 50, now: '2026-12-01T00:00:00.000Z' };
    const edited = await pool.flagdTexts.rolloutEdit(text, options, request);
    assert.deepEqual(edited, flagdRolloutEdit(text, options, request));
    assert.ok(edited.ok && edited.text.startsWith('# 300 flags') && edited.after.flags[10]!.state.percentage === 50);
    const refused = await pool.flagdTexts.rolloutEdit(text, options, { key: 'missing', kind: 'abort', reason: 'x', now: request.now });
    assert.deepEqual(refused, { ok: false, message: "unknown flag 'missing': flags.flagd.yaml does not define it", reason: 'not-found' });
  } finally {
    pool.dispose();
  }
});

test('a flagd git history is read and parsed in the analysis worker, with the same facts as in-process', async () => {
  const pool = new AnalysisWorkerPool(() => undefined);
  const workspace = temporaryWorkspace({});
  try {
    const flag = (percentage: number) =>
      `flags:\n  checkout:\n    state: ENABLED\n    variants: { "on": true, "off": false }\n    defaultVariant: "off"\n    targeting:\n      fractional:\n        - ["on", ${percentage}]\n        - ["off", ${100 - percentage}]\n  gone:\n    state: ENABLED\n    variants: { "on": true }\n    defaultVariant: "on"\n`;
    // Released since the second commit; `gone` existed before the third.
    const repository = gitRepository(workspace.root);
    workspace.write('flags.flagd.yaml', flag(50));
    repository.commit('start', '2026-01-01T00:00:00Z');
    workspace.write('flags.flagd.yaml', flag(100));
    repository.commit('released', '2026-02-01T00:00:00Z');
    workspace.write('flags.flagd.yaml', flag(100).replace(/  gone:[\s\S]*/, ''));
    repository.commit('gone removed', '2026-03-01T00:00:00Z');
    const path = join(workspace.root, 'flags.flagd.yaml');
    const options = { file: 'flags.flagd.yaml', steps: [1, 10, 50, 100], releasedNow: new Set(['checkout']) };
    const inWorker = await pool.flagdHistory(path, options);
    const here = await readFlagdFileHistory(nodeGitHost, path, (revisions) => flagdHistoryFacts(revisions, options));
    assert.deepEqual(inWorker, here);
    assert.equal(inWorker.revisions, 3);
    assert.equal(inWorker.shallow, false);
    assert.deepEqual([...inWorker.facts.releasedSince], [['checkout', '2026-02-01T00:00:00.000Z']]);
    assert.deepEqual([...inWorker.facts.everDefined].sort(), ['checkout', 'gone']);
    // Not a repository: no history, as in-process.
    const elsewhere = temporaryWorkspace({ 'flags.flagd.yaml': flag(100) });
    try {
      assert.deepEqual(await pool.flagdHistory(join(elsewhere.root, 'flags.flagd.yaml'), options), { facts: flagdHistoryFacts([], options), revisions: 0, shallow: false });
    } finally {
      elsewhere.cleanup();
    }
  } finally {
    pool.dispose();
    workspace.cleanup();
  }
});
