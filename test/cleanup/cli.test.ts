// `flaglens cleanup` end to end on a git-initialised temp copy of the bundled example shop: every stale
// flag removed with --write, after which the example still type-checks (tsc) and its own tests pass; a
// second run changes nothing; --diff writes nothing; a flag still rolling out needs --value.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../../cli/src/main.js';
import { recordingIo as recordingIoIn } from '../cli/recordingIo.js';

const repositoryRoot = resolve(__dirname, '../..');
// Inside the repository (gitignored .cache), so the copy resolves @types/node and tsx like the original.
const runDir = join(repositoryRoot, '.cache', `cleanup-test-${process.pid}`);
let shop = '';

const recordingIo = () => recordingIoIn(repositoryRoot, { FLAGLENS_NOW: '2026-11-27T12:00:00Z' });


before(async () => {
  mkdirSync(runDir, { recursive: true });
  // The e2e harness's copy replays the state file's git history, so legacy-search reads as removed (FL002).
  const harness = (await import(pathToFileURL(join(repositoryRoot, 'scripts/e2e/code-server.mjs')).href)) as { copyWorkspace(source: string, runDir: string, name?: string): string };
  shop = harness.copyWorkspace(join(repositoryRoot, 'examples/shop'), runDir, 'shop');
});

after(() => rmSync(runDir, { recursive: true, force: true }));

test('--diff (the default) prints a patch and writes nothing', async () => {
  const io = recordingIo();
  const code = await runCli(['cleanup', 'new-checkout', shop], io);
  assert.equal(code, 0, io.err);
  assert.match(io.out, /^--- a\/src\/server\/checkout\.ts$/m);
  assert.match(io.out, /^-  const newCheckout = await flags\.getBooleanValue\(FLAGS\.NEW_CHECKOUT, false, context\);$/m);
  assert.match(io.out, /^\+  return \{ \.\.\.priced, flow: 'one-page' \};$/m);
  assert.match(io.err, /new-checkout → on: cleaned, 1 site\(s\) rewritten, 0 skipped/);
  assert.match(readFileSync(join(shop, 'src/server/checkout.ts'), 'utf8'), /FLAGS\.NEW_CHECKOUT/);
});

test('a flag still rolling out needs --value (usage error)', async () => {
  const io = recordingIo();
  assert.equal(await runCli(['cleanup', 'fast-search', shop], io), 2);
  assert.match(io.err, /fast-search' is rolling .*--value/);
});

test('--stale --write on the example: stale flags removed, it still type-checks and its tests pass; idempotent', async () => {
  // Baseline for the timing figure: a plain type-check of the same example, in the same run.
  const tscStarted = Date.now();
  const baseline = spawnSync(process.execPath, [join(repositoryRoot, 'node_modules/typescript/bin/tsc'), '-p', shop], { encoding: 'utf8' });
  const tscMs = Date.now() - tscStarted;
  assert.equal(baseline.status, 0, `the example type-checks before: ${baseline.stdout}`);
  const sources = ['flags.flagd.yaml', 'src/flags.ts', 'src/server/checkout.ts', 'src/server/search.ts'];
  const beforeTexts = new Map(sources.map((file) => [file, readFileSync(join(shop, file), 'utf8')]));

  const io = recordingIo();
  const cleanupStarted = Date.now();
  const code = await runCli(['cleanup', '--stale', shop, '--write', '--format', 'json'], io);
  const cleanupMs = Date.now() - cleanupStarted;
  assert.equal(code, 0, io.err);
  const report = JSON.parse(io.out) as {
    flags: { key: string; value: unknown; status: string; sites: { file: string; status: string; reason?: string; depth?: number; literalKept?: string }[]; definition: { status: string } | null }[];
    files: { file: string }[];
    written: boolean;
  };
  assert.equal(report.written, true);
  assert.deepEqual(
    report.flags.map((flag) => [flag.key, flag.value, flag.status]),
    [
      ['new-checkout', true, 'cleaned'],
      ['free-shipping', true, 'cleaned'],
      ['legacy-search', false, 'cleaned'],
    ],
  );
  // `{ freeShipping }` through a constant: the shorthand gets the literal, one level from the check.
  assert.deepEqual(report.flags[1]!.sites.map((site) => [site.file, site.status, site.depth, site.literalKept]), [
    ['src/server/checkout.ts', 'rewritten', 1, 'stored in an object property (`freeShipping`)'],
  ]);
  assert.match(readFileSync(join(shop, 'src/server/checkout.ts'), 'utf8'), /priceCart\(cart, \{ freeShipping: true, /);
  assert.deepEqual(report.files.map((file) => file.file), ['flags.flagd.yaml', 'src/flags.ts', 'src/server/checkout.ts', 'src/server/search.ts']);
  const counts = report.flags.flatMap((flag) => flag.sites).reduce((sum, site) => ({ ...sum, [site.status]: (sum[site.status] ?? 0) + 1 }), {} as Record<string, number>);
  console.log(`example shop: ${counts.rewritten ?? 0} site(s) rewritten, ${counts.skipped ?? 0} skipped`);
  console.log(`example shop: cleanup --stale (3 flags: one scan, a plan each, one before/after type check) took ${cleanupMs} ms = ${(cleanupMs / tscMs).toFixed(1)}× a plain tsc -p (${tscMs} ms)`);
  const { computeTextEdits } = await import('../../core/src/cleanup/textEdits.js');
  let touched = 0;
  let total = 0;
  for (const [file, before] of beforeTexts) {
    total += before.length;
    for (const edit of computeTextEdits(before, readFileSync(join(shop, file), 'utf8'))) touched += edit.end - edit.start + edit.newText.length;
  }
  console.log(`example shop: the edits touch ${touched} of ${total} characters of the changed files (${((100 * touched) / total).toFixed(1)}% of a full reprint)`);

  const search = readFileSync(join(shop, 'src/server/search.ts'), 'utf8');
  assert.doesNotMatch(search, /LEGACY_SEARCH|engine: 'legacy', query/);
  assert.doesNotMatch(readFileSync(join(shop, 'flags.flagd.yaml'), 'utf8'), /new-checkout:/);
  assert.doesNotMatch(readFileSync(join(shop, 'flags.flagd.yaml'), 'utf8'), /free-shipping:/);

  const tsc = spawnSync(process.execPath, [join(repositoryRoot, 'node_modules/typescript/bin/tsc'), '-p', shop], { encoding: 'utf8' });
  assert.equal(tsc.status, 0, `tsc -p on the cleaned example:\n${tsc.stdout}${tsc.stderr}`);
  const tests = spawnSync(process.execPath, ['--import', 'tsx', '--test', 'test/pricing.test.ts'], { cwd: shop, encoding: 'utf8' });
  assert.equal(tests.status, 0, `the example's own tests:\n${tests.stdout}${tests.stderr}`);

  const again = recordingIo();
  assert.equal(await runCli(['cleanup', '--stale', shop, '--write'], again), 0, again.err);
  assert.match(again.out, /Nothing to change\./);
  const status = execFileSync('git', ['status', '--porcelain'], { cwd: shop, encoding: 'utf8' });
  assert.deepEqual(status.split('\n').filter((line) => line.trim() !== '').map((line) => line.slice(3)).sort(), ['flags.flagd.yaml', 'src/flags.ts', 'src/server/checkout.ts', 'src/server/search.ts']);
});
