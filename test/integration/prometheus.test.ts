// Against a real Prometheus 2.42 scraping the prom-client test app (both started by scripts/services):
// a healthy rollout can be bumped; with no traffic health is inconclusive and bump is refused; after the
// app's on-variant turns to 20% errors health is failing with the values, bump is refused, FL006 appears
// and `watch` aborts the rollout; history from promtool blocks is judged without waiting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../core/src/config.js';
import { evaluateHealthOnce } from '../../core/src/health/scheduler.js';
import { systemClock } from '../../core/src/io.js';
import { runCli } from '../../cli/src/main.js';
import { makeWorkspace, recordingIo, removeWorkspace, services } from './liveHelpers.js';

const metricsYaml = (interval: string, minSamples: number) => [
  'metrics:',
  `  prometheus: { url: ${services.PROMETHEUS_URL} }`,
  `  interval: ${interval}`,
  '  evaluateEvery: 1',
  `  minSamples: { query: 'sum(increase(http_requests_total{flag="{{flag}}",variant="{{variant}}"}[{{interval}}]))', min: ${minSamples} }`,
  '  checks:',
  '    - name: error-rate',
  `      query: 'sum(rate(http_requests_total{flag="{{flag}}",variant="{{variant}}",status=~"5.."}[{{interval}}])) / sum(rate(http_requests_total{flag="{{flag}}",variant="{{variant}}"}[{{interval}}]))'`,
  '      max: 0.05',
  '      maxRatioToControl: 1.5',
  '    - name: p99-latency',
  `      query: 'histogram_quantile(0.99, sum by (le)(rate(http_request_duration_seconds_bucket{flag="{{flag}}",variant="{{variant}}"}[{{interval}}])))'`,
  '      max: 0.5',
  '',
].join('\n');

const flagd = (flags: string[]) =>
  [
    'flags:',
    ...flags.flatMap((key) => [
      `  ${key}:`,
      '    state: ENABLED',
      '    variants: { "on": true, "off": false }',
      '    defaultVariant: "off"',
      '    targeting:',
      '      fractional:',
      '        - ["on", 10]',
      '        - ["off", 90]',
    ]),
    '',
  ].join('\n');

const app = [
  "import { OpenFeature } from '@openfeature/server-sdk';",
  "const flags = OpenFeature.getClient('app');",
  'export async function handle() {',
  "  const checkout = await flags.getBooleanValue('new-checkout', false);",
  "  const quiet = await flags.getBooleanValue('quiet-flag', false);",
  '  return checkout || quiet;',
  '}',
  '',
].join('\n');

/** One hour of history for `history-flag`, ending a minute ago: on-variant 20% errors, control none. */
function history(): string {
  const now = Math.floor(Date.now() / 1000);
  const lines = ['# TYPE http_requests counter'];
  for (const [variant, status, perSecond] of [['on', '200', 8], ['on', '500', 2], ['off', '200', 10], ['off', '500', 0]] as const) {
    for (let t = now - 3600; t <= now - 60; t += 15) lines.push(`http_requests_total{flag="history-flag",variant="${variant}",status="${status}"} ${(t - (now - 3600)) * perSecond} ${t}`);
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

let root: string;
const env = {};
const errorRatio = (flag: string) =>
  `sum(rate(http_requests_total{flag="${flag}",variant="on",status=~"5.."}[5s])) / sum(rate(http_requests_total{flag="${flag}",variant="on"}[5s]))`;

before(async () => {
  await services.startTestApp({ flags: ['new-checkout', 'quiet-flag'] });
  await services.controlTestApp({ flag: 'quiet-flag', traffic: 'off' });
  await services.startPrometheus({ history: history() });
  root = makeWorkspace({ 'flaglens.yaml': `state: { flagd: flags.flagd.yaml }\n${metricsYaml('5s', 20)}`, 'flags.flagd.yaml': flagd(['new-checkout', 'quiet-flag']), 'src/app.ts': app });
  // Scrapes of a new target start ~5 s after Prometheus: wait for a full window of traffic.
  await services.waitForPrometheusValue('sum(increase(http_requests_total{flag="new-checkout",variant="on"}[5s]))', { predicate: (v) => v >= 20, timeoutMs: 30_000 });
}, { timeout: 60_000 });

after(async () => {
  await services.stopPrometheus();
  await services.stopTestApp();
  if (root) removeWorkspace(root);
}, { timeout: 30_000 });

function config(text: string) {
  const { config, errors } = parseConfig(text, '/w/flaglens.yaml');
  assert.deepEqual(errors, []);
  return config;
}

test('a healthy rollout is bumped', async () => {
  const health = (await evaluateHealthOnce(config(metricsYaml('5s', 20)), ['new-checkout'], systemClock)).get('new-checkout')!;
  assert.equal(health.status, 'healthy', health.summary);
  const io = recordingIo(root, env);
  assert.equal(await runCli(['bump', 'new-checkout', '--to', '50', '--yes'], io), 0, io.out + io.err);
  assert.match(io.out, /new-checkout: healthy: error-rate 0 ≤ 0\.05/);
  assert.match(readFileSync(join(root, 'flags.flagd.yaml'), 'utf8'), /\["on", 50\]/);
});

test('with no traffic health is inconclusive, and bump is refused', async () => {
  const health = (await evaluateHealthOnce(config(metricsYaml('5s', 20)), ['quiet-flag'], systemClock)).get('quiet-flag')!;
  assert.equal(health.status, 'inconclusive', health.summary);
  assert.match(health.summary, /too few samples/);
  const io = recordingIo(root, env);
  assert.equal(await runCli(['bump', 'quiet-flag', '--yes'], io), 1);
  assert.match(io.err, /refused: health is inconclusive — too few samples .*--force/);
});

test('with 20% errors on the on-variant: failing with values, bump refused, FL006, and watch aborts', async () => {
  await services.controlTestApp({ flag: 'new-checkout', variant: 'on', errorRate: 0.2 });
  await services.waitForPrometheusValue(errorRatio('new-checkout'), { predicate: (v) => v > 0.15, timeoutMs: 30_000 });
  const health = (await evaluateHealthOnce(config(metricsYaml('5s', 20)), ['new-checkout'], systemClock)).get('new-checkout')!;
  assert.equal(health.status, 'failing', health.summary);
  const errorRate = health.checks.find((c) => c.name === 'error-rate')!;
  assert.equal(errorRate.passed, false);
  assert.ok(errorRate.value! > 0.15 && errorRate.value! <= 0.25, `value ${errorRate.value}`);
  assert.equal(errorRate.control, 0);
  assert.equal(errorRate.max, 0.05);

  const bump = recordingIo(root, env);
  assert.equal(await runCli(['bump', 'new-checkout', '--yes'], bump), 1);
  assert.match(bump.err, /refused: health is failing — error-rate 0\.\d+ > 0\.05/);
  assert.match(readFileSync(join(root, 'flags.flagd.yaml'), 'utf8'), /\["on", 50\]/, 'nothing written');

  const check = recordingIo(root, env);
  await runCli(['check', '--format', 'json', '--fail-on', 'never'], check);
  const fl006 = (JSON.parse(check.out).findings as Array<{ code: string; key: string; file: string }>).filter((f) => f.code === 'FL006');
  assert.deepEqual(fl006.map((f) => [f.key, f.file]), [['new-checkout', 'src/app.ts']]);

  const watch = recordingIo(root, env);
  assert.equal(await runCli(['watch', 'new-checkout', '--interval', '0.5', '--abort-after', '2', '--max-evaluations', '5'], watch), 1, watch.out + watch.err);
  assert.match(watch.out, /new-checkout failing \[1\/2\]: error-rate/);
  assert.match(watch.out, /new-checkout failing \[2\/2\]/);
  assert.match(watch.out, /aborted new-checkout: rolling 50% → off 0% — flaglens watch: error-rate 0\.\d+ > 0\.05/);
  const definitions = readFileSync(join(root, 'flags.flagd.yaml'), 'utf8');
  assert.match(definitions, /\["on", 0\]/);

  const forced = recordingIo(root, env);
  assert.equal(await runCli(['bump', 'new-checkout', '--force', '--yes'], forced), 0, forced.out + forced.err);
  assert.match(forced.out, /forced despite: health is failing/);
});

test('history written with promtool is judged at once: an hour of 20% errors is failing', async () => {
  const started = Date.now();
  const health = (await evaluateHealthOnce(config(metricsYaml('10m', 100)), ['history-flag'], systemClock)).get('history-flag')!;
  assert.equal(health.status, 'failing', health.summary);
  assert.match(health.summary, /error-rate 0\.2 > 0\.05/);
  assert.ok(Date.now() - started < 5000);
});

test('Prometheus unreachable: unavailable, keeping the last result', async () => {
  const metrics = config(metricsYaml('10m', 100));
  const first = (await evaluateHealthOnce(metrics, ['history-flag'], systemClock)).get('history-flag')!;
  await services.stopPrometheus();
  const { evaluateFlagHealth } = await import('../../core/src/health/evaluate.js');
  const { createPrometheusSource } = await import('../../core/src/health/prometheus.js');
  const { HttpClient } = await import('../../core/src/http.js');
  const source = createPrometheusSource(services.PROMETHEUS_URL, new HttpClient({ maxRetries: 1, retryBaseDelayMs: 10 }));
  const health = await evaluateFlagHealth('history-flag', { metrics: metrics.metrics, source, now: () => new Date(), previous: first });
  await source.close?.();
  assert.equal(health.status, 'unavailable');
  assert.match(health.summary, /Prometheus unavailable: cannot reach http:\/\/127\.0\.0\.1:19090/);
  assert.equal(health.lastKnown?.status, 'failing');
});
