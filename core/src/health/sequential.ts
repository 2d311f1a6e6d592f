// Always-valid sequential tests for checks that compare the on-variant with its control: the one-sided
// normal-mixture SPRT (Robbins' mixture martingale, as used by Johari, Pekelis & Walsh, "Always Valid
// Inference", Operations Research 2022) on a standardised statistic, so a check re-evaluated at any
// interval on the counts since its rollout step began keeps its false-alarm rate at 1 − confidence.
// Pure functions; docs/live.md derives the formulas and gives a worked example.

/** Events (errors) and trials (requests) of one variant over the evaluation window. */
export interface ProportionCounts {
  events: number;
  trials: number;
}

/**
 * The spread of the mixing distribution over the effect, relative to the rate the on-variant has under the
 * tested null (R × the pooled rate): the test is sharpest for regressions of about half that rate. Chosen
 * with the seeded simulation (test/live/sequentialSimulation.test.ts): larger spreads lose false-alarm
 * control on small counts in unbalanced splits, smaller ones lose power.
 */
export const RATIO_MIXTURE_RELATIVE_SPREAD = 0.5;

/** The mixture's spread for the rank test, in units of P(on slower) − ½. */
export const RANK_MIXTURE_SPREAD = 0.05;

/** Φ, the standard normal CDF (from erfc with a relative error below 1.2e-7, also far in the tails). */
export function standardNormalCdf(x: number): number {
  return 0.5 * complementaryErrorFunction(-x / Math.SQRT2);
}

/**
 * log Λ for the one-sided normal mixture: with z the standardised statistic and r = τ²/s² (the mixing
 * variance over the statistic's variance, which grows with the samples),
 *   Λ = 2 (1 + r)^(-1/2) exp(r z² / (2 (1 + r))) Φ(z √(r / (1 + r))).
 * Λ is a nonnegative supermartingale under "no regression", so by Ville's inequality it ever reaches 1/α
 * with probability at most α, however often it is looked at.
 */
export function mixtureLogEvidence(z: number, r: number): number {
  if (!(r > 0) || !Number.isFinite(z)) return 0;
  const cdf = standardNormalCdf(z * Math.sqrt(r / (1 + r)));
  if (cdf <= 0) return -Infinity;
  return Math.LN2 - 0.5 * Math.log1p(r) + (r * z * z) / (2 * (1 + r)) + Math.log(cdf);
}

export interface RatioRegressionSettings {
  /** The tolerated relative increase of the on-variant's rate over the control's (0.2: 20% more). */
  maxRelativeIncrease: number;
  /** 0.95: a regression is called at most 5% of the time when there is none. */
  confidence: number;
}

export interface RatioRegressionTest {
  /** True when "rate(on) ≤ (1 + maxRelativeIncrease) × rate(control)" is rejected at the confidence. */
  regression: boolean;
  /** The Farrington–Manning score of the observed difference (positive: on-variant worse). */
  z: number;
  /** log Λ, compared with log(1 / (1 − confidence)). */
  logEvidence: number;
}

/**
 * The one-sided test of H0: p_on ≤ R·p_control with R = 1 + maxRelativeIncrease. The difference
 * p̂_on − R·p̂_control is standardised with its variance under H0 at the constrained maximum-likelihood
 * rates (Farrington & Manning 1990), which stays defined when one variant has no events.
 */
export function testRatioRegression(on: ProportionCounts, control: ProportionCounts, settings: RatioRegressionSettings): RatioRegressionTest {
  const statistic = ratioStatistic(on, control, 1 + settings.maxRelativeIncrease);
  if (!statistic) return { regression: false, z: 0, logEvidence: 0 };
  const logEvidence = mixtureLogEvidence(statistic.z, statistic.r);
  return { regression: logEvidence >= evidenceThreshold(settings.confidence), z: statistic.z, logEvidence };
}

/**
 * Always-valid one-sided bounds on the relative increase rate(on) / rate(control) − 1, by inverting the
 * test: `lower` is the largest tolerance the data still rejects (a regression of at least this much),
 * `upper` the smallest increase the mirrored test rejects (at most this much). null: no bound (lower: the
 * data do not show any increase; upper: the control has no events, so no ratio bounds the on-variant).
 */
export function relativeIncreaseBounds(on: ProportionCounts, control: ProportionCounts, confidence: number): { lower: number | null; upper: number | null } {
  const threshold = evidenceThreshold(confidence);
  const worseThan = (increase: number) => {
    const statistic = ratioStatistic(on, control, 1 + increase);
    return statistic !== undefined && mixtureLogEvidence(statistic.z, statistic.r) >= threshold;
  };
  const betterThan = (increase: number) => {
    const statistic = ratioStatistic(on, control, 1 + increase);
    return statistic !== undefined && mixtureLogEvidence(-statistic.z, statistic.r) >= threshold;
  };
  const smallest = -0.999;
  const largest = 1000;
  let lower: number | null = null;
  if (worseThan(smallest)) lower = worseThan(largest) ? largest : bisect(worseThan, smallest, largest, true);
  let upper: number | null = null;
  if (betterThan(largest)) upper = betterThan(smallest) ? smallest : bisect(betterThan, smallest, largest, false);
  return { lower, upper };
}

/**
 * The on-variant samples a ratio check needs before its verdict can be trusted: the normal approximation
 * behind the test wants at least `events` expected events per variant at the pooled rate. undefined when
 * no variant has an event yet (nothing to estimate the rate from).
 */
export function samplesForExpectedEvents(on: ProportionCounts, control: ProportionCounts, events = 5): number | undefined {
  const pooled = (on.events + control.events) / (on.trials + control.trials);
  if (!(pooled > 0)) return undefined;
  return Math.ceil(events / pooled);
}

export interface RankTest {
  /** P(an on-variant sample is slower than a control sample) + ½ P(same bucket). */
  probabilitySlower: number;
  /** The tie-corrected Mann–Whitney z (positive: on-variant slower). */
  z: number;
  logEvidence: number;
  /** True when "the on-variant is not slower" is rejected at the confidence. */
  slower: boolean;
}

/**
 * Mann–Whitney on binned data (Kayenta compares canary and baseline this way): samples in the same bucket
 * are ties with mid-ranks; the standardised U statistic goes through the same one-sided mixture, so the
 * rank test too stays valid however often it is looked at. `on` and `control` are per-bucket counts over
 * the same bucket bounds, in increasing order. A reason string when the buckets allow no test.
 */
export function binnedRankTest(on: readonly number[], control: readonly number[], confidence: number): RankTest | string {
  if (on.length !== control.length) return 'the variants have different buckets';
  const onTotal = sum(on);
  const controlTotal = sum(control);
  if (!(onTotal > 0) || !(controlTotal > 0)) return 'a variant has no samples';
  if (on.filter((count, index) => count + control[index] > 0).length < 2) return 'all samples are in one bucket';
  let u = 0;
  let controlBelow = 0;
  let tieTerm = 0;
  for (let index = 0; index < on.length; index++) {
    u += on[index] * (controlBelow + control[index] / 2);
    controlBelow += control[index];
    const tied = on[index] + control[index];
    tieTerm += tied * tied * tied - tied;
  }
  const total = onTotal + controlTotal;
  const varianceOfU = ((onTotal * controlTotal) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  if (!(varianceOfU > 0)) return 'all samples are in one bucket';
  const pairs = onTotal * controlTotal;
  const probabilitySlower = u / pairs;
  const variance = varianceOfU / (pairs * pairs);
  const z = (probabilitySlower - 0.5) / Math.sqrt(variance);
  const logEvidence = mixtureLogEvidence(z, (RANK_MIXTURE_SPREAD * RANK_MIXTURE_SPREAD) / variance);
  return { probabilitySlower, z, logEvidence, slower: logEvidence >= evidenceThreshold(confidence) };
}

/** log(1/α) for α = 1 − confidence: the level log Λ must reach. */
export function evidenceThreshold(confidence: number): number {
  return -Math.log(1 - confidence);
}

/**
 * The Farrington–Manning constrained rates under H0: p_on = R·p_control, the smaller root of
 * R·N·p² − (R(n_on + x_control) + x_on + n_control)·p + (x_on + x_control) = 0 for p = p_control.
 */
export function constrainedRates(on: ProportionCounts, control: ProportionCounts, ratio: number): { on: number; control: number } {
  const events = on.events + control.events;
  if (!(events > 0)) return { on: 0, control: 0 };
  const a = ratio * (on.trials + control.trials);
  const b = -(ratio * (on.trials + control.events) + on.events + control.trials);
  const discriminant = Math.max(0, b * b - 4 * a * events);
  // (−b − √Δ) / 2a written as 2c / (−b + √Δ): no cancellation when the rates are tiny.
  const controlRate = (2 * events) / (-b + Math.sqrt(discriminant));
  return { on: ratio * controlRate, control: controlRate };
}

interface RatioStatistic {
  z: number;
  /** τ² / s²: the mixing variance (τ = spread × R × pooled rate) over the difference's variance. */
  r: number;
}

function ratioStatistic(on: ProportionCounts, control: ProportionCounts, ratio: number): RatioStatistic | undefined {
  if (!(on.trials > 0) || !(control.trials > 0)) return undefined;
  const rates = constrainedRates(on, control, ratio);
  const variance = (rates.on * (1 - rates.on)) / on.trials + (ratio * ratio * rates.control * (1 - rates.control)) / control.trials;
  if (!(variance > 0)) return undefined;
  const difference = on.events / on.trials - (ratio * control.events) / control.trials;
  // The spread is fixed by the hypothesis (R) and the pooled rate, never by the variance of the data: a spread
  // that shrank with the samples would turn the mixture into a fixed z threshold, which repeated looks defeat.
  // Scaling with R keeps the test sharp for the large ratios the bounds are searched over.
  const pooled = (on.events + control.events) / (on.trials + control.trials);
  const spread = RATIO_MIXTURE_RELATIVE_SPREAD * ratio * pooled;
  return { z: difference / Math.sqrt(variance), r: (spread * spread) / variance };
}

/** The boundary of a monotone predicate on [low, high]; `trueBelow`: true up to the boundary, false above. */
function bisect(predicate: (x: number) => boolean, low: number, high: number, trueBelow: boolean): number {
  // Bisection on a log scale of (1 + x), so +10% and +10,000% are both found to a few digits.
  let lo = Math.log1p(low);
  let hi = Math.log1p(high);
  for (let step = 0; step < 60; step++) {
    const middle = (lo + hi) / 2;
    if (predicate(Math.expm1(middle)) === trueBelow) lo = middle;
    else hi = middle;
  }
  return Math.expm1(trueBelow ? lo : hi);
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/** erfc (Numerical Recipes' erfcc, Chebyshev fit): fractional error below 1.2e-7 for every x. */
function complementaryErrorFunction(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
