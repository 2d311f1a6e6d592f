// `compare: control` verdicts and their evidence, from counts as Prometheus returns them: a regression, too
// few samples with the samples needed, no regression with its bound, zero control errors, zero traffic, no
// data (NaN), absolute bounds next to the comparison; latency with and without a possible rank test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideRatioComparison, formatRate, formatRelative, judgeLatencyComparison, judgeRatioComparison, type HistogramObservation } from '../../core/src/health/compare.js';
import type { MetricsWindow } from '../../core/src/model.js';

const window: MetricsWindow = { range: '1834s', seconds: 1834, source: 'step', since: '2026-01-01T00:00:00.000Z' };
const settings = { maxRelativeIncrease: 0.2, confidence: 0.95, minSamples: 100 };
const counts = (events: number, trials: number) => ({ events, trials });

test('a regression: failing, with rates, samples, the confidence and the bound it proves', () => {
  const result = judgeRatioComparison('error-rate', settings, counts(88, 4210), counts(117, 38900), window);
  assert.equal(result.passed, false);
  assert.equal(result.message, 'error-rate 2.1% vs 0.3% control (n = 4,210 / 38,900), regression at 95%: at least +370% (tolerance +20%)');
  assert.equal(result.comparison?.regression, true);
  assert.deepEqual(result.comparison?.samples, { on: 4210, control: 38900 });
  assert.ok(result.comparison!.bounds!.lower! > 0.2);
  assert.deepEqual(result.comparison?.window, window);
});

test('too few samples: inconclusive, with the samples each variant needs', () => {
  // increase() extrapolates, so counts are rarely whole numbers.
  const result = judgeRatioComparison('error-rate', settings, counts(1.24, 310), counts(8.7, 2900), window);
  assert.equal(result.passed, null);
  assert.equal(result.message, 'error-rate 0.4% vs 0.3% control (n = 310 / 2,900): too few samples, need ~1,600');
  assert.equal(result.comparison?.needSamples, 1615);
  const belowMinimum = judgeRatioComparison('error-rate', settings, counts(1, 50), counts(3, 5000), window);
  assert.equal(belowMinimum.message, 'error-rate 2% vs 0.06% control (n = 50 / 5,000): too few samples, need 100');
});

test('no regression: healthy, with the most the data still allow', () => {
  const result = judgeRatioComparison('error-rate', settings, counts(13, 4210), counts(117, 38900), window);
  assert.equal(result.passed, true);
  assert.equal(result.message, 'error-rate 0.31% vs 0.3% control (n = 4,210 / 38,900), no regression at 95% (at most +130%, tolerance +20%)');
});

test('zero control errors: a burst of on-variant errors is a regression; none anywhere is healthy', () => {
  const burst = judgeRatioComparison('error-rate', settings, counts(20, 500), counts(0, 5000), window);
  assert.equal(burst.passed, false);
  assert.match(burst.message, /^error-rate 4% vs 0% control \(n = 500 \/ 5,000\), regression at 95%/);
  const clean = judgeRatioComparison('error-rate', settings, counts(0, 5000), counts(0, 5000), window);
  assert.equal(clean.passed, true);
  assert.equal(clean.message, 'error-rate 0% vs 0% control (n = 5,000 / 5,000), no regression at 95% (the control has no errors, tolerance +20%)');
});

test('zero traffic and NaN from Prometheus: inconclusive, saying which side has nothing', () => {
  const quiet = judgeRatioComparison('error-rate', settings, counts(0, 0), counts(3, 5000), window);
  assert.equal(quiet.passed, null);
  assert.equal(quiet.message, 'error-rate: no traffic on the on-variant (n = 0 / 5,000)');
  assert.equal(judgeRatioComparison('error-rate', settings, counts(3, 5000), counts(0, 0), window).message, 'error-rate: no traffic on the control (n = 5,000 / 0)');
  const nan = judgeRatioComparison('error-rate', settings, counts(NaN, 5000), counts(3, 5000), window);
  assert.equal(nan.passed, null);
  assert.equal(nan.message, 'error-rate: no data for the on-variant');
  assert.equal(judgeRatioComparison('error-rate', settings, counts(3, 5000), null, window).message, 'error-rate: no data for the control');
});

test('an absolute max applies next to the comparison', () => {
  const result = judgeRatioComparison('error-rate', { ...settings, max: 0.05, maxRelativeIncrease: 100 }, counts(261, 4210), counts(117, 38900), window);
  assert.equal(result.passed, false);
  assert.equal(result.comparison?.regression, false, 'a 20× increase is within a tolerance of +10,000%');
  assert.equal(result.message, 'error-rate 6.2% vs 0.3% control (n = 4,210 / 38,900), 6.2% > max 5%');
});

test('the decision: a regression before minSamples waits for the samples; few expected events keep healthy back, not failing', () => {
  assert.equal(decideRatioComparison(counts(40, 80), counts(3, 5000), settings).status, 'inconclusive');
  const few = decideRatioComparison(counts(1, 400), counts(10, 4000), settings);
  assert.deepEqual([few.status, few.reason], ['inconclusive', 'too-few-samples']);
  assert.equal(decideRatioComparison(counts(40, 400), counts(10, 4000), settings).status, 'failing');
});

test('numbers as a release owner reads them', () => {
  assert.deepEqual([formatRate(0.021), formatRate(0.003), formatRate(0.00004), formatRate(0)], ['2.1%', '0.3%', '0.004%', '0%']);
  assert.deepEqual([formatRelative(0.2), formatRelative(3.43), formatRelative(0.032), formatRelative(-0.05), formatRelative(12.6)], ['+20%', '+340%', '+3.2%', '-5%', '+1,300%']);
});

/** Cumulative buckets from per-bucket counts over the bounds 50 ms … 500 ms, +Inf. */
function histogram(quantile: number, perBucket: number[]): HistogramObservation {
  const bounds = [0.05, 0.1, 0.25, 0.5, Infinity];
  let total = 0;
  return { quantile, buckets: bounds.map((upperBound, index) => ({ upperBound, count: (total += perBucket[index]) })) };
}
const latency = { ...settings, quantile: 0.99 };

test('latency slower beyond the tolerance and by the rank test: failing with the quantiles, samples and P(slower)', () => {
  const result = judgeLatencyComparison('p99-latency', latency, histogram(0.41, [100, 300, 400, 190, 10]), histogram(0.32, [300, 400, 250, 40, 10]), window);
  assert.equal(result.passed, false);
  assert.equal(result.message, 'p99-latency 410 ms vs 320 ms control (+28%, tolerance +20%; n = 1,000 / 1,000), slower at 95% (rank test: P(slower) 0.69)');
  assert.equal(result.comparison?.regression, true);
});

test('latency within the tolerance, or above it without a slower rank test: healthy', () => {
  const within = judgeLatencyComparison('p99-latency', latency, histogram(0.33, [300, 400, 250, 40, 10]), histogram(0.32, [300, 400, 250, 40, 10]), window);
  assert.equal(within.passed, true);
  assert.equal(within.message, 'p99-latency 330 ms vs 320 ms control (+3.1%, tolerance +20%; n = 1,000 / 1,000)');
  const noisy = judgeLatencyComparison('p99-latency', latency, histogram(0.45, [300, 400, 250, 40, 10]), histogram(0.32, [300, 400, 250, 40, 10]), window);
  assert.equal(noisy.passed, true);
  assert.match(noisy.message, /\+41%, tolerance \+20%.*not slower at 95% \(rank test: P\(slower\) 0\.50\)$/);
});

test('latency when the buckets allow no rank test: the quantile alone decides, and says so', () => {
  const result = judgeLatencyComparison('p99-latency', latency, histogram(0.049, [1000, 0, 0, 0, 0]), histogram(0.04, [1000, 0, 0, 0, 0]), window);
  assert.equal(result.passed, false);
  assert.equal(result.message, 'p99-latency 49 ms vs 40 ms control (+23%, tolerance +20%; n = 1,000 / 1,000), above the tolerance (rank test not possible: all samples are in one bucket)');
});

test('latency with NaN from Prometheus or too few samples: inconclusive', () => {
  assert.equal(judgeLatencyComparison('p99-latency', latency, { quantile: NaN, buckets: [] }, histogram(0.04, [1000, 0, 0, 0, 0]), window).message, 'p99-latency: no p99 for the on-variant (n = 0 / 1,000)');
  const few = judgeLatencyComparison('p99-latency', latency, histogram(0.9, [10, 10, 10, 10, 10]), histogram(0.04, [1000, 0, 0, 0, 0]), window);
  assert.equal(few.passed, null);
  assert.match(few.message, /n = 50 \/ 1,000\): too few samples, need 100$/);
});
