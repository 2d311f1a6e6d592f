// Health evaluation from metric values (a fixed in-memory metrics source keyed by the rendered query):
// healthy, failing with values and control, inconclusive on no data or few samples, unknown, unavailable
// with the last result kept; the bump guard's decisions; PromQL escaping of flag keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricsConfig } from '../../core/src/config.js';
import { evaluateFlagHealth, renderQuery, escapePromqlString } from '../../core/src/health/evaluate.js';
import { checkBumpHealth } from '../../core/src/health/guard.js';
import { HealthScheduler } from '../../core/src/health/scheduler.js';
import type { MetricsSource, PrometheusSample } from '../../core/src/health/prometheus.js';
import { HttpError } from '../../core/src/http.js';

const metrics: MetricsConfig = {
  prometheus: { url: 'http://127.0.0.1:1' },
  interval: '1m',
  evaluateEverySeconds: 30,
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

test('readers get the last result immediately while the scheduler evaluates in the background', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow: MetricsSource = { query: async (q) => { await gate; return source({ 'samples/on': 500, 'errors/on': 0.01, 'errors/off': 0.01, 'p99/on': 0.1 }).query(q); } };
  const updates: number[] = [];
  const scheduler = new HealthScheduler({ metrics, source: slow, clock: { now }, keys: () => ['a'], onUpdate: (map) => updates.push(map.size) });
  const round = scheduler.evaluateNow();
  assert.equal(scheduler.get('a'), undefined, 'no waiting on the network');
  release();
  await round;
  assert.equal(scheduler.get('a')?.status, 'healthy');
  assert.deepEqual(updates, [1]);
});

test('flag keys are escaped for the PromQL string they are in', () => {
  const key = 'a"b\\c';
  assert.equal(renderQuery('x{flag="{{flag}}"}[{{interval}}]', { flag: key, variant: 'on', interval: '5m' }), 'x{flag="a\\"b\\\\c"}[5m]');
  assert.equal(renderQuery("x{flag='{{flag}}'}", { flag: "it's", variant: 'on', interval: '5m' }), "x{flag='it\\'s'}");
  assert.equal(escapePromqlString('a\nb', '"'), 'a\\nb');
});

test('when Prometheus is down, one round waits on it once, not once per flag', async () => {
  let calls = 0;
  const down: MetricsSource = { query: async () => { calls++; throw new HttpError('cannot reach http://127.0.0.1:1/api/v1/query: ECONNREFUSED', 'network', 'http://127.0.0.1:1'); } };
  const scheduler = new HealthScheduler({ metrics, source: down, clock: { now }, keys: () => ['a', 'b', 'c'] });
  const result = await scheduler.evaluateNow();
  assert.equal(calls, 1);
  assert.deepEqual([...result.values()].map((h) => [h.key, h.status]), [['a', 'unavailable'], ['b', 'unavailable'], ['c', 'unavailable']]);
});
