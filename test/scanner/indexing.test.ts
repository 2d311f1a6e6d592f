// How indexing shares the editor's event loop: time slices (a turn for other callbacks after every slice of
// work, however many files that is) and cancellation (an aborted signal stops the index within one slice; a
// cancelled host finishes the job when asked again, with the same result as an uncancelled run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScannerHost } from '../../core/src/scanner/index.js';
import { clockedFileSystem, configFrom } from './fixture.js';

const SLICE_MS = 10;

function checkFiles(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) files[`src/f${String(i).padStart(3, '0')}.ts`] = `import { isEnabled } from 'unleash-client';\nexport const x = isEnabled('k${i}');\n`;
  return files;
}

/** Counts turns of the event loop (setImmediate callbacks) until stopped. */
function turnCounter(): { turns: number; stop(): void } {
  const counter = { turns: 0, stopped: false, stop: () => void (counter.stopped = true) };
  const spin = () => {
    if (counter.stopped) return;
    counter.turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  return counter;
}

test('indexing gives the event loop a turn after every slice of work, however many files a slice holds', async () => {
  for (const readCostMs of [1, 4, 25]) {
    const { fs, clock, onRead } = clockedFileSystem(checkFiles(60), readCostMs);
    const host = new ScannerHost({ root: '/w', fs, config: configFrom(), slices: { sliceMs: SLICE_MS, monotonicMs: () => clock.now } });
    const counter = turnCounter();
    // The turn count seen by each read: reads that see the same count ran in one stretch without a turn.
    const turnsAtRead: number[] = [];
    onRead.push(() => turnsAtRead.push(counter.turns));
    const result = await host.indexWorkspace();
    counter.stop();
    assert.equal(result.references.length, 60);
    const stretches = new Map<number, number>();
    for (const turns of turnsAtRead) stretches.set(turns, (stretches.get(turns) ?? 0) + 1);
    // A slice ends once its time is used up: ceil(10 / cost) reads, so cheap files share a turn and costly ones do not.
    const perSlice = Math.ceil(SLICE_MS / readCostMs);
    assert.equal(Math.max(...stretches.values()), perSlice, `reads per stretch at ${readCostMs} ms each: ${[...stretches.values()]}`);
    assert.equal(stretches.size, Math.ceil(60 / perSlice));
  }
});

test('walking the folders is sliced too: a workspace of many folders gives turns before the first file is read', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`packages/p${i}/src/index.ts`] = `export const v${i} = ${i};\n`;
  const { fs, clock, onRead } = clockedFileSystem(files, 0);
  // Listing a folder costs 2 ms of the test clock.
  const readDirectory = fs.readDirectory.bind(fs);
  fs.readDirectory = (path) => {
    clock.now += 2;
    return readDirectory(path);
  };
  const host = new ScannerHost({ root: '/w', fs, config: configFrom(), slices: { sliceMs: SLICE_MS, monotonicMs: () => clock.now } });
  const counter = turnCounter();
  let turnsAtFirstRead: number | undefined;
  onRead.push(() => (turnsAtFirstRead ??= counter.turns));
  await host.indexWorkspace();
  counter.stop();
  // 82 folders (the root, packages/, 40 packages and their src/) at 2 ms: 16 slices before the first file.
  assert.ok(turnsAtFirstRead !== undefined && turnsAtFirstRead >= 15, `turns before the first read: ${turnsAtFirstRead}`);
});

test('an aborted signal stops indexing at the next check-in with its reason', async () => {
  const { fs, clock, onRead } = clockedFileSystem(checkFiles(60), 4);
  const host = new ScannerHost({ root: '/w', fs, config: configFrom(), slices: { sliceMs: SLICE_MS, monotonicMs: () => clock.now } });
  const controller = new AbortController();
  const reason = new Error('a newer index replaced this one');
  let readsAfterAbort = 0;
  let reads = 0;
  onRead.push(() => {
    reads++;
    if (controller.signal.aborted) readsAfterAbort++;
  });
  // Aborted from another callback while the index runs, as a language server's newer request would.
  const abortWhenHalfDone = () => (reads >= 30 ? controller.abort(reason) : setImmediate(abortWhenHalfDone));
  setImmediate(abortWhenHalfDone);
  await assert.rejects(host.indexWorkspace({ signal: controller.signal }), (error) => error === reason);
  assert.equal(readsAfterAbort, 0, 'no file is read once the signal is seen');
  assert.ok(reads < 60, `stopped early: ${reads} of 60 files read`);
});

test('an already aborted signal reads nothing', async () => {
  const { fs, clock, onRead } = clockedFileSystem(checkFiles(5), 1);
  let reads = 0;
  onRead.push(() => reads++);
  const host = new ScannerHost({ root: '/w', fs, config: configFrom(), slices: { monotonicMs: () => clock.now } });
  await assert.rejects(host.indexWorkspace({ signal: AbortSignal.abort() }), { name: 'AbortError' });
  assert.equal(reads, 0);
});

test('a cancelled index, run again, gives exactly the result of an uncancelled run (wrappers found in rounds included)', async () => {
  // Callers come before the wrapper in walk order: they pass the prefilter only through the wrapper's name, in a round.
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`src/a${String(i).padStart(2, '0')}-caller.ts`] = `import { gate } from './z-gate';\nexport const on${i} = gate('wrapped-${i}');\n`;
  for (let i = 0; i < 30; i++) files[`src/b${String(i).padStart(2, '0')}-plain.ts`] = `export const value${i} = ${i};\n`;
  files['src/z-gate.ts'] = `import { isEnabled } from 'unleash-client';\nexport function gate(name: string) { return isEnabled(name); }\n`;
  files['src/z-keys.ts'] = `import { isEnabled } from 'unleash-client';\nexport const direct = isEnabled('direct');\n`;
  const fresh = clockedFileSystem(files, 1);
  const expected = await new ScannerHost({ root: '/w', fs: fresh.fs, config: configFrom(), slices: { sliceMs: SLICE_MS, monotonicMs: () => fresh.clock.now } }).indexWorkspace();
  assert.equal(expected.references.length, 31);
  // Cancel at several points of the read pass, once every file was read but before the rounds ran, and in the
  // first round (its trigger names already taken).
  const fileCount = Object.keys(files).length;
  for (const abortAtRead of [5, 45, 'before rounds', 'in a round'] as const) {
    const { fs, clock, onRead } = clockedFileSystem(files, 1);
    const host = new ScannerHost({ root: '/w', fs, config: configFrom(), slices: { sliceMs: SLICE_MS, monotonicMs: () => clock.now } });
    const controller = new AbortController();
    let reads = 0;
    onRead.push(() => {
      if (++reads === abortAtRead) controller.abort();
      if (abortAtRead === 'in a round' && reads === fileCount) {
        // The last read uses up the slice: the first round pauses at once, and the abort comes during that pause.
        clock.now += SLICE_MS;
        setImmediate(() => controller.abort());
      }
    });
    const onProgress = (done: number, total: number) => {
      if (abortAtRead === 'before rounds' && done === total) controller.abort();
    };
    await assert.rejects(host.indexWorkspace({ signal: controller.signal, onProgress }), { name: 'AbortError' });
    const resumed = await host.indexWorkspace();
    assert.deepEqual(resumed.references, expected.references, `cancelled at read ${abortAtRead}`);
  }
});
