// The verdict of a `compare: control` check from what Prometheus counted over the window: a ratio (errors /
// requests) through the always-valid two-proportion test, latency through a quantile per variant and the
// binned rank test. Every verdict carries its evidence as one sentence a release owner can act on. Pure.
import type { LatencyComparisonConfig, RatioComparisonConfig } from '../config.js';
import type { HealthCheckResult, HealthComparison, MetricsWindow } from '../model.js';
import { binnedRankTest, relativeIncreaseBounds, samplesForExpectedEvents, testRatioRegression, type ProportionCounts } from './sequential.js';

/** What a ratio verdict needs from a check: the comparison settings and the absolute bounds that also apply. */
export interface RatioCheckSettings extends Pick<RatioComparisonConfig, 'maxRelativeIncrease' | 'confidence' | 'minSamples'> {
  max?: number;
  min?: number;
}

export type ComparisonStatus = 'healthy' | 'failing' | 'inconclusive';

export interface RatioVerdict {
  status: ComparisonStatus;
  /** Why: the test found a regression, an absolute bound broke, too few samples or events, no data. */
  reason: 'regression' | 'bound' | 'no-regression' | 'too-few-samples' | 'no-data';
  /** With `too-few-samples`: the requests each variant needs. */
  needSamples?: number;
  /** True when `needSamples` comes from the expected-events floor (an estimate), not from minSamples. */
  needIsEstimate?: boolean;
  regression: boolean;
}

/**
 * The decision alone (no wording, no bounds), so the seeded simulation exercises exactly what production
 * decides. In order: no data or traffic → inconclusive; fewer than minSamples in a variant → inconclusive;
 * a broken absolute bound or a regression at the confidence → failing; fewer than five expected events per
 * variant at the pooled rate → inconclusive (a healthy verdict would mean nothing yet); else healthy.
 */
export function decideRatioComparison(on: ProportionCounts | null, control: ProportionCounts | null, settings: RatioCheckSettings): RatioVerdict {
  if (!validCounts(on) || !validCounts(control) || on.trials === 0 || control.trials === 0) return { status: 'inconclusive', reason: 'no-data', regression: false };
  const fewest = Math.min(on.trials, control.trials);
  if (fewest < settings.minSamples) return { status: 'inconclusive', reason: 'too-few-samples', needSamples: settings.minSamples, regression: false };
  const rate = on.events / on.trials;
  const regression = testRatioRegression(on, control, settings).regression;
  if ((settings.max !== undefined && rate > settings.max) || (settings.min !== undefined && rate < settings.min)) return { status: 'failing', reason: 'bound', regression };
  if (regression) return { status: 'failing', reason: 'regression', regression };
  const need = samplesForExpectedEvents(on, control);
  if (need !== undefined && fewest < need) return { status: 'inconclusive', reason: 'too-few-samples', needSamples: Math.max(need, settings.minSamples), needIsEstimate: need > settings.minSamples, regression };
  return { status: 'healthy', reason: 'no-regression', regression };
}

/** A ratio check's result with its evidence, e.g. `error-rate 2.1% vs 0.3% control (n = 4,210 / 38,900), regression at 95%: …`. */
export function judgeRatioComparison(
  name: string,
  settings: RatioCheckSettings,
  on: ProportionCounts | null,
  control: ProportionCounts | null,
  window: MetricsWindow,
): HealthCheckResult {
  const verdict = decideRatioComparison(on, control, settings);
  const onRate = validCounts(on) && on.trials > 0 ? on.events / on.trials : null;
  const controlRate = validCounts(control) && control.trials > 0 ? control.events / control.trials : null;
  const comparison: HealthComparison = {
    kind: 'ratio',
    samples: { on: validCounts(on) ? on.trials : 0, control: validCounts(control) ? control.trials : 0 },
    on: onRate,
    control: controlRate,
    relativeIncrease: onRate !== null && controlRate !== null && controlRate > 0 ? onRate / controlRate - 1 : null,
    maxRelativeIncrease: settings.maxRelativeIncrease,
    confidence: settings.confidence,
    regression: verdict.regression,
    window,
  };
  const result: HealthCheckResult = {
    name,
    value: onRate,
    control: controlRate,
    passed: verdict.status === 'healthy' ? true : verdict.status === 'failing' ? false : null,
    message: '',
    comparison,
    ...(settings.max !== undefined ? { max: settings.max } : {}),
  };
  if (verdict.reason === 'no-data') {
    result.message = `${name}: ${describeMissing(on, control)}`;
    return result;
  }
  const headline = `${name} ${formatRate(onRate!)} vs ${formatRate(controlRate!)} control (n = ${formatCount(on!.trials)} / ${formatCount(control!.trials)})`;
  const level = formatConfidence(settings.confidence);
  const tolerance = settings.maxRelativeIncrease > 0 ? `tolerance ${formatRelative(settings.maxRelativeIncrease)}` : '';
  if (verdict.reason === 'too-few-samples') {
    comparison.needSamples = verdict.needSamples;
    result.message = `${headline}: too few samples, need ${verdict.needIsEstimate ? '~' : ''}${formatCount(verdict.needIsEstimate ? roundToSignificant(verdict.needSamples!, 2) : verdict.needSamples!)}`;
    return result;
  }
  const bounds = relativeIncreaseBounds(on!, control!, settings.confidence);
  comparison.bounds = bounds;
  const problems: string[] = [];
  if (verdict.regression) {
    const atLeast = bounds.lower !== null ? `: at least ${formatRelative(bounds.lower)}` : '';
    problems.push(`regression at ${level}${atLeast}${tolerance ? ` (${tolerance})` : ''}`);
  }
  if (settings.max !== undefined && onRate! > settings.max) problems.push(`${formatRate(onRate!)} > max ${formatRate(settings.max)}`);
  if (settings.min !== undefined && onRate! < settings.min) problems.push(`${formatRate(onRate!)} < min ${formatRate(settings.min)}`);
  if (problems.length) {
    result.message = `${headline}, ${problems.join('; ')}`;
    return result;
  }
  const notes = [bounds.upper !== null ? `at most ${formatRelative(bounds.upper)}` : controlRate === 0 ? 'the control has no errors' : '', tolerance].filter(Boolean);
  result.message = `${headline}, no regression at ${level}${notes.length ? ` (${notes.join(', ')})` : ''}`;
  return result;
}

/** One variant's histogram over the window: the quantile Prometheus computed and the cumulative bucket counts. */
export interface HistogramObservation {
  quantile: number | null;
  /** Cumulative counts by upper bound (`le`), any order; `+Inf` as Infinity. */
  buckets: Array<{ upperBound: number; count: number }>;
}

export interface LatencyCheckSettings extends Pick<LatencyComparisonConfig, 'maxRelativeIncrease' | 'confidence' | 'minSamples' | 'quantile'> {
  max?: number;
  min?: number;
}

/**
 * A latency check, as Kayenta judges a canary: failing when an absolute bound breaks, or when the quantile is
 * above the control's by more than the tolerance and the rank test shows the on-variant slower at the
 * confidence (on the quantile alone when the buckets allow no rank test); too few samples is inconclusive.
 */
export function judgeLatencyComparison(
  name: string,
  settings: LatencyCheckSettings,
  on: HistogramObservation | null,
  control: HistogramObservation | null,
  window: MetricsWindow,
): HealthCheckResult {
  const onCounts = on ? bucketCounts(on.buckets) : undefined;
  const controlCounts = control ? bucketCounts(control.buckets) : undefined;
  const aligned = onCounts && controlCounts ? alignBuckets(onCounts, controlCounts) : undefined;
  const samples = { on: onCounts?.total ?? 0, control: controlCounts?.total ?? 0 };
  const onValue = on && isFiniteNumber(on.quantile) ? on.quantile : null;
  const controlValue = control && isFiniteNumber(control.quantile) ? control.quantile : null;
  const comparison: HealthComparison = {
    kind: 'latency',
    samples,
    on: onValue,
    control: controlValue,
    relativeIncrease: onValue !== null && controlValue !== null && controlValue > 0 ? onValue / controlValue - 1 : null,
    maxRelativeIncrease: settings.maxRelativeIncrease,
    confidence: settings.confidence,
    regression: false,
    window,
  };
  const result: HealthCheckResult = { name, value: onValue, control: controlValue, passed: null, message: '', comparison, ...(settings.max !== undefined ? { max: settings.max } : {}) };
  const label = `p${formatQuantile(settings.quantile)}`;
  if (onValue === null || controlValue === null || samples.on === 0 || samples.control === 0) {
    const side = onValue === null || samples.on === 0 ? 'the on-variant' : 'the control';
    result.message = `${name}: no ${label} for ${side} (n = ${formatCount(samples.on)} / ${formatCount(samples.control)})`;
    return result;
  }
  const increase = comparison.relativeIncrease;
  const tolerance = `tolerance ${formatRelative(settings.maxRelativeIncrease)}`;
  const headline = `${name} ${formatSeconds(onValue)} vs ${formatSeconds(controlValue)} control (${increase === null ? '' : `${formatRelative(increase)}, `}${tolerance}; n = ${formatCount(samples.on)} / ${formatCount(samples.control)})`;
  if (Math.min(samples.on, samples.control) < settings.minSamples) {
    comparison.needSamples = settings.minSamples;
    result.message = `${headline}: too few samples, need ${formatCount(settings.minSamples)}`;
    return result;
  }
  const rank = aligned ? binnedRankTest(aligned.on, aligned.control, settings.confidence) : 'the variants have different buckets';
  comparison.rankTest = typeof rank === 'string' ? { unavailable: rank } : { probabilitySlower: rank.probabilitySlower, z: rank.z, slower: rank.slower };
  const rankNote = typeof rank === 'string' ? `rank test not possible: ${rank}` : `rank test: P(slower) ${rank.probabilitySlower.toFixed(2)}`;
  const problems: string[] = [];
  if (settings.max !== undefined && onValue > settings.max) problems.push(`${formatSeconds(onValue)} > max ${formatSeconds(settings.max)}`);
  if (settings.min !== undefined && onValue < settings.min) problems.push(`${formatSeconds(onValue)} < min ${formatSeconds(settings.min)}`);
  const aboveTolerance = increase === null ? onValue > 0 : increase > settings.maxRelativeIncrease;
  if (aboveTolerance && (typeof rank === 'string' || rank.slower)) {
    comparison.regression = true;
    problems.unshift(typeof rank === 'string' ? `above the tolerance (${rankNote})` : `slower at ${formatConfidence(settings.confidence)} (${rankNote})`);
  }
  if (problems.length) {
    result.passed = false;
    result.message = `${headline}, ${problems.join('; ')}`;
    return result;
  }
  result.passed = true;
  result.message = aboveTolerance ? `${headline}, not slower at ${formatConfidence(settings.confidence)} (${rankNote})` : headline;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Wording: the numbers as a release owner reads them.

/** 0.021 → `2.1%`, 0.003 → `0.3%`, 0.00004 → `0.004%` (two significant digits). */
export function formatRate(rate: number): string {
  if (rate === 0) return '0%';
  return `${Number((rate * 100).toPrecision(2))}%`;
}

/** 4210.4 → `4,210`. */
export function formatCount(count: number): string {
  const digits = String(Math.round(count));
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 0.2 → `+20%`, 3.43 → `+340%`, 0.032 → `+3.2%`, −0.05 → `-5%`. */
export function formatRelative(increase: number): string {
  const percent = increase * 100;
  const magnitude = Math.abs(percent);
  const shown = magnitude >= 100 ? roundToSignificant(percent, 2) : magnitude >= 10 ? Math.round(percent) : Math.round(percent * 10) / 10;
  const text = Math.abs(shown) >= 1000 ? `${shown < 0 ? '-' : ''}${formatCount(Math.abs(shown))}` : String(shown);
  return `${shown >= 0 ? '+' : ''}${text}%`;
}

/** 0.41 → `410 ms`, 1.25 → `1.25 s`. */
export function formatSeconds(seconds: number): string {
  return seconds < 1 ? `${Number((seconds * 1000).toPrecision(3))} ms` : `${Number(seconds.toPrecision(3))} s`;
}

/** 0.95 → `95%`, 0.999 → `99.9%`. */
export function formatConfidence(confidence: number): string {
  return `${Number((confidence * 100).toPrecision(4))}%`;
}

export function roundToSignificant(value: number, digits: number): number {
  if (value === 0) return 0;
  const scale = 10 ** (Math.floor(Math.log10(Math.abs(value))) - digits + 1);
  return Math.round(value / scale) * scale;
}

// ---------------------------------------------------------------------------------------------
// Histogram buckets

/** Cumulative `le` counts → per-bucket counts in increasing order (increase() can dip a hair: clamped at 0). */
export function bucketCounts(buckets: HistogramObservation['buckets']): { bounds: number[]; counts: number[]; total: number } {
  const sorted = buckets.filter((bucket) => !Number.isNaN(bucket.upperBound) && isFiniteNumber(bucket.count)).sort((a, b) => a.upperBound - b.upperBound);
  const counts: number[] = [];
  let previous = 0;
  for (const bucket of sorted) {
    counts.push(Math.max(0, bucket.count - previous));
    previous = Math.max(previous, bucket.count);
  }
  return { bounds: sorted.map((bucket) => bucket.upperBound), counts, total: previous };
}

function alignBuckets(on: { bounds: number[]; counts: number[] }, control: { bounds: number[]; counts: number[] }): { on: number[]; control: number[] } | undefined {
  if (on.bounds.length !== control.bounds.length || on.bounds.some((bound, index) => bound !== control.bounds[index])) return undefined;
  return { on: on.counts, control: control.counts };
}

function validCounts(counts: ProportionCounts | null): counts is ProportionCounts {
  return counts !== null && isFiniteNumber(counts.events) && isFiniteNumber(counts.trials) && counts.events >= 0 && counts.trials >= 0 && counts.events <= counts.trials + 1e-9;
}

function describeMissing(on: ProportionCounts | null, control: ProportionCounts | null): string {
  if (!validCounts(on)) return 'no data for the on-variant';
  if (!validCounts(control)) return 'no data for the control';
  return `no traffic on the ${on.trials === 0 ? 'on-variant' : 'control'} (n = ${formatCount(on.trials)} / ${formatCount(control.trials)})`;
}

function formatQuantile(quantile: number): string {
  return String(Number((quantile * 100).toPrecision(4)));
}

function isFiniteNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
