// The language server on real code: `node dist/server.js --stdio` on a copy of the shared corpus (twentyhq/twenty,
// 7k files) with the flaglens.yaml its developers would write, a flagd state file for the keys it checks and a git
// history for that file, driven through real JSON-RPC by bench/serverClient.ts. Measured in one run, each against a
// baseline from the same run:
// - indexing from cold and with a warm cache (progress begin → end) against the parse-everything floor (the real-code
//   section's bench/floor.ts as a whole process: list, read and parse every file once), medians of alternated runs;
// - hover latency while the index runs (a hover every 20 ms from `initialized` to the end of indexing) and after it,
//   against a trivial request (hover where there is no flag);
// - keystroke → published diagnostics while indexing and after (each edit makes a new unknown key, FL003); an edit
//   sent in the moment between `initialized` and the index's start is start-up, reported on its own with the time
//   from spawning the server to the opened file's first diagnostics, against a start-up floor from the same run (a
//   fresh process that loads TypeScript and parses the opened file: what any analysis must do before it can answer);
// - hovers while a bump and an abort write the state file and the server re-reads it with its git history;
// - 1,000 files created under dist/ (gitignored) and node_modules/ while the server runs: references, diagnostics
//   and RSS before and after;
// - peak RSS of the server process (every thread).
// Run through bench/run.ts (`npm run bench -- --only server-corpus`), or alone: `node --import tsx bench/serverCorpus.ts`.
// `server-scale` (below): the index and bump measurements again on the corpus with its two big packages three times
// (~19k files) and a 500-flag state file, for what grows with a repository (`npm run bench -- --only server-scale`).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unpackCorpus } from '../scripts/corpus.mjs';
import { buildFloorBundle, measureProcess } from './processes.js';
import { flagdEntry } from './server.js';
import { BenchClient, percentile, round, sleep } from './serverClient.js';

/** Bump when the prepared workspace changes shape, so an old copy under bench/.work is rebuilt. */
const PREPARED_VERSION = 1;
const HOVER_INTERVAL_MS = 20;
/** A steady typist: an edit every 100 ms (after the previous one's diagnostics arrived). */
const KEYSTROKE_INTERVAL_MS = 100;

export interface ServerCorpusBenchOptions {
  runs: number;
  hovers: number;
  edits: number;
  workDirectory: string;
  log: (line: string) => void;
}

interface Distribution {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ServerCorpusBenchResult {
  files: number;
  openedFile: string;
  parseFloorMs: number;
  coldIndexMs: number;
  warmIndexMs: number;
  coldRatioToFloor: number;
  warmRatioToFloor: number;
  baselineDuringIndexing: Distribution;
  hoverDuringIndexing: Distribution;
  /** Every request sent while indexing (hovers on checks and the trivial ones): what the targets are judged on. */
  allRequestsDuringIndexing: Distribution;
  keystrokeDuringIndexing: Distribution;
  /** Edits sent after `initialized` but before the index began, while the server was still starting. */
  keystrokeDuringStartUp: Distribution;
  /** Spawn → the opened file's first published diagnostics, per server start, and the start-up floor. */
  firstDiagnosticsMs: Distribution;
  startUpFloorMs: number;
  firstDiagnosticsRatioToFloor: number;
  baselineAfterIndex: Distribution;
  hoverAfterIndex: Distribution;
  keystrokeAfterIndex: Distribution;
  bump: { hoverDuringWrites: Distribution; baselineBefore: Distribution; maxDelayOverBaselineP50Ms: number; bumped: boolean; aborted: boolean };
  watchedFiles: { created: number; referencesBefore: number; referencesAfter: number; diagnosticsUnchanged: boolean; rssBeforeMb: number; rssAfterMb: number };
  peakRssMb: number;
  targets: Record<string, { value: number; target: number; met: boolean }>;
}

interface CorpusWorkspace {
  root: string;
  files: number;
  openedFile: string;
  /** LSP positions inside key expressions of the opened file's checks. */
  checkPositions: Array<{ line: number; character: number; expression: string }>;
  /** A position in the opened file with no flag (the trivial request). */
  emptyPosition: { line: number; character: number };
  canaryKey: string;
}

export async function runServerCorpusBench(options: ServerCorpusBenchOptions): Promise<ServerCorpusBenchResult> {
  const { log } = options;
  const workspace = prepareCorpusWorkspace(options.workDirectory, log);
  log(`\nlanguage server on the real corpus: ${workspace.files} files in ${workspace.root}; editing ${workspace.openedFile}`);
  const cacheRoot = mkdtempSync(join(options.workDirectory, 'server-corpus-cache-'));
  const floors: number[] = [];
  const colds: number[] = [];
  const warms: number[] = [];
  const during = { baseline: [] as number[], hover: [] as number[], keystroke: [] as number[], startUpKeystroke: [] as number[], firstDiagnostics: [] as number[] };
  const startFloors: number[] = [];
  let peakRssMb = 0;
  const floor = buildFloorBundle(options.workDirectory);
  try {
    for (let run = 0; run < options.runs; run++) {
      resetWorkspace(workspace.root);
      floors.push(measureProcess(process.execPath, [floor, workspace.root]).wallMs);
      startFloors.push(measureProcess(process.execPath, [floor, workspace.root, join(workspace.root, workspace.openedFile)]).wallMs);
      // Cold: a cache folder nobody wrote; warm: the same folder after the cold run.
      const cacheHome = join(cacheRoot, `run-${run}`);
      mkdirSync(cacheHome, { recursive: true });
      const record = (start: Awaited<ReturnType<typeof measureIndexing>>) => {
        during.baseline.push(...start.baseline);
        during.hover.push(...start.hovers);
        during.keystroke.push(...start.keystrokes);
        during.startUpKeystroke.push(...start.startUpKeystrokes);
        during.firstDiagnostics.push(start.firstDiagnosticsMs);
        peakRssMb = Math.max(peakRssMb, start.peakRssMb);
        return start;
      };
      const cold = record(await measureIndexing(workspace, cacheHome, options));
      colds.push(cold.indexMs);
      const warm = record(await measureIndexing(workspace, cacheHome, options));
      warms.push(warm.indexMs);
      log(
        `  run ${run + 1}: parse floor ${floors.at(-1)!.toFixed(0)} ms, cold index ${cold.indexMs.toFixed(0)} ms, warm index ${warm.indexMs.toFixed(0)} ms; ` +
          `hovers while indexing: ${cold.hovers.length + warm.hovers.length}, max ${Math.max(...cold.hovers, ...warm.hovers).toFixed(1)} ms`,
      );
    }
    resetWorkspace(workspace.root);
    const steady = await measureSteadyState(workspace, join(cacheRoot, 'run-0'), options);
    peakRssMb = Math.max(peakRssMb, steady.peakRssMb);
    const parseFloorMs = median(floors);
    const coldIndexMs = median(colds);
    const startUpFloorMs = median(startFloors);
    const warmIndexMs = median(warms);
    const result: ServerCorpusBenchResult = {
      files: workspace.files,
      openedFile: workspace.openedFile,
      parseFloorMs: round(parseFloorMs),
      coldIndexMs: round(coldIndexMs),
      warmIndexMs: round(warmIndexMs),
      coldRatioToFloor: round(coldIndexMs / parseFloorMs),
      warmRatioToFloor: round(warmIndexMs / parseFloorMs),
      baselineDuringIndexing: distribution(during.baseline),
      hoverDuringIndexing: distribution(during.hover),
      allRequestsDuringIndexing: distribution([...during.hover, ...during.baseline]),
      keystrokeDuringIndexing: distribution(during.keystroke),
      keystrokeDuringStartUp: distribution(during.startUpKeystroke),
      firstDiagnosticsMs: distribution(during.firstDiagnostics),
      startUpFloorMs: round(startUpFloorMs),
      firstDiagnosticsRatioToFloor: round(median(during.firstDiagnostics) / startUpFloorMs),
      baselineAfterIndex: distribution(steady.baseline),
      hoverAfterIndex: distribution(steady.hovers),
      keystrokeAfterIndex: distribution(steady.keystrokes),
      bump: steady.bump,
      watchedFiles: steady.watchedFiles,
      peakRssMb: round(peakRssMb),
      targets: {},
    };
    result.targets = {
      hoverDuringIndexingP99Ms: target(result.allRequestsDuringIndexing.p99Ms, 20),
      hoverDuringIndexingMaxMs: target(result.allRequestsDuringIndexing.maxMs, 50),
      keystrokeDuringIndexingP95Ms: target(result.keystrokeDuringIndexing.p95Ms, 50),
      keystrokeAfterIndexP95Ms: target(result.keystrokeAfterIndex.p95Ms, 50),
      coldIndexRatioToFloor: target(result.coldRatioToFloor, 1.0),
      warmIndexRatioToFloor: target(result.warmRatioToFloor, 0.2),
      peakRssMb: target(result.peakRssMb, 400),
      hoverDelayDuringBumpAbortMs: target(result.bump.maxDelayOverBaselineP50Ms, 50),
      watchedFilesReferenceChange: target(Math.abs(result.watchedFiles.referencesAfter - result.watchedFiles.referencesBefore), 0),
      watchedFilesDiagnosticsChanged: target(result.watchedFiles.diagnosticsUnchanged ? 0 : 1, 0),
    };
    const show = (name: string, d: Distribution) => `${name}: p50 ${d.p50Ms} ms, p95 ${d.p95Ms} ms, p99 ${d.p99Ms} ms, max ${d.maxMs} ms (${d.count})`;
    log(`parse floor ${result.parseFloorMs} ms; index cold ${result.coldIndexMs} ms = ${result.coldRatioToFloor}× floor (target ≤ 1.0×), warm ${result.warmIndexMs} ms = ${result.warmRatioToFloor}× floor (target ≤ 0.2×)`);
    log(show('trivial request while indexing', result.baselineDuringIndexing));
    log(show('hover on a check while indexing', result.hoverDuringIndexing));
    log(`${show('every request while indexing', result.allRequestsDuringIndexing)} (targets p99 ≤ 20 ms, max ≤ 50 ms)`);
    log(`${show('keystroke → diagnostics while indexing', result.keystrokeDuringIndexing)} (target p95 ≤ 50 ms)`);
    log(show('keystroke → diagnostics during start-up (sent after initialized, before the index began)', result.keystrokeDuringStartUp));
    log(
      `${show('spawn → first diagnostics of the opened file', result.firstDiagnosticsMs)}; start-up floor (a process that loads TypeScript and parses that file) ${result.startUpFloorMs} ms: median ${result.firstDiagnosticsRatioToFloor}× the floor`,
    );
    log(show('trivial request after the index', result.baselineAfterIndex));
    log(show('hover after the index', result.hoverAfterIndex));
    log(`${show('keystroke → diagnostics after the index', result.keystrokeAfterIndex)} (target p95 ≤ 50 ms)`);
    log(
      `${show('hover during bump + abort (state re-read with git history)', result.bump.hoverDuringWrites)}; worst delay over the trivial request's p50: ${result.bump.maxDelayOverBaselineP50Ms} ms (target ≤ 50 ms); bump ${result.bump.bumped ? 'ok' : 'FAILED'}, abort ${result.bump.aborted ? 'ok' : 'FAILED'}`,
    );
    const watched = result.watchedFiles;
    log(
      `${watched.created} files created under dist/ and node_modules/: references ${watched.referencesBefore} → ${watched.referencesAfter}, diagnostics ${watched.diagnosticsUnchanged ? 'unchanged' : 'CHANGED'}, RSS ${watched.rssBeforeMb} → ${watched.rssAfterMb} MB`,
    );
    log(`server peak RSS ${result.peakRssMb} MB (target ≤ 400 MB)`);
    return result;
  } finally {
    resetWorkspace(workspace.root);
    rmSync(cacheRoot, { recursive: true, force: true });
  }
}

/** One server start: the index measured from progress begin to end, with hovers and keystrokes sent all along. */
async function measureIndexing(workspace: CorpusWorkspace, cacheHome: string, options: ServerCorpusBenchOptions) {
  const client = await BenchClient.start({ folders: [workspace.root], env: { XDG_CACHE_HOME: cacheHome } });
  try {
    const { uri, text } = await client.open(join(workspace.root, workspace.openedFile), languageOf(workspace.openedFile));
    const baseline: number[] = [];
    const hovers: number[] = [];
    const keystrokes: number[] = [];
    const startUpKeystrokes: number[] = [];
    /** Requests slower than 50 ms, with when they were sent (ms after `initialized`): startup or the index's middle? */
    const slow: Array<[number, number]> = [];
    const note = (sentAt: number, ms: number) => {
      if (ms > 50) slow.push([Math.round(sentAt - client.initializedAt), Math.round(ms)]);
      return ms;
    };
    const hoverLoop = (async () => {
      for (let index = 0; !client.indexEnded(); index++) {
        const tick = performance.now();
        baseline.push(note(tick, (await client.timed('textDocument/hover', { textDocument: { uri }, position: workspace.emptyPosition })).ms));
        const position = workspace.checkPositions[index % workspace.checkPositions.length]!;
        const sent = performance.now();
        hovers.push(note(sent, (await client.timed('textDocument/hover', { textDocument: { uri }, position })).ms));
        await sleep(Math.max(0, HOVER_INTERVAL_MS - (performance.now() - tick)));
      }
    })();
    const typing = new Typist(client, uri, text, workspace);
    const keystrokeLoop = (async () => {
      while (!client.indexEnded()) {
        const sent = performance.now();
        const ms = await typing.keystroke();
        // A keystroke answered after the index ended is not "while indexing"; one sent before it began is start-up.
        const began = client.indexBeganAt();
        if (began === undefined || sent < began) startUpKeystrokes.push(note(sent, ms));
        else if (!client.indexEnded()) keystrokes.push(note(sent, ms));
        await sleep(KEYSTROKE_INTERVAL_MS);
      }
    })();
    await client.until(() => client.indexEnded(), 600_000, 'the index to end');
    await Promise.all([hoverLoop, keystrokeLoop]);
    // Give the server a moment to persist what it persists after an index (a cache) before the next start.
    await sleep(500);
    if (slow.length) options.log(`    requests and keystrokes over 50 ms while indexing (sent at ms after initialized, took ms): ${JSON.stringify(slow)}`);
    const firstArrival = client.diagnosticsArrivals.find((arrival) => arrival.uri === uri);
    return { indexMs: client.indexSpanMs()!, baseline, hovers, keystrokes, startUpKeystrokes, firstDiagnosticsMs: (firstArrival?.at ?? Number.NaN) - client.spawnedAt, peakRssMb: client.memory().peakRssMb };
  } finally {
    await client.stop();
  }
}

/** After the index: request latency, keystrokes, bump/abort with hovers, and 1,000 watched files the rules ignore. */
async function measureSteadyState(workspace: CorpusWorkspace, cacheHome: string, options: ServerCorpusBenchOptions) {
  const client = await BenchClient.start({ folders: [workspace.root], env: { XDG_CACHE_HOME: cacheHome }, initializationOptions: { trusted: true } });
  try {
    const { uri, text } = await client.open(join(workspace.root, workspace.openedFile), languageOf(workspace.openedFile));
    await client.until(() => client.indexEnded(), 600_000, 'the index to end');
    await sleep(1000);
    const baseline: number[] = [];
    const hovers: number[] = [];
    for (let index = 0; index < options.hovers; index++) {
      baseline.push((await client.timed('textDocument/hover', { textDocument: { uri }, position: workspace.emptyPosition })).ms);
      const position = workspace.checkPositions[index % workspace.checkPositions.length]!;
      const hover = await client.timed<{ contents?: { value?: string } } | null>('textDocument/hover', { textDocument: { uri }, position });
      if (!hover.result?.contents?.value) throw new Error(`no hover at ${JSON.stringify(position)} after the index`);
      hovers.push(hover.ms);
    }
    const typing = new Typist(client, uri, text, workspace);
    const keystrokes: number[] = [];
    for (let index = 0; index < options.edits; index++) keystrokes.push(await typing.keystroke());
    await typing.restore();
    await sleep(500);

    const { baseline: baselineBefore, hovers: hoverDuringWrites, bump, abort } = await hoversDuringBumpAndAbort(client, uri, workspace);
    if (!bump.result.ok) options.log(`  bump refused: ${bump.result.message}`);
    if (!abort.result.ok) options.log(`  abort refused: ${abort.result.message}`);
    const baselineP50 = percentile(baselineBefore, 50);

    // 1,000 files a build and an install would write, each a copy of a file with checks.
    const before = { references: await totalReferences(client), diagnostics: diagnosticsJson(client), rssMb: client.memory().rssMb };
    const created: string[] = [];
    mkdirSync(join(workspace.root, 'dist'), { recursive: true });
    mkdirSync(join(workspace.root, 'node_modules', 'built-package'), { recursive: true });
    for (let index = 0; index < 1000; index++) {
      const path = index % 2 ? join(workspace.root, 'dist', `copy-${index}.tsx`) : join(workspace.root, 'node_modules', 'built-package', `copy-${index}.tsx`);
      writeFileSync(path, text);
      created.push(path);
    }
    for (let start = 0; start < created.length; start += 100) {
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: created.slice(start, start + 100).map((path) => ({ uri: pathToFileURL(path).href, type: 1 })) });
      await sleep(10);
    }
    await sleep(2000);
    const after = { references: await totalReferences(client), diagnostics: diagnosticsJson(client), rssMb: client.memory().rssMb };
    return {
      baseline,
      hovers,
      keystrokes,
      bump: {
        hoverDuringWrites: distribution(hoverDuringWrites),
        baselineBefore: distribution(baselineBefore),
        maxDelayOverBaselineP50Ms: round(Math.max(...hoverDuringWrites) - baselineP50),
        bumped: bump.result.ok,
        aborted: abort.result.ok,
      },
      watchedFiles: {
        created: created.length,
        referencesBefore: before.references,
        referencesAfter: after.references,
        diagnosticsUnchanged: before.diagnostics === after.diagnostics,
        rssBeforeMb: round(before.rssMb),
        rssAfterMb: round(after.rssMb),
      },
      peakRssMb: client.memory().peakRssMb,
    };
  } finally {
    await client.stop();
  }
}

/** Edits one check at a time to a key nobody defines and times the publish that carries it (FL003). */
class Typist {
  private count = 0;
  private version = 1;
  private readonly lines: string[];

  constructor(
    private readonly client: BenchClient,
    private readonly uri: string,
    private readonly text: string,
    private readonly workspace: CorpusWorkspace,
  ) {
    this.lines = text.split('\n');
  }

  async keystroke(): Promise<number> {
    const index = this.count++;
    const check = this.workspace.checkPositions[index % this.workspace.checkPositions.length]!;
    const marker = `bench-unknown-${index}`;
    const edited = [...this.lines];
    edited[check.line] = edited[check.line]!.replace(check.expression, `'${marker}'`);
    const sent = performance.now();
    const arrivals = this.client.diagnosticsArrivals.length;
    await this.client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: this.uri, version: ++this.version }, contentChanges: [{ text: edited.join('\n') }] });
    await this.client.until(
      () => this.client.diagnosticsArrivals.length > arrivals && JSON.stringify(this.client.diagnostics.get(this.uri) ?? []).includes(marker),
      60_000,
      `diagnostics naming ${marker}`,
    );
    const arrival = this.client.diagnosticsArrivals.slice(arrivals).find((candidate) => candidate.uri === this.uri && JSON.stringify(this.client.diagnostics.get(this.uri)).includes(marker));
    return (arrival?.at ?? performance.now()) - sent;
  }

  async restore(): Promise<void> {
    await this.client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: this.uri, version: ++this.version }, contentChanges: [{ text: this.text }] });
  }
}

async function totalReferences(client: BenchClient): Promise<number> {
  const list = (await client.connection.sendRequest('flaglens/listFlags', {})) as { flags: Array<{ references: unknown[] }> } | { folders: Array<{ flags: Array<{ references: unknown[] }> }> };
  const flags = 'folders' in list ? list.folders.flatMap((folder) => folder.flags) : list.flags;
  return flags.reduce((sum, flag) => sum + flag.references.length, 0);
}

function diagnosticsJson(client: BenchClient): string {
  return JSON.stringify([...client.diagnostics].filter(([, diagnostics]) => diagnostics.length).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The corpus copy the server runs on, made once per PREPARED_VERSION: the tree, its flaglens.yaml naming a flagd
 * file, that file defining every key the scanner finds (at released, canary and rolling stages), and a git
 * repository whose history changes the state file 40 times (releasedAt and removed keys come from it).
 */
function prepareCorpusWorkspace(workDirectory: string, log: (line: string) => void): CorpusWorkspace {
  const corpus = unpackCorpus('twenty');
  const root = join(workDirectory, 'server-corpus', 'twenty');
  const marker = join(root, '.git', 'flaglens-bench-ready');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== String(PREPARED_VERSION)) {
    log(`preparing the corpus copy in ${root} (once)`);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    cpSync(corpus.tree, root, { recursive: true });
    // The keys come from a scan with the developers' config alone: the state file naming them does not exist yet.
    writeFileSync(join(root, 'flaglens.yaml'), readFileSync(corpus.config, 'utf8'));
    const keys = scannedKeys(root);
    writeFileSync(join(root, 'flaglens.yaml'), `${readFileSync(corpus.config, 'utf8')}\nstate:\n  flagd: flags.flagd.yaml\n`);
    const git = (args: string[], date?: string) =>
      execFileSync('git', args, {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid', ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}) },
      });
    git(['init', '-q', '-b', 'main']);
    const day = (offset: number) => new Date(Date.UTC(2025, 0, 1) + offset * 86_400_000).toISOString();
    writeFileSync(join(root, 'flags.flagd.yaml'), flagdText(keys, 0));
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'corpus'], day(0));
    for (let revision = 1; revision <= 40; revision++) {
      writeFileSync(join(root, 'flags.flagd.yaml'), flagdText(keys, revision));
      git(['commit', '-q', '-am', `flags revision ${revision}`], day(revision));
    }
    writeFileSync(marker, String(PREPARED_VERSION));
  }
  const references = scanReferences(root);
  // The file with the most resolved checks is the one "being edited".
  const byFile = new Map<string, typeof references>();
  for (const reference of references) if (reference.resolved) byFile.set(reference.file, [...(byFile.get(reference.file) ?? []), reference]);
  const [openedFile, checks] = [...byFile].sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b))[0]!;
  const text = readFileSync(join(root, openedFile), 'utf8');
  const lines = text.split('\n');
  const checkPositions = checks.map((reference) => ({ line: reference.line - 1, character: reference.column - 1 + 2, expression: reference.keyExpression }))
    .filter((check) => lines[check.line]?.includes(check.expression));
  const emptyLine = lines.findIndex((line, index) => index > 0 && line.trim() === '');
  const keys = scannedKeys(root);
  return {
    root,
    files: Number(execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter((file) => /\.[cm]?[jt]sx?$/.test(file)).length),
    openedFile,
    checkPositions,
    emptyPosition: { line: Math.max(0, emptyLine), character: 0 },
    canaryKey: keys.find((_, index) => index % 3 === 1)!,
  };
}

interface ScannedReference {
  file: string;
  line: number;
  column: number;
  key: string | null;
  keyExpression: string;
  resolved: boolean;
}

const referencesByRoot = new Map<string, ScannedReference[]>();

function scanReferences(root: string): ScannedReference[] {
  const known = referencesByRoot.get(root);
  if (known) return known;
  const output = execFileSync(process.execPath, [join(__dirname, '..', 'dist', 'cli.js'), 'scan', root, '--format', 'json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const references = (JSON.parse(output) as { references: ScannedReference[] }).references;
  referencesByRoot.set(root, references);
  return references;
}

function scannedKeys(root: string): string[] {
  return [...new Set(scanReferences(root).flatMap((reference) => (reference.resolved && reference.key ? [reference.key] : [])))].sort();
}

/** Every third key released (since the first revision), every third at canary, the rest rolling; one flag moves per revision. */
function flagdText(keys: string[], revision: number): string {
  const flags = keys.map((key, index) => {
    const stage = index % 3;
    const percentage = stage === 0 ? 100 : stage === 1 ? 10 : revision % 2 ? 50 : 25;
    return flagdEntry(key, percentage, { createdAt: '2024-12-01T00:00:00Z' });
  });
  return `flags:\n${flags.join('\n')}\n`;
}

/** Puts the copy back as committed: the state file, and nothing the server or the bench wrote (.flaglens/, dist/, node_modules/). */
function resetWorkspace(root: string): void {
  execFileSync('git', ['checkout', '-q', '--', '.'], { cwd: root });
  execFileSync('git', ['clean', '-fdxq', '-e', '.git'], { cwd: root });
}

function languageOf(file: string): string {
  return file.endsWith('.tsx') ? 'typescriptreact' : 'typescript';
}

function distribution(values: number[]): Distribution {
  return {
    count: values.length,
    p50Ms: round(percentile(values, 50)),
    p95Ms: round(percentile(values, 95)),
    p99Ms: round(percentile(values, 99)),
    maxMs: round(values.length ? Math.max(...values) : Number.NaN),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function target(value: number, limit: number): { value: number; target: number; met: boolean } {
  return { value: round(value), target: limit, met: value <= limit };
}

// ---------------------------------------------------------------------------------------------
// server-scale: the same measurements on a bigger copy, for what grows with a repository: the corpus with its two
// big packages (twenty-front, twenty-server) present three times (~19k files, three times the checks), and a state
// file with 500 flags (the corpus's keys plus filler flags nobody checks), the size a large organisation's is.

/** Bump when the scaled copy changes shape. */
const SCALED_VERSION = 1;
const SCALE_COPIES = 3;
const SCALE_FLAGS = 500;

export interface ServerScaleBenchResult {
  files: number;
  flags: number;
  coldIndexMs: number[];
  allRequestsDuringIndexing: Distribution;
  keystrokeDuringIndexing: Distribution;
  bump: { hoverDuringWrites: Distribution; maxDelayOverBaselineP50Ms: number; bumped: boolean; aborted: boolean };
  peakRssMb: number;
  targets: Record<string, { value: number; target: number; met: boolean }>;
}

export async function runServerScaleBench(options: ServerCorpusBenchOptions): Promise<ServerScaleBenchResult> {
  const { log } = options;
  const corpus = prepareCorpusWorkspace(options.workDirectory, log);
  const workspace = prepareScaledWorkspace(corpus, options.workDirectory, log);
  log(`\nlanguage server at scale: ${workspace.files} files, ${SCALE_FLAGS} flags in ${workspace.root}; editing ${workspace.openedFile}`);
  const cacheRoot = mkdtempSync(join(options.workDirectory, 'server-scale-cache-'));
  const requests: number[] = [];
  const keystrokes: number[] = [];
  const coldIndexMs: number[] = [];
  let peakRssMb = 0;
  try {
    // Cold starts only (a fresh cache folder each): what grows with the repository is the index and its end.
    for (let run = 0; run < Math.max(2, options.runs - 1); run++) {
      resetWorkspace(workspace.root);
      const start = await measureIndexing(workspace, join(cacheRoot, `run-${run}`), options);
      requests.push(...start.baseline, ...start.hovers);
      keystrokes.push(...start.keystrokes);
      coldIndexMs.push(round(start.indexMs));
      peakRssMb = Math.max(peakRssMb, start.peakRssMb);
      log(`  run ${run + 1}: cold index ${start.indexMs.toFixed(0)} ms; requests while indexing ${start.baseline.length + start.hovers.length}, max ${Math.max(...start.baseline, ...start.hovers).toFixed(1)} ms`);
    }
    resetWorkspace(workspace.root);
    const bump = await measureBumpAbort(workspace, join(cacheRoot, 'run-0'));
    peakRssMb = Math.max(peakRssMb, bump.peakRssMb);
    const result: ServerScaleBenchResult = {
      files: workspace.files,
      flags: SCALE_FLAGS,
      coldIndexMs,
      allRequestsDuringIndexing: distribution(requests),
      keystrokeDuringIndexing: distribution(keystrokes),
      bump: { hoverDuringWrites: distribution(bump.hovers), maxDelayOverBaselineP50Ms: round(Math.max(...bump.hovers) - percentile(bump.baseline, 50)), bumped: bump.bumped, aborted: bump.aborted },
      peakRssMb: round(peakRssMb),
      targets: {},
    };
    result.targets = {
      requestP99DuringIndexingMs: target(result.allRequestsDuringIndexing.p99Ms, 20),
      requestMaxDuringIndexingMs: target(result.allRequestsDuringIndexing.maxMs, 50),
      keystrokeP95DuringIndexingMs: target(result.keystrokeDuringIndexing.p95Ms, 50),
      hoverDelayDuringBumpAbortMs: target(result.bump.maxDelayOverBaselineP50Ms, 50),
      peakRssMb: target(result.peakRssMb, 400),
    };
    const show = (name: string, values: Distribution) => `${name}: p50 ${values.p50Ms} ms, p95 ${values.p95Ms} ms, p99 ${values.p99Ms} ms, max ${values.maxMs} ms (${values.count})`;
    log(`cold index ${coldIndexMs.join(', ')} ms`);
    log(`${show('every request while indexing', result.allRequestsDuringIndexing)} (targets p99 ≤ 20 ms, max ≤ 50 ms)`);
    log(`${show('keystroke → diagnostics while indexing', result.keystrokeDuringIndexing)} (target p95 ≤ 50 ms)`);
    log(`${show(`hover during bump + abort (${SCALE_FLAGS}-flag state file)`, result.bump.hoverDuringWrites)}; worst delay over the trivial request's p50: ${result.bump.maxDelayOverBaselineP50Ms} ms (target ≤ 50 ms); bump ${result.bump.bumped ? 'ok' : 'FAILED'}, abort ${result.bump.aborted ? 'ok' : 'FAILED'}`);
    log(`server peak RSS ${result.peakRssMb} MB (target ≤ 400 MB)`);
    return result;
  } finally {
    rmSync(cacheRoot, { recursive: true, force: true });
  }
}

function prepareScaledWorkspace(corpus: CorpusWorkspace, workDirectory: string, log: (line: string) => void): CorpusWorkspace {
  const root = join(workDirectory, 'server-scale', 'twenty');
  const marker = join(root, '.git', 'flaglens-bench-ready');
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== `${PREPARED_VERSION}/${SCALED_VERSION}`) {
    log(`preparing the scaled copy in ${root} (once)`);
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    cpSync(corpus.root, root, { recursive: true });
    for (let copy = 2; copy <= SCALE_COPIES; copy++) {
      for (const name of ['twenty-front', 'twenty-server']) cpSync(join(root, 'packages', name), join(root, 'packages', `${name}-copy${copy}`), { recursive: true });
    }
    const state = readFileSync(join(root, 'flags.flagd.yaml'), 'utf8').trimEnd();
    const defined = (state.match(/^ {2}\S[^:]*:$/gm) ?? []).length;
    const filler = Array.from({ length: Math.max(0, SCALE_FLAGS - defined) }, (_, index) => flagdEntry(`scale-filler-${index}`, [0, 10, 50, 100][index % 4]!, { createdAt: '2024-12-01T00:00:00Z' }));
    writeFileSync(join(root, 'flags.flagd.yaml'), `${state}\n${filler.join('\n')}\n`);
    execFileSync('git', ['add', '-A'], { cwd: root });
    execFileSync('git', ['commit', '-q', '-m', 'scaled copy'], { cwd: root, env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.invalid' } });
    writeFileSync(marker, `${PREPARED_VERSION}/${SCALED_VERSION}`);
  }
  const files = Number(execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n').filter((file) => /\.[cm]?[jt]sx?$/.test(file)).length);
  return { ...corpus, root, files };
}

/** A started server's index, then hovers during its bump and abort (see `hoversDuringBumpAndAbort`). */
async function measureBumpAbort(workspace: CorpusWorkspace, cacheHome: string) {
  const client = await BenchClient.start({ folders: [workspace.root], env: { XDG_CACHE_HOME: cacheHome }, initializationOptions: { trusted: true } });
  try {
    const { uri } = await client.open(join(workspace.root, workspace.openedFile), languageOf(workspace.openedFile));
    await client.until(() => client.indexEnded(), 600_000, 'the index to end');
    await sleep(1500);
    const { baseline, hovers, bump, abort } = await hoversDuringBumpAndAbort(client, uri, workspace);
    return { baseline, hovers, bumped: bump.result.ok, aborted: abort.result.ok, peakRssMb: client.memory().peakRssMb };
  } finally {
    await client.stop();
  }
}

/**
 * 50 trivial hovers (the baseline), then hovers every 20 ms while the canary is bumped and aborted: each a state-file
 * edit and a reload with its git history.
 */
async function hoversDuringBumpAndAbort(client: BenchClient, uri: string, workspace: CorpusWorkspace) {
  const baseline: number[] = [];
  for (let index = 0; index < 50; index++) baseline.push((await client.timed('textDocument/hover', { textDocument: { uri }, position: workspace.emptyPosition })).ms);
  const hovers: number[] = [];
  let writing = true;
  const hoverLoop = (async () => {
    for (let index = 0; writing; index++) {
      const tick = performance.now();
      const position = workspace.checkPositions[index % workspace.checkPositions.length]!;
      hovers.push((await client.timed('textDocument/hover', { textDocument: { uri }, position })).ms);
      await sleep(Math.max(0, HOVER_INTERVAL_MS - (performance.now() - tick)));
    }
  })();
  const bump = await client.timed<{ ok: boolean; message?: string }>('flaglens/bump', { key: workspace.canaryKey });
  await sleep(1500);
  const abort = await client.timed<{ ok: boolean; message?: string }>('flaglens/abort', { key: workspace.canaryKey, reason: 'benchmark' });
  await sleep(1500);
  writing = false;
  await hoverLoop;
  return { baseline, hovers, bump, abort };
}
