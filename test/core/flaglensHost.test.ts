// The editor's analysis host: it schedules its delayed workspace-wide findings pass through the Timers it is given
// (no global timers): an edit recomputes the edited file's findings at once, and the workspace-wide rules (FL004
// unused flags) run once, after the quiet time, when the scheduled pass fires. Files changing on disk go through
// the workspace walk's rules: what a build writes into an ignored dist/ or npm into node_modules changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlaglensHost, type HostChange } from '../../core/src/host.js';
import type { FileSystem, FileWriter, Timers } from '../../core/src/io.js';
import { HttpError, type HttpTransport } from '../../core/src/http.js';
import { memoryFileSystem } from '../scanner/fixture.js';
import { createScannerAnalysis } from '../../core/src/scannerAnalysis.js';
import type { AnalysisChange, AnalysisFactory } from '../../core/src/workspaceAnalysis.js';

/** The real scanner in-process, recording every change the host sends it. */
function recordingAnalysis(fs: FileSystem): { factory: AnalysisFactory; changes: AnalysisChange[] } {
  const changes: AnalysisChange[] = [];
  return {
    changes,
    factory: (target) => {
      const analysis = createScannerAnalysis(target, { fs });
      return { index: (request) => analysis.index(request), update: (change) => (changes.push(change), analysis.update(change)), dispose: () => analysis.dispose() };
    },
  };
}

/** No network in these tests: any request is an error (no metrics are configured, so none is made). */
const offlineHttp: HttpTransport = {
  request: async (request) => Promise.reject(new HttpError('offline test', 'network', request.url)),
  json: async (request) => Promise.reject(new HttpError('offline test', 'network', typeof request === 'string' ? request : request.url)),
  throwForStatus: () => undefined,
  redact: (text) => text,
  close: async () => undefined,
};

/** Timers that run only when the test says so. */
function manualTimers(): Timers & { pending: Array<{ run: () => void; delayMs: number; cancelled: boolean }>; runPending(): void } {
  const pending: Array<{ run: () => void; delayMs: number; cancelled: boolean }> = [];
  return {
    pending,
    schedule(delayMs, run) {
      const entry = { run, delayMs, cancelled: false };
      pending.push(entry);
      return () => void (entry.cancelled = true);
    },
    sleep: async () => undefined,
    monotonicMs: () => 0,
    runPending() {
      for (const entry of pending.splice(0)) if (!entry.cancelled) entry.run();
    },
  };
}

const refusingWriter: FileWriter = {
  process: { self: { pid: 1, host: 'test' }, isAlive: () => true },
  writeAtomic: () => assert.fail('no writes in this test'),
  stage: () => assert.fail('no writes in this test'),
  commit: () => assert.fail('no writes in this test'),
  createExclusive: () => assert.fail('no writes in this test'),
  remove: () => assert.fail('no writes in this test'),
  makeDirectory: () => assert.fail('no writes in this test'),
  removeDeadTemps: () => 0,
  ageMs: () => undefined,
};

const STATE = `flags:
  gift-wrapping:
    state: ENABLED
    variants: { "on": true, "off": false }
    defaultVariant: "off"
    targeting:
      fractional:
        - ["on", 50]
        - ["off", 50]
`;
const USES_GIFT = `import { OpenFeature } from '@openfeature/server-sdk';\nconst client = OpenFeature.getClient();\nexport const on = client.getBooleanValue('gift-wrapping', false);\n`;
const USES_NOTHING = `export const on = false;\n`;

test('an edit updates its own file at once; the workspace-wide pass runs once, when the scheduled timer fires', async () => {
  const timers = manualTimers();
  const fs = memoryFileSystem({ 'flags.flagd.yaml': STATE, 'src/app.ts': USES_GIFT });
  const host = new FlaglensHost({ root: '/w', fs, writer: refusingWriter, git: { fileHistory: () => [] }, clock: { now: () => new Date('2026-11-27T12:00:00Z') }, timers, http: offlineHttp, analysis: recordingAnalysis(fs).factory });
  try {
    await host.reloadState();
    await host.startIndex();
    const changes: HostChange[] = [];
    host.onDidChange((change) => changes.push(change));
    host.openDocument('/w/src/app.ts', USES_GIFT);
    await host.whenAnalysed();
    assert.deepEqual(host.findingsForKey('gift-wrapping').map((finding) => finding.code), [], 'checked in code: no FL004');
    assert.equal(host.referencesForKey('gift-wrapping').length, 1);

    // Two quick edits: the first pass is cancelled, one remains, with the host's quiet time.
    host.changeDocument('/w/src/app.ts', USES_NOTHING.replace('false', 'true'));
    await host.whenAnalysed();
    host.changeDocument('/w/src/app.ts', USES_NOTHING);
    await host.whenAnalysed();
    assert.deepEqual(timers.pending.map((entry) => entry.cancelled), [true, false]);
    assert.equal(timers.pending[1].delayMs, 200);
    assert.equal(host.referencesForKey('gift-wrapping').length, 0, 'the edited file is re-analysed at once');
    assert.ok(!changes.some((change) => change.findings), 'no full pass before the timer fires');
    assert.deepEqual(host.findingsForKey('gift-wrapping').map((finding) => finding.code), [], 'FL004 waits for the full pass');

    timers.runPending();
    assert.deepEqual(changes.filter((change) => change.findings), [{ files: undefined, findings: true }]);
    assert.deepEqual(host.findingsForKey('gift-wrapping').map((finding) => finding.code), ['FL004']);
  } finally {
    host.dispose();
  }
});

test('dispose cancels a pending full pass', async () => {
  const timers = manualTimers();
  const fs = memoryFileSystem({ 'flags.flagd.yaml': STATE, 'src/app.ts': USES_GIFT });
  const host = new FlaglensHost({ root: '/w', fs, writer: refusingWriter, git: { fileHistory: () => [] }, clock: { now: () => new Date('2026-11-27T12:00:00Z') }, timers, http: offlineHttp, analysis: recordingAnalysis(fs).factory });
  await host.reloadState();
  await host.startIndex();
  host.openDocument('/w/src/app.ts', USES_GIFT);
  await host.whenAnalysed();
  host.findingsInFile('src/app.ts');
  host.changeDocument('/w/src/app.ts', USES_NOTHING);
  await host.whenAnalysed();
  assert.equal(timers.pending.length, 1);
  host.dispose();
  assert.equal(timers.pending[0].cancelled, true);
});

test('files written on disk where the walk does not look (gitignored dist/, node_modules, excludes) change nothing', async () => {
  const timers = manualTimers();
  const fs = memoryFileSystem({ '.gitignore': 'dist/\n', 'flaglens.yaml': 'exclude: ["**/fixtures/**"]\n', 'flags.flagd.yaml': STATE, 'src/app.ts': USES_NOTHING });
  const analysis = recordingAnalysis(fs);
  const host = new FlaglensHost({ root: '/w', fs, writer: refusingWriter, git: { fileHistory: () => [] }, clock: { now: () => new Date('2026-11-27T12:00:00Z') }, timers, http: offlineHttp, analysis: analysis.factory });
  try {
    await host.reloadState();
    await host.startIndex();
    const changes: HostChange[] = [];
    host.onDidChange((change) => changes.push(change));
    for (const path of ['dist/app.js', 'node_modules/sdk/index.js', 'src/fixtures/sample.ts', 'dist/copy.flagd.yaml']) {
      fs.files.set(`/w/${path}`, USES_GIFT);
      host.fileChangedOnDisk(`/w/${path}`);
    }
    await host.whenAnalysed();
    assert.deepEqual(analysis.changes, [], 'nothing is sent to the analysis');
    assert.deepEqual([...changes], [], 'no re-analysis, no state reload');
    assert.equal(host.referencesForKey('gift-wrapping').length, 0);

    fs.files.set('/w/src/added.ts', USES_GIFT);
    host.fileChangedOnDisk('/w/src/added.ts');
    await host.whenAnalysed();
    assert.deepEqual(analysis.changes, [{ kind: 'disk', path: '/w/src/added.ts' }]);
    assert.deepEqual(changes.map((change) => change.files), [['src/added.ts']]);
    assert.equal(host.referencesForKey('gift-wrapping').length, 1);
  } finally {
    host.dispose();
  }
});

test('auto-discovered state files are found by one walk; a flagd file created later is discovered when the host hears of it', async () => {
  const timers = manualTimers();
  const fs = memoryFileSystem({ 'flags.flagd.yaml': STATE, 'src/app.ts': USES_GIFT });
  const walked: string[] = [];
  const countingFs: FileSystem = { ...fs, readDirectory: (path) => (walked.push(path), fs.readDirectory(path)) };
  const host = new FlaglensHost({ root: '/w', fs: countingFs, writer: refusingWriter, git: { fileHistory: () => [] }, clock: { now: () => new Date('2026-11-27T12:00:00Z') }, timers, http: offlineHttp, analysis: recordingAnalysis(fs).factory });
  try {
    await host.reloadState();
    assert.deepEqual(host.flags().map((flag) => flag.key), ['gift-wrapping']);
    const walksAfterFirstLoad = walked.filter((path) => path === '/w').length;
    await host.reloadState();
    assert.equal(walked.filter((path) => path === '/w').length, walksAfterFirstLoad, 'a reload does not walk the workspace again');
    fs.files.set('/w/config/more.flagd.yaml', STATE.replace('gift-wrapping', 'second-flag'));
    host.fileChangedOnDisk('/w/config/more.flagd.yaml');
    await host.whenStateLoaded();
    assert.deepEqual(host.flags().map((flag) => flag.key).sort(), ['gift-wrapping', 'second-flag']);
  } finally {
    host.dispose();
  }
});

/** An analysis whose answers the test releases one by one (each answer: the references the real scanner gives). */
function heldAnalysis(fs: FileSystem) {
  const held: Array<{ change: AnalysisChange; release: () => void }> = [];
  const wrap = (analysis: ReturnType<typeof createScannerAnalysis>) => ({
    index: (request?: Parameters<typeof analysis.index>[0]) => analysis.index(request),
    update: (change: AnalysisChange) =>
      new Promise<Awaited<ReturnType<typeof analysis.update>>>((resolve, reject) => {
        held.push({ change, release: () => void analysis.update(change).then(resolve, reject) });
      }),
    dispose: () => analysis.dispose(),
  });
  return { held, wrap };
}

test('with a documents lane, a buffer is shown from whichever lane answers first, and an older answer never replaces a newer one', async () => {
  const timers = manualTimers();
  const fs = memoryFileSystem({ 'flags.flagd.yaml': STATE, 'src/app.ts': USES_NOTHING });
  const main = heldAnalysis(fs);
  const documents = heldAnalysis(fs);
  const host = new FlaglensHost({
    root: '/w',
    fs,
    writer: refusingWriter,
    git: { fileHistory: () => [] },
    clock: { now: () => new Date('2026-11-27T12:00:00Z') },
    timers,
    http: offlineHttp,
    analysis: (target) => {
      assert.equal(target.documentsAnsweredElsewhere, true, 'the main analysis is told the documents lane answers buffers');
      return main.wrap(createScannerAnalysis(target, { fs }));
    },
    documentsAnalysis: (target) => documents.wrap(createScannerAnalysis(target, { fs })),
  });
  try {
    await host.reloadState();
    // Indexed first: from then on the main analysis answers buffers too (before, it leaves them to the lane).
    assert.equal((await host.startIndex()).status, 'done');
    const keys = () => host.referencesInFile('src/app.ts').map((reference) => reference.key);
    host.openDocument('/w/src/app.ts', USES_GIFT);
    assert.equal(main.held.length, 1);
    assert.equal(documents.held.length, 1, 'the buffer goes to both lanes');
    // The documents lane answers first: shown at once, before the main analysis says anything.
    documents.held[0]!.release();
    await host.whenFileAnalysed('src/app.ts');
    assert.deepEqual(keys(), ['gift-wrapping']);

    // Two edits: the documents lane answers the newer one; the main analysis's answers to the first edit (and to
    // the opening text) arrive after it and must not put the older text's references back.
    host.changeDocument('/w/src/app.ts', USES_GIFT.replace('gift-wrapping', 'first-edit'));
    host.changeDocument('/w/src/app.ts', USES_GIFT.replace('gift-wrapping', 'second-edit'));
    assert.equal(documents.held.length, 3);
    documents.held[1]!.release(); // the first edit's answer, overtaken by the second edit: not even shown for a moment
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(keys(), ['gift-wrapping']);
    documents.held[2]!.release();
    await host.whenFileAnalysed('src/app.ts');
    assert.deepEqual(keys(), ['second-edit']);
    for (const pending of main.held.slice(0, 2)) pending.release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(keys(), ['second-edit'], 'older main answers do not replace the newer buffer');
    main.held[2]!.release();
    await host.whenAnalysed();
    assert.deepEqual(keys(), ['second-edit'], 'the main answer about the newest text is shown too (the same)');
  } finally {
    host.dispose();
  }
});
