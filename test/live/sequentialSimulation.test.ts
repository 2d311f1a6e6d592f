// The seeded simulation behind the `compare: control` ratio check: A/A traffic (the same true error rate
// in both variants) looked at 20 times as the counts grow must raise a false alarm in at most 5% of 2,000
// runs at 95% confidence, whatever the base rate and split; a 2× regression at a 1% base rate with 5,000
// requests per variant must be caught in at least 90% of runs. The decision is production's own
// (decideRatioComparison); the figures are printed as test diagnostics and quoted in docs/live.md. The
// latency check (quantile tolerance + binned rank test) gets the same A/A treatment on histogram buckets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideRatioComparison, judgeLatencyComparison } from '../../core/src/health/compare.js';
import { testRatioRegression } from '../../core/src/health/sequential.js';
import { seededRandom } from '../helpers/seeded.js';

/** An exact Binomial(n, p) draw: the number of events, stepping from one to the next by geometric gaps. */
function binomial(random: () => number, trials: number, probability: number): number {
  if (probability <= 0 || trials <= 0) return 0;
  if (probability > 0.5) return trials - binomial(random, trials, 1 - probability);
  const logMiss = Math.log1p(-probability);
  let events = 0;
  let position = 0;
  for (;;) {
    position += Math.floor(Math.log(1 - random()) / logMiss) + 1;
    if (position > trials) return events;
    events++;
  }
}

interface Scenario {
  onRate: number;
  controlRate: number;
  /** Requests of each variant at the last look; the looks are evenly spaced up to them. */
  onRequests: number;
  controlRequests: number;
  looks?: number;
  runs?: number;
  maxRelativeIncrease?: number;
  seed: number;
}

/** The fraction of runs in which any of the looks (on cumulative counts) says failing. */
function failingRate(scenario: Scenario, decide?: (on: { events: number; trials: number }, control: { events: number; trials: number }) => boolean): number {
  const random = seededRandom(scenario.seed);
  const looks = scenario.looks ?? 20;
  const runs = scenario.runs ?? 2000;
  const settings = { maxRelativeIncrease: scenario.maxRelativeIncrease ?? 0, confidence: 0.95, minSamples: 100 };
  let failed = 0;
  for (let run = 0; run < runs; run++) {
    const on = { events: 0, trials: 0 };
    const control = { events: 0, trials: 0 };
    for (let look = 1; look <= looks; look++) {
      const onTrials = Math.round((scenario.onRequests * look) / looks);
      const controlTrials = Math.round((scenario.controlRequests * look) / looks);
      on.events += binomial(random, onTrials - on.trials, scenario.onRate);
      control.events += binomial(random, controlTrials - control.trials, scenario.controlRate);
      on.trials = onTrials;
      control.trials = controlTrials;
      if (decide ? decide(on, control) : decideRatioComparison(on, control, settings).status === 'failing') {
        failed++;
        break;
      }
    }
  }
  return failed / runs;
}

test('the exact binomial sampler has the right mean and variance', () => {
  const random = seededRandom(99);
  const draws = Array.from({ length: 20000 }, () => binomial(random, 400, 0.03));
  const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
  const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
  assert.ok(Math.abs(mean - 12) < 0.1, `mean ${mean}`);
  assert.ok(Math.abs(variance - 400 * 0.03 * 0.97) < 0.4, `variance ${variance}`);
});

test('A/A: over 20 looks in 2,000 seeded runs the false-alarm rate stays at or below 5% (95% confidence)', (t) => {
  const scenarios: Array<[string, Scenario]> = [
    ['1% base rate, 50/50 split, 5,000 requests per variant', { onRate: 0.01, controlRate: 0.01, onRequests: 5000, controlRequests: 5000, seed: 1 }],
    ['1% base rate, 10/90 split (canary at 10%), 5,000 on-variant requests', { onRate: 0.01, controlRate: 0.01, onRequests: 5000, controlRequests: 45000, seed: 2 }],
    ['1% base rate, 1/99 split (canary at 1%), 500 on-variant requests', { onRate: 0.01, controlRate: 0.01, onRequests: 500, controlRequests: 49500, seed: 3 }],
    ['0.1% base rate, 50/50 split, 5,000 requests per variant', { onRate: 0.001, controlRate: 0.001, onRequests: 5000, controlRequests: 5000, seed: 4 }],
    ['5% base rate, 10/90 split, 5,000 on-variant requests', { onRate: 0.05, controlRate: 0.05, onRequests: 5000, controlRequests: 45000, seed: 5 }],
    ['20% base rate, 50/50 split, 5,000 requests per variant', { onRate: 0.2, controlRate: 0.2, onRequests: 5000, controlRequests: 5000, seed: 6 }],
  ];
  for (const [name, scenario] of scenarios) {
    const rate = failingRate(scenario);
    t.diagnostic(`A/A false alarms, ${name}: ${(rate * 100).toFixed(2)}%`);
    assert.ok(rate <= 0.05, `${name}: ${rate}`);
  }
});

test('the problem it solves: a fixed-sample one-sided test at 95% (z ≥ 1.645) looked at 20 times raises far more than 5% false alarms', (t) => {
  const naive = (on: { events: number; trials: number }, control: { events: number; trials: number }) => testRatioRegression(on, control, { maxRelativeIncrease: 0, confidence: 0.95 }).z >= 1.645;
  const rate = failingRate({ onRate: 0.01, controlRate: 0.01, onRequests: 5000, controlRequests: 5000, seed: 1 }, naive);
  t.diagnostic(`A/A false alarms of the fixed-sample test over 20 looks (1% base, 50/50): ${(rate * 100).toFixed(2)}%`);
  assert.ok(rate > 0.15, String(rate));
});

test('A/A stays valid however often it looks: 200 looks instead of 20', (t) => {
  const rate = failingRate({ onRate: 0.01, controlRate: 0.01, onRequests: 5000, controlRequests: 45000, looks: 200, runs: 1000, seed: 7 });
  t.diagnostic(`A/A false alarms over 200 looks (1% base, 10/90 split, 1,000 runs): ${(rate * 100).toFixed(2)}%`);
  assert.ok(rate <= 0.05, String(rate));
});

test('a 2× error rate (1% → 2%) with 5,000 requests per variant is caught in at least 90% of 2,000 runs', (t) => {
  const detected = failingRate({ onRate: 0.02, controlRate: 0.01, onRequests: 5000, controlRequests: 5000, seed: 11 });
  t.diagnostic(`2× regression detected (any of 20 looks, tolerance 0): ${(detected * 100).toFixed(2)}%`);
  assert.ok(detected >= 0.9, String(detected));
  // With a tolerance the same data must prove more than the tolerated increase: less power, reported, and
  // still well above the false-alarm level.
  const tolerant = failingRate({ onRate: 0.02, controlRate: 0.01, onRequests: 5000, controlRequests: 5000, maxRelativeIncrease: 0.2, seed: 12 });
  t.diagnostic(`2× regression detected with maxRelativeIncrease 0.2: ${(tolerant * 100).toFixed(2)}%`);
  assert.ok(tolerant > 0.5 && tolerant < detected, String(tolerant));
});

/** Lognormal latencies binned like prom-client's default-ish buckets; the quantile from the buckets as histogram_quantile does. */
function latencyFailingRate(options: { onScale: number; runs: number; looks: number; requests: number; seed: number }): number {
  const random = seededRandom(options.seed);
  const bounds = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, Infinity];
  const draw = (scale: number) => 0.04 * scale * Math.exp(0.5 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
  const quantile = (cumulative: number[], q: number) => {
    const total = cumulative[cumulative.length - 1];
    const rank = q * total;
    const index = cumulative.findIndex((count) => count >= rank);
    if (index === bounds.length - 1) return bounds[bounds.length - 2];
    const lower = index === 0 ? 0 : bounds[index - 1];
    const below = index === 0 ? 0 : cumulative[index - 1];
    return lower + ((bounds[index] - lower) * (rank - below)) / (cumulative[index] - below);
  };
  const window = { range: '5m', seconds: 300, source: 'interval' as const };
  let failed = 0;
  for (let run = 0; run < options.runs; run++) {
    const on = new Array(bounds.length).fill(0);
    const control = new Array(bounds.length).fill(0);
    for (let look = 1; look <= options.looks; look++) {
      for (let i = 0; i < options.requests / options.looks; i++) {
        const a = draw(options.onScale);
        const b = draw(1);
        for (let k = bounds.findIndex((bound) => a <= bound); k < bounds.length; k++) on[k]++;
        for (let k = bounds.findIndex((bound) => b <= bound); k < bounds.length; k++) control[k]++;
      }
      const observe = (cumulative: number[]) => ({ quantile: quantile(cumulative, 0.99), buckets: bounds.map((upperBound, index) => ({ upperBound, count: cumulative[index] })) });
      const result = judgeLatencyComparison('p99', { quantile: 0.99, maxRelativeIncrease: 0, confidence: 0.95, minSamples: 100 }, observe(on), observe(control), window);
      if (result.passed === false) {
        failed++;
        break;
      }
    }
  }
  return failed / options.runs;
}

test('latency A/A: the quantile tolerance with the binned rank test keeps false alarms at or below 5% over 20 looks', (t) => {
  const rate = latencyFailingRate({ onScale: 1, runs: 500, looks: 20, requests: 2000, seed: 21 });
  t.diagnostic(`latency A/A false alarms (p99, tolerance 0, 500 runs): ${(rate * 100).toFixed(2)}%`);
  assert.ok(rate <= 0.05, String(rate));
  const slower = latencyFailingRate({ onScale: 1.3, runs: 200, looks: 20, requests: 2000, seed: 22 });
  t.diagnostic(`latency 30% slower detected: ${(slower * 100).toFixed(2)}%`);
  assert.ok(slower >= 0.9, String(slower));
});
