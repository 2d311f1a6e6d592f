// The statistics behind `compare: control` checks, checked against their definitions: the closed-form
// mixture against numerical integration, the constrained rates against a grid search of the likelihood,
// the rank test against brute-force pair counting, and the edges (no events, no control events, no traffic).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  binnedRankTest,
  constrainedRates,
  evidenceThreshold,
  mixtureLogEvidence,
  relativeIncreaseBounds,
  samplesForExpectedEvents,
  standardNormalCdf,
  testRatioRegression,
  type ProportionCounts,
} from '../../core/src/health/sequential.js';

const counts = (events: number, trials: number): ProportionCounts => ({ events, trials });
const at95 = { maxRelativeIncrease: 0, confidence: 0.95 };

test('the normal CDF is accurate in the middle and far in the tails', () => {
  assert.ok(Math.abs(standardNormalCdf(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(standardNormalCdf(1.959963985) - 0.975) < 1e-7);
  assert.ok(Math.abs(standardNormalCdf(-3) - 0.0013498980316301) / 0.0013498980316301 < 1e-6);
  assert.ok(Math.abs(standardNormalCdf(-8) - 6.22096057427178e-16) / 6.22096057427178e-16 < 1e-5);
  assert.ok(Math.abs(standardNormalCdf(3) + standardNormalCdf(-3) - 1) < 1e-12);
});

test('the closed-form mixture equals the half-normal mixture of likelihood ratios, integrated numerically', () => {
  // In standardised units the likelihood ratio of drift θ against 0 is exp(θz − θ²/2), and the mixing
  // density over θ ≥ 0 is the half-normal with variance r.
  for (const [z, r] of [[0, 1], [1.5, 4], [3, 8], [-2, 2], [5, 0.3], [2.5, 50]] as const) {
    let integral = 0;
    const step = 1e-3;
    for (let theta = step / 2; theta < 40; theta += step) {
      const density = (2 / Math.sqrt(2 * Math.PI * r)) * Math.exp((-theta * theta) / (2 * r));
      integral += density * Math.exp(theta * z - (theta * theta) / 2) * step;
    }
    const closed = mixtureLogEvidence(z, r);
    assert.ok(Math.abs(closed - Math.log(integral)) < 1e-4, `z=${z} r=${r}: closed ${closed}, numeric ${Math.log(integral)}`);
  }
  assert.equal(mixtureLogEvidence(3, 0), 0, 'no spread: no evidence either way');
  assert.ok(mixtureLogEvidence(0, 8) < 0, 'a zero statistic is evidence against a regression');
});

test('the evidence threshold is log(1/α)', () => {
  assert.ok(Math.abs(evidenceThreshold(0.95) - Math.log(20)) < 1e-12);
  assert.ok(Math.abs(evidenceThreshold(0.99) - Math.log(100)) < 1e-9);
});

test('the constrained rates maximise the likelihood on p_on = R·p_control', () => {
  const cases: Array<[ProportionCounts, ProportionCounts, number]> = [
    [counts(30, 1000), counts(100, 9000), 1],
    [counts(30, 1000), counts(100, 9000), 1.5],
    [counts(0, 400), counts(7, 5000), 1.2],
    [counts(12, 300), counts(0, 3000), 2],
  ];
  for (const [on, control, ratio] of cases) {
    const logLikelihood = (p: number) => {
      const q = ratio * p;
      const term = (events: number, trials: number, rate: number) => (events > 0 ? events * Math.log(rate) : 0) + (trials - events > 0 ? (trials - events) * Math.log(1 - rate) : 0);
      return term(on.events, on.trials, q) + term(control.events, control.trials, p);
    };
    let best = 0;
    let bestValue = -Infinity;
    for (let p = 1e-6; p < 1 / ratio; p += 1e-6) {
      const value = logLikelihood(p);
      if (value > bestValue) [best, bestValue] = [p, value];
    }
    const rates = constrainedRates(on, control, ratio);
    assert.ok(Math.abs(rates.control - best) < 2e-6, `${JSON.stringify([on, control, ratio])}: ${rates.control} vs grid ${best}`);
    assert.ok(Math.abs(rates.on - ratio * rates.control) < 1e-15);
  }
  assert.deepEqual(constrainedRates(counts(0, 100), counts(0, 100), 1), { on: 0, control: 0 });
});

test('a clear regression is called; the same rates in both variants are not', () => {
  assert.equal(testRatioRegression(counts(88, 4210), counts(117, 38900), at95).regression, true);
  assert.equal(testRatioRegression(counts(42, 4210), counts(389, 38900), at95).regression, false);
  assert.equal(testRatioRegression(counts(40, 4000), counts(40, 4000), at95).z, 0);
});

test('the tolerance moves the null: a 30% increase on large samples is a regression at 0 but not at +50%', () => {
  const on = counts(1300, 100_000);
  const control = counts(1000, 100_000);
  assert.equal(testRatioRegression(on, control, { maxRelativeIncrease: 0, confidence: 0.95 }).regression, true);
  assert.equal(testRatioRegression(on, control, { maxRelativeIncrease: 0.5, confidence: 0.95 }).regression, false);
});

test('zero control errors: errors on the on-variant alone can prove a regression, and a few do not', () => {
  assert.equal(testRatioRegression(counts(20, 500), counts(0, 5000), at95).regression, true);
  assert.equal(testRatioRegression(counts(1, 500), counts(0, 5000), at95).regression, false);
  const bounds = relativeIncreaseBounds(counts(20, 500), counts(0, 5000), 0.95);
  assert.equal(bounds.upper, null, 'no ratio bounds a rate over a control without errors');
});

test('zero traffic or no events anywhere: never a regression, and no bounds', () => {
  assert.deepEqual(testRatioRegression(counts(0, 0), counts(10, 1000), at95), { regression: false, z: 0, logEvidence: 0 });
  assert.deepEqual(testRatioRegression(counts(5, 100), counts(0, 0), at95), { regression: false, z: 0, logEvidence: 0 });
  assert.equal(testRatioRegression(counts(0, 5000), counts(0, 50000), at95).regression, false);
  assert.deepEqual(relativeIncreaseBounds(counts(0, 5000), counts(0, 50000), 0.95), { lower: null, upper: null });
  assert.equal(samplesForExpectedEvents(counts(0, 5000), counts(0, 50000)), undefined);
});

test('the bounds bracket the observed increase, and the lower bound exceeds the tolerance exactly when a regression is called', () => {
  for (const [on, control] of [
    [counts(88, 4210), counts(117, 38900)],
    [counts(13, 4210), counts(117, 38900)],
    [counts(300, 10000), counts(2000, 90000)],
  ] as const) {
    const observed = on.events / on.trials / (control.events / control.trials) - 1;
    const { lower, upper } = relativeIncreaseBounds(on, control, 0.95);
    if (lower !== null) assert.ok(lower < observed, `lower ${lower} < observed ${observed}`);
    if (upper !== null) assert.ok(upper > observed, `upper ${upper} > observed ${observed}`);
    for (const tolerance of [0, 0.2, 1, 3]) {
      const regression = testRatioRegression(on, control, { maxRelativeIncrease: tolerance, confidence: 0.95 }).regression;
      assert.equal(regression, lower !== null && lower > tolerance, `tolerance ${tolerance}, lower ${lower}`);
    }
  }
});

test('samples needed: five expected events per variant at the pooled rate', () => {
  // 0.4% of 310 and 0.3% of 2,900: a pooled rate of 0.31%, so about 1,600 requests per variant.
  assert.equal(samplesForExpectedEvents(counts(1.24, 310), counts(8.7, 2900)), 1615);
});

test('the binned rank test counts pairs like Mann–Whitney on the expanded samples', () => {
  const on = [3, 0, 5, 2];
  const control = [4, 6, 1, 0];
  const expand = (bins: number[]) => bins.flatMap((count, bucket) => Array.from({ length: count }, () => bucket));
  let slowerPairs = 0;
  for (const a of expand(on)) for (const b of expand(control)) slowerPairs += a > b ? 1 : a === b ? 0.5 : 0;
  const result = binnedRankTest(on, control, 0.95);
  assert.ok(typeof result !== 'string');
  assert.ok(Math.abs(result.probabilitySlower - slowerPairs / (10 * 11)) < 1e-12);
  assert.ok(result.z > 0);
});

test('the rank test: the same distribution is not slower, a shifted one is, and one bucket allows no test', () => {
  const same = binnedRankTest([100, 500, 300, 100], [100, 500, 300, 100], 0.95);
  assert.ok(typeof same !== 'string' && same.probabilitySlower === 0.5 && same.z === 0 && !same.slower);
  const shifted = binnedRankTest([50, 300, 400, 250], [100, 500, 300, 100], 0.95);
  assert.ok(typeof shifted !== 'string' && shifted.slower && shifted.probabilitySlower > 0.55);
  const faster = binnedRankTest([100, 500, 300, 100], [50, 300, 400, 250], 0.95);
  assert.ok(typeof faster !== 'string' && !faster.slower);
  assert.equal(binnedRankTest([0, 100, 0], [0, 50, 0], 0.95), 'all samples are in one bucket');
  assert.equal(binnedRankTest([0, 0], [5, 5], 0.95), 'a variant has no samples');
  assert.equal(binnedRankTest([1, 2], [1, 2, 3], 0.95), 'the variants have different buckets');
});
