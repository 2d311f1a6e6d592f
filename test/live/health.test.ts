// Health evaluation from metric values (a fixed in-memory metrics source keyed by the rendered query):
// healthy, failing with values and control, inconclusive on no data or few samples, unknown; Prometheus
// errors kept under consecutiveErrorLimit, then unavailable with the last result; compare: control checks
// queried for both variants over the step's window; the bump guard's decisions; PromQL escaping of keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricsConfig } from '../../core/src/config.js';
import { parseConfig } from '../../core/src/config.js';
import { evaluateFlagHealth, evaluateHealthRound, renderQuery, escapePromqlString } from '../../core/src/health/evaluate.js';
import { checkBumpHealth } from '../../core/src/health/guard.js';
import type { MetricsSource, PrometheusSample } from '../../core/src/health/prometheus.js';
import type { MetricsWindow } from '../../core/src/model.js';
import { HttpError } from '../../core/src/http.js';

const metrics: MetricsConfig = {
  prometheus: { url: 'http://127.0.0.1:1' },
  interval: '1m',
  evaluateEverySeconds: 30,
  consecutiveErrorLimit: 1,
  minSamples: { query: 'samples{flag="{{flag}}",variant="{{variant}}"}[{{interval}}]', min: 100 },
  checks: [
    { name: 'error-rate', query: 'errors{flag="{{flag}}",variant="{{variant}}"}', max: 0.05, maxRatioToControl: 1.5 },
    { name: 'p99-latency', query: 'p99{flag="{{flag}}",variant="{{variant}}"}', max: 0.5 },
  ],
  variants: { on: 'on', off: 'off' },
};

/** Answers each query from a table of `metric/variant` values; a missing entry is "no data". */
function source(values: Record<string, number>): MetricsSource & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    async query(promql: string): Promise<PrometheusSample[]> {
      queries.push(promql);
      const metric = promql.split('{')[0];
      const variant = /variant="([^"]*)"/.exec(promql)?.[1];
      const value = values[`${metric}/${variant}`];
      return value === undefined ? [] : [{ labels: {}, value }];
    },
  };
}

const now = () => new Date('2026-01-01T00:00:00Z');

test('within thresholds: healthy', async () => {
  const health = await evaluateFlagHealth('new-checkout', { metrics, source: source({ 'samples/on': 500, 'errors/on': 0.01, 'errors/off': 0.01, 'p99/on': 0.2 }), now });
  assert.equal(health.status, 'healthy');
  assert.deepEqual(health.checks.map((c) => c.passed), [true, true]);
});

test('an absolute threshold breached: failing, with value, threshold and control', async () => {
  const health = await evaluateFlagHealth('new-checkout', { metrics, source: source({ 'samples/on': 500, 'errors/on': 0.2, 'errors/off': 0.01, 'p99/on': 0.2 }), now });
  assert.equal(health.status, 'failing');
  const check = health.checks.find((c) => c.name === 'error-rate')!;
  assert.equal(check.passed, false);
  assert.equal(check.value, 0.2);
  assert.equal(check.control, 0.01);
  assert.match(health.summary, /error-rate 0\.2 > 0\.05/);
});

test('a ratio to the control breached: failing, naming the ratio', async () => {
  const health = await evaluateFlagHealth('f', { metrics, source: source({ 'samples/on': 500, 'errors/on': 0.04, 'errors/off': 0.01, 'p99/on': 0.2 }), now });
  assert.equal(health.status, 'failing');
  assert.match(health.summary, /error-rate 0\.04 is 4× the control 0\.01 \(max 1\.5×\)/);
});

test('too few samples: inconclusive, never healthy and never failing', async () => {
  const health = await evaluateFlagHealth('f', { metrics, source: source({ 'samples/on': 12, 'errors/on': 0.9, 'p99/on': 9 }), now });
  assert.equal(health.status, 'inconclusive');
  assert.match(health.summary, /too few samples \(12 samples, need 100\)/);
});

test('no data for a check: inconclusive', async () => {
  const health = await evaluateFlagHealth('f', { metrics, source: source({ 'samples/on': 500, 'p99/on': 0.1 }), now });
  assert.equal(health.status, 'inconclusive');
  assert.match(health.summary, /error-rate: no data/);
});

test('NaN from a 0/0 ratio is no data, not healthy', async () => {
  const health = await evaluateFlagHealth('f', { metrics: { ...metrics, minSamples: undefined }, source: source({ 'errors/on': NaN, 'p99/on': 0.1 }), now });
  assert.equal(health.status, 'inconclusive');
});

test('no metrics configured: unknown', async () => {
  const health = await evaluateFlagHealth('f', { metrics: undefined, source: undefined, now });
  assert.equal(health.status, 'unknown');
});

test('Prometheus unreachable: unavailable, keeping the last result', async () => {
  const previous = await evaluateFlagHealth('f', { metrics, source: source({ 'samples/on': 500, 'errors/on': 0.2, 'errors/off': 0.01, 'p99/on': 0.2 }), now });
  const down: MetricsSource = { query: async () => { throw new HttpError('cannot reach http://127.0.0.1:1/api/v1/query: ECONNREFUSED', 'network', 'http://127.0.0.1:1'); } };
  const health = await evaluateFlagHealth('f', { metrics, source: down, now, previous });
  assert.equal(health.status, 'unavailable');
  assert.equal(health.lastKnown?.status, 'failing');
  const again = await evaluateFlagHealth('f', { metrics, source: down, now, previous: health });
  assert.equal(again.lastKnown?.status, 'failing', 'the last real result survives repeated outages');
});

test('the bump guard refuses failing, inconclusive and unavailable health unless forced', async () => {
  const failing = await evaluateFlagHealth('f', { metrics, source: source({ 'samples/on': 500, 'errors/on': 0.2, 'errors/off': 0.01, 'p99/on': 0.2 }), now });
  const inconclusive = await evaluateFlagHealth('f', { metrics, source: source({}), now });
  const healthy = await evaluateFlagHealth('f', { metrics, source: source({ 'samples/on': 500, 'errors/on': 0.01, 'errors/off': 0.01, 'p99/on': 0.2 }), now });
  assert.equal(checkBumpHealth(failing).allowed, false);
  assert.match(checkBumpHealth(failing).reason, /health is failing — error-rate 0\.2 > 0\.05.*--force/);
  assert.equal(checkBumpHealth(inconclusive).allowed, false);
  assert.match(checkBumpHealth(inconclusive).reason, /inconclusive/);
  assert.equal(checkBumpHealth(failing, { force: true }).allowed, true);
  assert.equal(checkBumpHealth(healthy).allowed, true);
  assert.equal(checkBumpHealth(undefined).allowed, true, 'no metrics: nothing to guard');
});

test('flag keys are escaped for the PromQL string they are in', () => {
  const key = 'a"b\\c';
  assert.equal(renderQuery('x{flag="{{flag}}"}[{{interval}}]', { flag: key, variant: 'on', interval: '5m' }), 'x{flag="a\\"b\\\\c"}[5m]');
  assert.equal(renderQuery("x{flag='{{flag}}'}", { flag: "it's", variant: 'on', interval: '5m' }), "x{flag='it\\'s'}");
  assert.equal(escapePromqlString('a\nb', '"'), 'a\\nb');
});

test('{{window}} is the step window, and falls back to the interval', () => {
  assert.equal(renderQuery('increase(x[{{window}}])', { flag: 'f', variant: 'on', interval: '5m', window: '1834s' }), 'increase(x[1834s])');
  assert.equal(renderQuery('increase(x[{{window}}])', { flag: 'f', variant: 'on', interval: '5m' }), 'increase(x[5m])');
});

const down: MetricsSource = { query: async () => { throw new HttpError('cannot reach http://127.0.0.1:1/api/v1/query: ECONNREFUSED', 'network', 'http://127.0.0.1:1'); } };

test('under consecutiveErrorLimit a Prometheus error keeps the last verdict, marked; at the limit it is unavailable', async () => {
  const limited = { ...metrics, consecutiveErrorLimit: 3 };
  const verdict = await evaluateFlagHealth('f', { metrics: limited, source: source({ 'samples/on': 500, 'errors/on': 0.2, 'errors/off': 0.01, 'p99/on': 0.2 }), now });
  const first = await evaluateFlagHealth('f', { metrics: limited, source: down, now, previous: verdict });
  assert.equal(first.status, 'failing', 'the last real verdict stays');
  assert.equal(first.evaluatedAt, verdict.evaluatedAt, 'and keeps its own time');
  assert.deepEqual({ ...first.providerErrors, message: undefined }, { count: 1, limit: 3, message: undefined, at: now().toISOString() });
  const second = await evaluateFlagHealth('f', { metrics: limited, source: down, now, previous: first });
  assert.equal(second.providerErrors?.count, 2);
  const third = await evaluateFlagHealth('f', { metrics: limited, source: down, now, previous: second });
  assert.equal(third.status, 'unavailable');
  assert.equal(third.lastKnown?.status, 'failing');
  assert.equal(third.lastKnown?.providerErrors, undefined, 'the last known result is the real one');
  const recovered = await evaluateFlagHealth('f', { metrics: limited, source: source({ 'samples/on': 500, 'errors/on': 0.01, 'errors/off': 0.01, 'p99/on': 0.2 }), now, previous: third });
  assert.equal(recovered.status, 'healthy');
  assert.equal(recovered.providerErrors, undefined, 'a good answer resets the count');
  const fresh = await evaluateFlagHealth('f', { metrics: limited, source: down, now });
  assert.equal(fresh.status, 'unavailable', 'nothing to keep: unavailable at once');
});

test('when Prometheus is down, one round waits on it once, not once per flag', async () => {
  let calls = 0;
  const counting: MetricsSource = { query: async (q) => { calls++; return down.query(q); } };
  const result = await evaluateHealthRound(['a', 'b', 'c'], { metrics, source: counting, now, previous: new Map() });
  assert.equal(calls, 1);
  assert.deepEqual([...result.values()].map((h) => [h.key, h.status]), [['a', 'unavailable'], ['b', 'unavailable'], ['c', 'unavailable']]);
  // Under the limit each flag keeps its own last verdict, still with a single wait on Prometheus.
  calls = 0;
  const limited = { ...metrics, consecutiveErrorLimit: 3 };
  const previous = new Map(['a', 'b'].map((key) => [key, { key, status: key === 'a' ? ('healthy' as const) : ('failing' as const), checks: [], summary: `${key} verdict`, evaluatedAt: '2025-12-31T23:59:00.000Z' }]));
  const kept = await evaluateHealthRound(['a', 'b', 'c'], { metrics: limited, source: counting, now, previous });
  assert.equal(calls, 1);
  assert.deepEqual([...kept.values()].map((h) => [h.key, h.status, h.providerErrors?.count]), [['a', 'healthy', 1], ['b', 'failing', 1], ['c', 'unavailable', undefined]]);
});

/** Answers count queries from `errors{…}` / `requests{…}` tables per variant, recording every rendered query. */
function countsSource(values: Record<string, number | undefined>): MetricsSource & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    async query(promql) {
      queries.push(promql);
      const metric = /^sum\(increase\((\w+)/.exec(promql)?.[1];
      const variant = /variant="([^"]*)"/.exec(promql)?.[1];
      const value = values[`${metric}/${variant}`];
      return value === undefined ? [] : [{ labels: {}, value }];
    },
  };
}

const compareConfig = parseConfig(
  [
    'metrics:',
    '  prometheus: { url: http://127.0.0.1:1 }',
    '  checks:',
    '    - name: error-rate',
    '      compare: control',
    `      errors: 'sum(increase(errors{flag="{{flag}}",variant="{{variant}}"}[{{window}}]))'`,
    `      requests: 'sum(increase(requests{flag="{{flag}}",variant="{{variant}}"}[{{window}}]))'`,
    '      maxRelativeIncrease: 0.2',
  ].join('\n'),
  '/w/flaglens.yaml',
).config.metrics!;
const stepWindow: MetricsWindow = { range: '1834s', seconds: 1834, source: 'step', since: '2026-01-01T00:00:00.000Z' };

test('a compare: control check queries both variants over the step window and carries the evidence', async () => {
  const prometheus = countsSource({ 'errors/on': 88, 'requests/on': 4210, 'errors/off': 117, 'requests/off': 38900 });
  const health = await evaluateFlagHealth('new-checkout', { metrics: compareConfig, source: prometheus, now, window: () => stepWindow });
  assert.equal(health.status, 'failing');
  assert.equal(health.summary, 'error-rate 2.1% vs 0.3% control (n = 4,210 / 38,900), regression at 95%: at least +370% (tolerance +20%)');
  assert.deepEqual(health.checks[0].comparison?.window, stepWindow);
  assert.equal(prometheus.queries.length, 4);
  assert.ok(prometheus.queries.every((q) => q.includes('[1834s]') && q.includes('flag="new-checkout"')));
  assert.deepEqual(prometheus.queries.map((q) => /variant="(\w+)"/.exec(q)?.[1]).sort(), ['off', 'off', 'on', 'on']);
});

test('a compare: control check without a step record uses the interval; an absent error series counts as no errors', async () => {
  const prometheus = countsSource({ 'requests/on': 4000, 'requests/off': 4000 });
  const health = await evaluateFlagHealth('f', { metrics: compareConfig, source: prometheus, now });
  assert.equal(health.status, 'healthy', health.summary);
  assert.match(health.summary, /^error-rate 0% vs 0% control \(n = 4,000 \/ 4,000\), no regression/);
  assert.ok(prometheus.queries.every((q) => q.includes('[5m]')));
});

test('NaN counts from Prometheus, or no requests series: inconclusive, never healthy', async () => {
  const nan = await evaluateFlagHealth('f', { metrics: compareConfig, source: countsSource({ 'errors/on': NaN, 'requests/on': 4000, 'errors/off': 1, 'requests/off': 4000 }), now });
  assert.equal(nan.status, 'inconclusive');
  assert.equal(nan.summary, 'error-rate: no data for the on-variant');
  const none = await evaluateFlagHealth('f', { metrics: compareConfig, source: countsSource({ 'errors/on': 1, 'requests/on': 4000 }), now });
  assert.equal(none.status, 'inconclusive');
  assert.equal(none.summary, 'error-rate: no data for the control');
});

test('a latency comparison asks histogram_quantile per variant and the buckets for the rank test', async () => {
  const config = parseConfig(
    "metrics:\n  prometheus: { url: http://127.0.0.1:1 }\n  checks:\n    - name: p99-latency\n      compare: control\n      histogram: 'sum by (le)(increase(latency_bucket{variant=\"{{variant}}\"}[{{window}}]))'\n      maxRelativeIncrease: 0.2\n",
    '/w/flaglens.yaml',
  ).config.metrics!;
  const queries: string[] = [];
  const buckets = { on: [100, 400, 800, 990, 1000], off: [300, 700, 950, 990, 1000] };
  const bounds = ['0.05', '0.1', '0.25', '0.5', '+Inf'];
  const latency: MetricsSource = {
    async query(promql) {
      queries.push(promql);
      const variant = /variant="(\w+)"/.exec(promql)![1] as 'on' | 'off';
      if (promql.startsWith('histogram_quantile(0.99, ')) return [{ labels: {}, value: variant === 'on' ? 0.41 : 0.32 }];
      return bounds.map((le, index) => ({ labels: { le }, value: buckets[variant][index] }));
    },
  };
  const health = await evaluateFlagHealth('f', { metrics: config, source: latency, now, window: () => stepWindow });
  assert.equal(health.status, 'failing', health.summary);
  assert.match(health.summary, /^p99-latency 410 ms vs 320 ms control \(\+28%, tolerance \+20%; n = 1,000 \/ 1,000\), slower at 95% \(rank test: P\(slower\) 0\.\d\d\)$/);
  assert.equal(queries.filter((q) => q.startsWith('histogram_quantile(0.99, sum by (le)(increase(latency_bucket{variant=')).length, 2);
  assert.ok(queries.every((q) => q.includes('[1834s]')));
});
