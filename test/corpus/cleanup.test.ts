// The cleanup on real code nobody here wrote: every flag key of the real monorepo in shared/corpus (its hand-checked
// ground truth) is cleaned with `--value on --write`, one key after the other on one copy reset between keys.
// An independent type check (the `typescript` package on disk, each file's own tsconfig, the program's module
// resolution for importers) compares the errors of the changed files and their importers before and after as
// (file, code, message) sets, so line shifts do not count; a second run must change nothing. The table printed
// at the end is the one in docs/cleanup.md. `--stale` over every key at once is cleanupStale.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/src/main.js';
import { recordingIo } from '../cli/recordingIo.js';
import { cacheRoot, corpus, fileSizes, IndependentTypeCheck, keys, repositoryRoot, type ReportJson } from './corpusCleanup.js';

const pristine = 'tree' in corpus ? corpus.tree : '';
const work = join(cacheRoot, 'work');
const config = join(cacheRoot, 'twenty.flaglens.yaml');
let types: IndependentTypeCheck;
let pristineSizes: Map<string, number>;
const rows: string[] = [];
const totals = { sites: 0, rewritten: 0, newErrors: 0, idempotent: 0, depth: [0, 0, 0] };
const skipReasons = new Map<string, number>();
let cleanupMs = 0;
let started = 0;

test('the real corpus is unpacked into a working copy', () => {
  assert.ok('tree' in corpus, 'missing' in corpus ? corpus.missing : '');
  assert.ok(keys.length >= 10, `the ground truth names the corpus's flag keys (found ${keys.length})`);
  rmSync(work, { recursive: true, force: true });
  cpSync(pristine, work, { recursive: true });
  writeFileSync(config, readFileSync(corpus.config, 'utf8'));
  types = new IndependentTypeCheck(work);
  pristineSizes = fileSizes(work);
  started = Date.now();
});

for (const key of keys) {
  test(`cleanup ${key} --value on --write: no new type error in the changed files and their importers; a second run changes nothing`, async () => {
    const io = recordingIo(repositoryRoot);
    const runStarted = Date.now();
    const code = await runCli(['cleanup', key, work, '--value', 'on', '--write', '--format', 'json', '--config', config], io);
    cleanupMs += Date.now() - runStarted;
    assert.equal(code, 0, `${key}: ${io.err}`);
    const report = JSON.parse(io.out) as ReportJson;
    const flag = report.flags[0]!;
    const changed = report.files.map((file) => file.file);
    // Only the files the report names changed.
    const sizes = fileSizes(work);
    for (const [file, size] of sizes) if (!changed.includes(file)) assert.equal(size, pristineSizes.get(file), `${key}: ${file} changed but is not in the report`);

    const newErrors = types.introducedErrors(changed, (file) => readFileSync(join(pristine, file), 'utf8'));
    for (const error of newErrors) console.log(`${key}: new type error: ${error}`);

    const again = recordingIo(repositoryRoot);
    assert.equal(await runCli(['cleanup', key, work, '--value', 'on', '--write', '--format', 'json', '--config', config], again), 0, again.err);
    const second = JSON.parse(again.out) as ReportJson;
    const idempotent = second.files.length === 0;

    const rewritten = flag.sites.filter((site) => site.status === 'rewritten');
    const skipped = flag.sites.filter((site) => site.status !== 'rewritten');
    for (const site of skipped) skipReasons.set(site.reason ?? '?', (skipReasons.get(site.reason ?? '?') ?? 0) + 1);
    for (const site of rewritten) totals.depth[site.depth ?? 0]! += 1;
    const kept = rewritten.filter((site) => site.literalKept).length;
    totals.sites += flag.sites.length;
    totals.rewritten += rewritten.length;
    totals.newErrors += newErrors.length;
    totals.idempotent += idempotent ? 1 : 0;
    rows.push(`| \`${key}\` | ${flag.sites.length} | ${rewritten.length} | ${skipped.length} | ${kept} | ${changed.length} | ${newErrors.length} | ${idempotent ? 'yes' : 'NO'} |`);

    // Reset the copy for the next key: every changed file gets its pristine text back.
    for (const file of changed) writeFileSync(join(work, file), readFileSync(join(pristine, file)));
    types.reset(changed);
    assert.deepEqual(newErrors, [], 'no new type errors');
    assert.ok(idempotent, 'a second run changes nothing');
  });
}

test('across every key: ≥ 90% of the sites rewritten, no new type error, every key idempotent (the table of docs/cleanup.md)', () => {
  assert.equal(rows.length, keys.length, 'every key ran');
  const totalMs = Date.now() - started;
  console.log('| key | sites | rewritten | skipped | literal kept | files changed | new type errors | second run changes nothing |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const row of rows) console.log(row);
  console.log(`| **all ${keys.length} keys** | ${totals.sites} | ${totals.rewritten} (${((100 * totals.rewritten) / Math.max(1, totals.sites)).toFixed(1)}%) | ${totals.sites - totals.rewritten} | | | ${totals.newErrors} | ${totals.idempotent}/${keys.length} |`);
  console.log(`depth of rewritten sites: 0: ${totals.depth[0]}, 1: ${totals.depth[1]}, 2: ${totals.depth[2]}`);
  for (const [reason, count] of skipReasons) console.log(`skipped ×${count}: ${reason}`);
  console.log(`corpus cleanup check: ${keys.length} keys in ${(totalMs / 1000).toFixed(0)} s (cleanup runs ${(cleanupMs / 1000).toFixed(0)} s, independent type check ${(types.elapsedMs / 1000).toFixed(0)} s)`);

  // The independent check is live: an edit that breaks the types is seen as a new error.
  const probe = 'packages/twenty-front/src/modules/object-metadata/hooks/useFilteredObjectMetadataItems.ts';
  const probeText = readFileSync(join(work, probe), 'utf8');
  writeFileSync(join(work, probe), `${probeText}\nexport const probeNumber: number = 'not a number';\n`);
  assert.deepEqual(types.introducedErrors([probe], () => probeText), [`${probe}: TS2322 Type 'string' is not assignable to type 'number'.`]);
  writeFileSync(join(work, probe), probeText);
  types.reset([probe]);

  assert.equal(totals.newErrors, 0, 'no new type errors');
  assert.equal(totals.idempotent, keys.length, 'a second run changes nothing, for every key');
  assert.ok(totals.rewritten / totals.sites >= 0.9, `≥ 90% of the sites rewritten (${totals.rewritten}/${totals.sites})`);
});
