// `flaglens cleanup --stale` on the real corpus: every ground-truth key released a year ago in a flagd state file,
// cleaned in one run (one scan, a plan per flag, one type check of the combined change), checked by the
// independent type check, run twice; its time is reported as a ratio to a plain `tsc --noEmit` of the projects
// it touches, measured in the same run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runCli } from '../../cli/src/main.js';
import { recordingIo } from '../cli/recordingIo.js';
import { cacheRoot, corpus, IndependentTypeCheck, keys, repositoryRoot, type ReportJson } from './corpusCleanup.js';

const pristine = 'tree' in corpus ? corpus.tree : '';

test('--stale on the corpus: one scan, a plan per flag and one type check, timed against a plain tsc --noEmit of the same projects', async () => {
  assert.ok('tree' in corpus, 'missing' in corpus ? corpus.missing : '');
  const staleWork = join(cacheRoot, 'stale');
  rmSync(staleWork, { recursive: true, force: true });
  cpSync(pristine, staleWork, { recursive: true });
  // Every key released for everyone a year ago (FL001), in a flagd state file the config points at.
  const flags = Object.fromEntries(keys.map((key) => [key, { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on', metadata: { releasedAt: '2025-01-01T00:00:00Z' } }]));
  writeFileSync(join(staleWork, 'flags.flagd.json'), `${JSON.stringify({ flags }, null, 2)}\n`);
  const staleConfig = join(cacheRoot, 'twenty-stale.flaglens.yaml');
  writeFileSync(staleConfig, `${readFileSync(corpus.config, 'utf8')}\nstate:\n  flagd: flags.flagd.json\n`);

  const io = recordingIo(repositoryRoot);
  const staleStarted = Date.now();
  const code = await runCli(['cleanup', '--stale', staleWork, '--write', '--format', 'json', '--config', staleConfig], io);
  const staleMs = Date.now() - staleStarted;
  assert.equal(code, 0, io.err);
  const report = JSON.parse(io.out) as ReportJson;
  const sites = report.flags.flatMap((flag) => flag.sites);
  const rewritten = sites.filter((site) => site.status === 'rewritten').length;
  const changed = report.files.map((file) => file.file).filter((file) => /\.[cm]?[jt]sx?$/.test(file));
  const staleTypes = new IndependentTypeCheck(staleWork);
  const newErrors = staleTypes.introducedErrors(changed, (file) => readFileSync(join(pristine, file), 'utf8'));
  for (const error of newErrors) console.log(`--stale: new type error: ${error}`);

  const again = recordingIo(repositoryRoot);
  assert.equal(await runCli(['cleanup', '--stale', staleWork, '--write', '--format', 'json', '--config', staleConfig], again), 0, again.err);
  const second = JSON.parse(again.out) as ReportJson;

  // The plain compiler over the same projects, measured in the same run.
  const projects = [...new Set(changed.map((file) => staleTypes.projectConfigOf(join(staleWork, file))).filter((project): project is string => project !== undefined))].sort();
  const tscStarted = Date.now();
  for (const project of projects) spawnSync(process.execPath, [join(repositoryRoot, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', project], { encoding: 'utf8' });
  const tscMs = Date.now() - tscStarted;
  console.log(
    `corpus --stale: ${report.flags.length} flags, ${rewritten}/${sites.length} sites rewritten, ${changed.length} source files changed, ${newErrors.length} new type errors; ` +
      `${(staleMs / 1000).toFixed(1)} s = ${(staleMs / tscMs).toFixed(2)}× a plain tsc --noEmit of the ${projects.length} projects it touches (${projects.map((project) => relative(staleWork, project)).join(', ')}: ${(tscMs / 1000).toFixed(1)} s)`,
  );
  assert.equal(newErrors.length, 0);
  assert.ok(rewritten / sites.length >= 0.9, `${rewritten}/${sites.length}`);
  assert.deepEqual(second.files, [], 'a second --stale run changes nothing');
  assert.ok(projects.length > 0);
});
