// The CLI's health surfaces on a flagd workspace, with an in-process Prometheus stand-in behind the run's
// HTTP client (the real Prometheus is in test/integration/prometheus.test.ts): the flags table and check
// (FL006) show the evidence, bump refuses with it and records the new step, and `watch --advance` walks the
// ladder, is safe to restart (the step comes from the state and its record), aborts on a regression, is
// refused when another watch holds the flag, and carries on when a bump races someone else's change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpTransport } from '../../core/src/http.js';
import { instantPrometheus } from '../helpers/instantPrometheus.js';
import { readRolloutStep } from '../../core/src/health/rolloutSteps.js';
import { watchLeaseFile } from '../../core/src/health/watchLease.js';
import { nodeFileSystem } from '../../core/src/nodeIo.js';
import { runCli } from '../../cli/src/main.js';
import { makeWorkspace } from './cliHarness.js';
import { recordingIo } from './recordingIo.js';

const config = [
  'state: { flagd: flags.flagd.yaml }',
  'rollout:',
  '  bake: 0s',
  '  steps: [1, { percent: 10, bake: 1h }, 50, 100]',
  'metrics:',
  '  prometheus: { url: http://prometheus.test:9090 }',
  '  interval: 10m',
  '  checks:',
  '    - name: error-rate',
  '      compare: control',
  `      errors: 'sum(increase(http_requests_total{flag="{{flag}}",variant="{{variant}}",status=~"5.."}[{{window}}]))'`,
  `      requests: 'sum(increase(http_requests_total{flag="{{flag}}",variant="{{variant}}"}[{{window}}]))'`,
  '      maxRelativeIncrease: 0.2',
  '',
].join('\n');

const flagd = (percentage: number) =>
  ['flags:', '  new-checkout:', '    state: ENABLED', '    variants: { "on": true, "off": false }', '    defaultVariant: "off"', '    targeting:', '      fractional:', `        - ["on", ${percentage}]`, `        - ["off", ${100 - percentage}]`, ''].join('\n');

const app = "import { OpenFeature } from '@openfeature/server-sdk';\nconst flags = OpenFeature.getClient('app');\nexport const on = () => flags.getBooleanValue('new-checkout', false);\n";

/** Counts per variant the stand-in answers with; `onQuery` runs before each answer (to change the world mid-run). */
interface Traffic {
  on: { errors: number; requests: number };
  off: { errors: number; requests: number };
}

function prometheus(traffic: Traffic, onQuery?: (promql: string) => void): HttpTransport & { queries: string[] } {
  return instantPrometheus((promql) => {
    onQuery?.(promql);
    const variant = /variant="(on|off)"/.exec(promql)?.[1] as 'on' | 'off';
    return promql.includes('status=~') ? traffic[variant].errors : traffic[variant].requests;
  });
}

const healthy = (): Traffic => ({ on: { errors: 12, requests: 4000 }, off: { errors: 110, requests: 36000 } });
const failing = (): Traffic => ({ on: { errors: 120, requests: 4000 }, off: { errors: 110, requests: 36000 } });

function workspace(percentage = 1) {
  const root = makeWorkspace({ 'flaglens.yaml': config, 'flags.flagd.yaml': flagd(percentage), 'src/app.ts': app });
  return { root, percentage: () => Number(/\["on", (\d+)\]/.exec(readFileSync(join(root, 'flags.flagd.yaml'), 'utf8'))![1]) };
}

async function run(root: string, argv: string[], http: HttpTransport) {
  const io = recordingIo(root);
  io.http = http;
  const code = await runCli(argv, io);
  return { code, out: io.out, err: io.err };
}

test('flags shows each rollout\'s verdict, check reports FL006 with the evidence, bump refuses with it', async () => {
  const { root, percentage } = workspace(10);
  const http = prometheus(failing());
  const flags = await run(root, ['flags'], http);
  assert.equal(flags.code, 0, flags.err);
  assert.match(flags.out, /^FLAG +STAGE +OWNER +AGE +RELEASED +CHECKS +HEALTH +FINDINGS\nnew-checkout +\S+ 10% +— +— +— +1 +failing +FL006\n\nnew-checkout: failing — error-rate 3% vs 0\.31% control \(n = 4,000 \/ 36,000\), regression at 95%: at least \+\d+% \(tolerance \+20%\)\n$/);
  const check = await run(root, ['check', '--format', 'json', '--fail-on', 'never'], http);
  const fl006 = JSON.parse(check.out).findings.filter((finding: { code: string }) => finding.code === 'FL006');
  assert.equal(fl006.length, 1);
  assert.match(fl006[0].message, /health is failing \(error-rate 3% vs 0\.31% control \(n = 4,000 \/ 36,000\), regression at 95%/);
  const bump = await run(root, ['bump', 'new-checkout', '--yes'], http);
  assert.equal(bump.code, 1);
  assert.match(bump.err, /refused: health is failing — error-rate 3% vs 0\.31% control \(n = 4,000 \/ 36,000\), regression at 95%: at least/);
  assert.equal(percentage(), 10, 'nothing written');
});

test('a healthy bump records when the new step began, and later evaluations use that window', async () => {
  const { root, percentage } = workspace(1);
  const http = prometheus(healthy());
  const bump = await run(root, ['bump', 'new-checkout', '--yes'], http);
  assert.equal(bump.code, 0, bump.err);
  assert.match(bump.out, /new-checkout: healthy: error-rate 0\.3% vs 0\.31% control \(n = 4,000 \/ 36,000\), no regression at 95%/);
  assert.equal(percentage(), 10);
  const record = readRolloutStep(nodeFileSystem, join(root, '.flaglens'), 'new-checkout');
  assert.deepEqual([record?.percentage, record?.by], [10, 'bump']);
  assert.ok(http.queries.every((q) => q.includes('[10m]')), 'before the bump the 1% step had no record: the interval');
  http.queries.length = 0;
  await run(root, ['flags'], http);
  assert.ok(http.queries.length > 0 && http.queries.every((q) => /\[\d+s\]/.test(q)), `since the 10% step began: ${http.queries[0]}`);
});

test('watch --advance walks 1 → 10 after a healthy bake, prints every decision with its numbers and time, and holds a lease while it runs', async () => {
  const { root, percentage } = workspace(1);
  const lease = watchLeaseFile(join(root, '.flaglens'), 'new-checkout');
  let leaseSeen = false;
  const http = prometheus(healthy(), () => (leaseSeen ||= existsSync(lease)));
  const watch = await run(root, ['watch', 'new-checkout', '--advance', '--interval', '0.1', '--max-evaluations', '3'], http);
  assert.equal(watch.code, 0, watch.out + watch.err);
  const lines = watch.out.trim().split('\n');
  assert.match(lines[0], /^watching new-checkout: every 0\.1 s, advance after each healthy bake, abort after 1 failing evaluation\(s\)$/);
  assert.match(lines[1], /^\d{4}-\d\d-\d\dT[\d:.]+Z new-checkout: no record of when the 1% step began; its window starts now$/);
  assert.match(lines[2], /^\d{4}-\d\d-\d\dT[\d:.]+Z new-checkout canary 1% healthy: error-rate 0\.3% vs 0\.31% control \(n = 4,000 \/ 36,000\), no regression at 95% \(at most \+\d+%, tolerance \+20%\) — healthy for 0 s at 1% \(bake 0 s\): advancing to 10%$/);
  assert.match(lines[3], /^\d{4}-\d\d-\d\dT[\d:.]+Z advanced new-checkout: canary 1% → \w+ 10%$/);
  assert.match(lines[4], / new-checkout \w+ 10% healthy: .* — healthy, baking 0 s of 1 h at 10%$/);
  assert.equal(lines.length, 6);
  assert.equal(percentage(), 10);
  assert.ok(leaseSeen, 'the lease exists while the watch evaluates');
  assert.equal(existsSync(lease), false, 'and is removed when it stops');

  // A restart reads the 10% step and its start from the state and the record: no new window, no new advance.
  const since = readRolloutStep(nodeFileSystem, join(root, '.flaglens'), 'new-checkout')!.since;
  const again = await run(root, ['watch', 'new-checkout', '--advance', '--interval', '0.1', '--max-evaluations', '1'], http);
  assert.equal(again.code, 0, again.err);
  assert.doesNotMatch(again.out, /no record/);
  assert.match(again.out, /healthy, baking \d+ s of 1 h at 10%/);
  assert.equal(readRolloutStep(nodeFileSystem, join(root, '.flaglens'), 'new-checkout')!.since, since);
});

test('watch --advance aborts on a regression, with the evidence as the reason', async () => {
  const { root, percentage } = workspace(10);
  const traffic = healthy();
  const http = prometheus(traffic);
  const first = await run(root, ['watch', 'new-checkout', '--advance', '--interval', '0.1', '--max-evaluations', '1'], http);
  assert.equal(first.code, 0, first.err);
  Object.assign(traffic, failing());
  const watch = await run(root, ['watch', 'new-checkout', '--advance', '--interval', '0.1', '--max-evaluations', '5'], http);
  assert.equal(watch.code, 1, watch.out + watch.err);
  assert.match(watch.out, / new-checkout \w+ 10% failing: error-rate 3% vs 0\.31% control .* — flaglens watch: error-rate 3% vs 0\.31% control \(n = 4,000 \/ 36,000\), regression at 95%/);
  assert.match(watch.out, /Z aborted new-checkout: \w+ 10% → off 0% — flaglens watch: error-rate 3% vs 0\.31% control \(n = 4,000 \/ 36,000\), regression at 95%: at least \+\d+% \(tolerance \+20%\)\n$/);
  assert.equal(percentage(), 0);
  assert.match(readFileSync(join(root, 'flags.flagd.yaml'), 'utf8'), /abortReason: .*regression at 95%/);
});

test('a second watch of the same flag is refused while the first one\'s lease is live', async () => {
  const { root } = workspace(10);
  const now = Date.now();
  const lease = { version: 1, key: 'new-checkout', mode: 'advance', pid: process.pid + 1, hostname: 'ci-1', startedAt: new Date(now - 60_000).toISOString(), refreshedAt: new Date(now).toISOString(), expiresAt: new Date(now + 60_000).toISOString() };
  const file = watchLeaseFile(join(root, '.flaglens'), 'new-checkout');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(root, '.flaglens', 'watch'), { recursive: true });
  writeFileSync(file, JSON.stringify(lease));
  const watch = await run(root, ['watch', 'new-checkout', '--advance', '--interval', '0.1', '--max-evaluations', '1'], prometheus(healthy()));
  assert.equal(watch.code, 1);
  assert.match(watch.err, /new-checkout is already under flaglens watch --advance \(pid \d+ on ci-1, since .*\); stop that watch first/);
  assert.ok(existsSync(file), 'the other watch\'s lease is left alone');
});

test('an advance that races a human\'s change is refused, and the watch carries on from the new state', async () => {
  const { root, percentage } = workspace(1);
  let changed = false;
  const http = prometheus(healthy(), () => {
    // Someone moves the flag to 10% by hand while the first evaluation runs.
    if (!changed) writeFileSync(join(root, 'flags.flagd.yaml'), flagd(10));
    changed = true;
  });
  const watch = await run(root, ['watch', 'new-checkout', '--advance', '--interval', '0.1', '--max-evaluations', '2'], http);
  assert.equal(watch.code, 0, watch.out + watch.err);
  assert.match(watch.err, /advance of new-checkout refused \(conflict\): .*changed since read.*; watching the state as it is now/);
  assert.match(watch.out, /no record of when the 10% step began; its window starts now/);
  assert.match(watch.out, /healthy, baking 0 s of 1 h at 10%/, 'the human\'s step bakes from when the watch saw it');
  assert.equal(percentage(), 10, 'the human\'s change stands');
});

test('watch --advance without any bake time is a usage error', async () => {
  const root = makeWorkspace({ 'flaglens.yaml': config.replace('  bake: 0s\n  steps: [1, { percent: 10, bake: 1h }, 50, 100]\n', '  steps: [1, 10, 50, 100]\n'), 'flags.flagd.yaml': flagd(1) });
  const watch = await run(root, ['watch', 'new-checkout', '--advance'], prometheus(healthy()));
  assert.equal(watch.code, 2);
  assert.match(watch.err, /--advance needs a bake time: set rollout\.bake/);
});

test('a state that cannot be read pauses the watch instead of ending it', async () => {
  const { root } = workspace(10);
  const { rmSync } = await import('node:fs');
  let removed = false;
  const http = prometheus(healthy(), () => {
    // The state file disappears (a checkout in progress) after the first evaluation's queries.
    if (!removed) rmSync(join(root, 'flags.flagd.yaml'));
    removed = true;
  });
  const watch = await run(root, ['watch', 'new-checkout', '--interval', '0.1', '--max-evaluations', '2'], http);
  assert.equal(watch.code, 0, watch.out + watch.err);
  assert.match(watch.out, /Z new-checkout: paused: the rollout state could not be read \(.*flags\.flagd\.yaml.*\)\n$/);
  assert.doesNotMatch(watch.out, /stopped watching/);
});
