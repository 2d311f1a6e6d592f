// Against a real Prometheus 2.42 scraping the prom-client test app (both started by scripts/services), with
// `compare: control` checks: A/A traffic is healthy and can be bumped; the on-variant at 3× the control's
// error rate is failing with the numbers, the bump is refused and FL006 appears; low traffic is
// inconclusive with "need ~N"; `watch --advance` walks 1 → 10 with a short bake and aborts when errors
// spike; history written with promtool is judged from stored data alone; Prometheus errors are kept under
// consecutiveErrorLimit, then unavailable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../core/src/config.js';
import { evaluateFlagHealth, evaluateHealthRound } from '../../core/src/health/evaluate.js';
import { createPrometheusSource } from '../../core/src/health/prometheus.js';
import { createHttpClient, HttpClient, type HttpTransport } from '../../core/src/http.js';
import { runCli } from '../../cli/src/main.js';
import { makeWorkspace, recordingIo, removeWorkspace, services } from './liveHelpers.js';

const comparisons = (interval: string) => [
  'metrics:',
  `  prometheus: { url: ${services.PROMETHEUS_URL} }`,
  `  interval: ${interval}`,
  '  evaluateEvery: 1',
  '  checks:',
  '    - name: error-rate',
  '      compare: control',
  `      errors: 'sum(increase(http_requests_total{flag="{{flag}}",variant="{{variant}}",status=~"5.."}[{{window}}]))'`,
  `      requests: 'sum(increase(http_requests_total{flag="{{flag}}",variant="{{variant}}"}[{{window}}]))'`,
  '      maxRelativeIncrease: 0.2',
  '      minSamples: 200',
  '    - name: p99-latency',
  '      compare: control',
  `      histogram: 'sum by (le)(increase(http_request_duration_seconds_bucket{flag="{{flag}}",variant="{{variant}}"}[{{window}}]))'`,
  '      maxRelativeIncrease: 0.5',
  '      max: 0.5',
  '',
].join('\n');

const rollout = ['rollout:', '  bake: 3s', '  steps: [1, { percent: 10, bake: 1h }, 50, 100]', ''].join('\n');

const flagd = (flags: Record<string, number>) =>
  [
    'flags:',
    ...Object.entries(flags).flatMap(([key, percentage]) => [
      `  ${key}:`,
      '    state: ENABLED',
      '    variants: { "on": true, "off": false }',
      '    defaultVariant: "off"',
      '    targeting:',
      '      fractional:',
      `        - ["on", ${percentage}]`,
      `        - ["off", ${100 - percentage}]`,
    ]),
    '',
  ].join('\n');

const app = [
  "import { OpenFeature } from '@openfeature/server-sdk';",
  "const flags = OpenFeature.getClient('app');",
  'export async function handle() {',
  "  const checkout = await flags.getBooleanValue('new-checkout', false);",
  "  const quiet = await flags.getBooleanValue('quiet-flag', false);",
  "  const advancing = await flags.getBooleanValue('advance-flag', false);",
  '  return checkout || quiet || advancing;',
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
let http: HttpClient;
const env = {};
const ratio = (flag: string, variant: string, range: string) =>
  `sum(increase(http_requests_total{flag="${flag}",variant="${variant}",status=~"5.."}[${range}])) / sum(increase(http_requests_total{flag="${flag}",variant="${variant}"}[${range}]))`;
const flagsFile = () => readFileSync(join(root, 'flags.flagd.yaml'), 'utf8');
const onShare = (key: string) => Number(new RegExp(`${key}:[\\s\\S]*?\\["on", (\\d+)\\]`).exec(flagsFile())![1]);

/** Runs the CLI in-process with the shared HTTP client, as `flaglens` would run. */
async function flaglens(argv: string[]) {
  const io = recordingIo(root, env);
  io.http = http;
  const code = await runCli(argv, io);
  return { code, out: io.out, err: io.err };
}

before(async () => {
  http = createHttpClient();
  await services.startTestApp({ flags: ['new-checkout', 'quiet-flag', 'advance-flag'] });
  // A/A everywhere: both variants fail 2% (new-checkout) or 1% (advance-flag) of requests; quiet-flag is a
  // trickle (3 requests per variant per 100 ms) with few errors.
  await services.controlTestApp({ flag: 'new-checkout', variant: 'on', errorRate: 0.02 });
  await services.controlTestApp({ flag: 'new-checkout', variant: 'off', errorRate: 0.02 });
  await services.controlTestApp({ flag: 'advance-flag', variant: 'on', errorRate: 0.01 });
  await services.controlTestApp({ flag: 'advance-flag', variant: 'off', errorRate: 0.01 });
  await services.controlTestApp({ flag: 'quiet-flag', rate: 3 });
  await services.controlTestApp({ flag: 'quiet-flag', variant: 'on', errorRate: 0.005 });
  await services.controlTestApp({ flag: 'quiet-flag', variant: 'off', errorRate: 0.005 });
  await services.startPrometheus({ history: history() });
  root = makeWorkspace({
    'flaglens.yaml': `state: { flagd: flags.flagd.yaml }\n${rollout}${comparisons('10s')}`,
    'flags.flagd.yaml': flagd({ 'new-checkout': 10, 'quiet-flag': 10, 'advance-flag': 1 }),
    'src/app.ts': app,
  });
  // Scrapes of a new target start ~5 s after Prometheus: wait for a full 10 s window of traffic.
  await services.waitForPrometheusValue('sum(increase(http_requests_total{flag="new-checkout",variant="on"}[10s]))', { predicate: (v) => v >= 1500, timeoutMs: 40_000 });
}, { timeout: 90_000 });

after(async () => {
  await services.stopPrometheus();
  await services.stopTestApp();
  await http?.close();
  if (root) removeWorkspace(root);
}, { timeout: 30_000 });

function metricsOf(text: string) {
  const { config, errors } = parseConfig(text, '/w/flaglens.yaml');
  assert.deepEqual(errors, []);
  return config.metrics!;
}

test('A/A (both variants at 2% errors): healthy, with the numbers, and the bump goes ahead', async () => {
  const health = (await evaluateHealthRound(['new-checkout'], { metrics: metricsOf(comparisons('10s')), source: createPrometheusSource(services.PROMETHEUS_URL, http), now: () => new Date(), previous: new Map() })).get('new-checkout')!;
  assert.equal(health.status, 'healthy', health.summary);
  const errorRate = health.checks.find((check) => check.name === 'error-rate')!;
  assert.match(errorRate.message, /^error-rate [\d.]+% vs [\d.]+% control \(n = [\d,]+ \/ [\d,]+\), no regression at 95% \(at most \+[\d,]+%, tolerance \+20%\)$/);
  const { on, control, samples } = errorRate.comparison!;
  assert.ok(samples.on >= 1500 && Math.abs(on! - 0.02) < 0.003 && Math.abs(control! - 0.02) < 0.003, JSON.stringify(errorRate.comparison));
  const latency = health.checks.find((check) => check.name === 'p99-latency')!;
  assert.equal(latency.passed, true, latency.message);
  assert.match(latency.message, /^p99-latency [\d.]+ ms vs [\d.]+ ms control \(\+0%, tolerance \+50%; n = [\d,]+ \/ [\d,]+\)$/);
  const bump = await flaglens(['bump', 'new-checkout', '--to', '50', '--yes']);
  assert.equal(bump.code, 0, bump.out + bump.err);
  assert.match(bump.out, /new-checkout: healthy: error-rate [\d.]+% vs [\d.]+% control \(n = [\d,]+ \/ [\d,]+\), no regression at 95%/);
  assert.equal(onShare('new-checkout'), 50);
});

test('on-variant at 3× the control\'s error rate: failing with the numbers, the bump refused, FL006 and the flags table', async () => {
  await services.controlTestApp({ flag: 'new-checkout', variant: 'on', errorRate: 0.06 });
  // The 50% step began at the bump above: its window holds the spike, not just older traffic.
  await services.waitForPrometheusValue(ratio('new-checkout', 'on', '10s'), { predicate: (v) => v > 0.055, timeoutMs: 30_000 });
  const bump = await flaglens(['bump', 'new-checkout', '--yes']);
  assert.equal(bump.code, 1, bump.out);
  assert.match(bump.err, /refused: health is failing — error-rate [3-6](\.\d)?% vs [12](\.\d)?% control \(n = [\d,]+ \/ [\d,]+\), regression at 95%: at least \+[\d,.]+% \(tolerance \+20%\)/);
  assert.equal(onShare('new-checkout'), 50, 'nothing written');
  const check = await flaglens(['check', '--format', 'json', '--fail-on', 'never']);
  const fl006 = (JSON.parse(check.out).findings as Array<{ code: string; key: string; file: string; message: string }>).filter((finding) => finding.code === 'FL006');
  assert.deepEqual(fl006.map((finding) => [finding.key, finding.file]), [['new-checkout', 'src/app.ts']]);
  assert.match(fl006[0].message, /health is failing \(error-rate [3-6](\.\d)?% vs [12](\.\d)?% control \(n = [\d,]+ \/ [\d,]+\), regression at 95%/);
  const flags = await flaglens(['flags']);
  assert.match(flags.out, /\nnew-checkout +rolling 50% +— +— +— +1 +failing +FL006\n/);
  assert.match(flags.out, /\nnew-checkout: failing — error-rate [3-6](\.\d)?% vs [12](\.\d)?% control \(n = [\d,]+ \/ [\d,]+\), regression at 95%/);
});

test('low traffic: inconclusive, saying how many requests each variant needs', async () => {
  const health = (await evaluateHealthRound(['quiet-flag'], { metrics: metricsOf(comparisons('10s')), source: createPrometheusSource(services.PROMETHEUS_URL, http), now: () => new Date(), previous: new Map() })).get('quiet-flag')!;
  assert.equal(health.status, 'inconclusive', health.summary);
  const errorRate = health.checks.find((check) => check.name === 'error-rate')!;
  assert.match(errorRate.message, /^error-rate [\d.]+% vs [\d.]+% control \(n = \d+ \/ \d+\): too few samples, need ~[\d,]+$/);
  assert.ok(errorRate.comparison!.needSamples! > errorRate.comparison!.samples.on, JSON.stringify(errorRate.comparison));
  const bump = await flaglens(['bump', 'quiet-flag', '--yes']);
  assert.equal(bump.code, 1);
  assert.match(bump.err, /refused: health is inconclusive — error-rate .*too few samples, need ~[\d,]+; no data is not the same as healthy/);
});

test('watch --advance walks 1 → 10 after a 3 s bake, then aborts when the on-variant\'s errors spike', async (t) => {
  const watching = flaglens(['watch', 'advance-flag', '--advance', '--interval', '0.5', '--max-evaluations', '120']);
  const deadline = Date.now() + 45_000;
  while (onShare('advance-flag') !== 10) {
    assert.ok(Date.now() < deadline, 'the rollout reached 10% in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await services.controlTestApp({ flag: 'advance-flag', variant: 'on', errorRate: 0.2 });
  const watch = await watching;
  t.diagnostic(watch.out.trim());
  assert.equal(watch.code, 1, watch.out + watch.err);
  const lines = watch.out.trim().split('\n');
  const timestamped = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;
  assert.ok(lines.slice(1).every((line) => timestamped.test(line)), 'every decision carries its time');
  assert.ok(lines.some((line) => / advance-flag canary 1% healthy: error-rate [\d.]+% vs [\d.]+% control \(n = [\d,]+ \/ [\d,]+\), no regression .* — healthy for \d+ s at 1% \(bake 3 s\): advancing to 10%$/.test(line)), watch.out);
  assert.ok(lines.some((line) => /Z advanced advance-flag: canary 1% → \w+ 10%$/.test(line)), watch.out);
  const aborted = lines[lines.length - 1];
  assert.match(aborted, /Z aborted advance-flag: \w+ 10% → off 0% — flaglens watch: error-rate \d+(\.\d)?% vs [\d.]+% control \(n = [\d,]+ \/ [\d,]+\), regression at 95%/);
  assert.equal(onShare('advance-flag'), 0);
  assert.match(flagsFile(), /abortReason: .*regression at 95%/);
});

test('history written with promtool is judged from stored data alone: an hour of 20% errors against a clean control is failing', async () => {
  // What the code promises: one evaluation is a fixed set of instant queries (4 per check), no waiting for scrapes.
  const counted: string[] = [];
  const counting: HttpTransport = { ...http, json: (request) => (counted.push(String(request)), http.json(request)), request: (r) => http.request(r), throwForStatus: (r) => http.throwForStatus(r), redact: (t) => http.redact(t), close: async () => undefined };
  const health = await evaluateFlagHealth('history-flag', { metrics: metricsOf(comparisons('10m')), source: createPrometheusSource(services.PROMETHEUS_URL, counting), now: () => new Date() });
  const errorRate = health.checks.find((check) => check.name === 'error-rate')!;
  assert.equal(errorRate.passed, false, errorRate.message);
  assert.match(errorRate.message, /^error-rate 20% vs 0% control \(n = [\d,]+ \/ [\d,]+\), regression at 95%/);
  assert.equal(counted.length, 8, 'errors + requests and histogram_quantile + buckets, for each variant');
});

test('Prometheus unreachable: the last verdict is kept under consecutiveErrorLimit, then unavailable', async () => {
  const metrics = metricsOf(comparisons('10m').replace('  evaluateEvery: 1\n', '  evaluateEvery: 1\n  consecutiveErrorLimit: 2\n'));
  const first = await evaluateFlagHealth('history-flag', { metrics, source: createPrometheusSource(services.PROMETHEUS_URL, http), now: () => new Date() });
  assert.equal(first.status, 'failing');
  await services.stopPrometheus();
  const quick = new HttpClient({ maxRetries: 1, retryBaseDelayMs: 10 });
  try {
    const source = createPrometheusSource(services.PROMETHEUS_URL, quick);
    const kept = await evaluateFlagHealth('history-flag', { metrics, source, now: () => new Date(), previous: first });
    assert.equal(kept.status, 'failing', 'one error: the last verdict stays');
    assert.match(kept.providerErrors?.message ?? '', /Prometheus unavailable: cannot reach http:\/\/127\.0\.0\.1:19090/);
    const health = await evaluateFlagHealth('history-flag', { metrics, source, now: () => new Date(), previous: kept });
    assert.equal(health.status, 'unavailable');
    assert.match(health.summary, /Prometheus unavailable: cannot reach http:\/\/127\.0\.0\.1:19090/);
    assert.equal(health.lastKnown?.status, 'failing');
  } finally {
    await quick.close();
  }
});
