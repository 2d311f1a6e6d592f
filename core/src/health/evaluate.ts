// Health of one flag from its metrics, modelled on Flagger's metric templates, Argo Rollouts' analysis and
// Kayenta's canary judge: `compare: control` checks test the on-variant against the control over the rollout
// step's window (compare.ts), absolute checks compare one number with a bound; too few samples or no data
// is `inconclusive` — never healthy, never failing — and Prometheus errors become `unavailable` only after
// `metrics.consecutiveErrorLimit` in a row.
import { parseDurationSeconds, type MetricCheckConfig, type MetricsConfig } from '../config.js';
import type { FlagHealth, HealthCheckResult, MetricsWindow } from '../model.js';
import { judgeLatencyComparison, judgeRatioComparison, type HistogramObservation } from './compare.js';
import type { MetricsSource, PrometheusSample } from './prometheus.js';

export interface HealthEvaluationContext {
  metrics: MetricsConfig | undefined;
  source: MetricsSource | undefined;
  now: () => Date;
  /** The previous result: kept while Prometheus errors stay under the limit, and as `lastKnown` after. */
  previous?: FlagHealth;
  /** The window each flag's queries cover (`{{window}}`): since its rollout step began; default `metrics.interval`. */
  window?: (key: string) => MetricsWindow | undefined;
}

/** Evaluates one flag. Never throws: an unreachable Prometheus gives the kept verdict or `unavailable`. */
export async function evaluateFlagHealth(key: string, context: HealthEvaluationContext): Promise<FlagHealth> {
  return (await evaluateOrReportError(key, context)).health;
}

/** The evaluation, and the Prometheus error when there was one (so a round stops asking after the first). */
async function evaluateOrReportError(key: string, context: HealthEvaluationContext): Promise<{ health: FlagHealth; error?: string }> {
  const evaluatedAt = context.now().toISOString();
  const { metrics, source } = context;
  if (!metrics || !source || (metrics.checks.length === 0 && !metrics.minSamples)) {
    return { health: { key, status: 'unknown', checks: [], summary: 'no metrics configured', evaluatedAt } };
  }
  const window = context.window?.(key) ?? intervalWindow(metrics);
  try {
    const render = (query: string, variant: string) => renderQuery(query, { flag: key, variant, interval: metrics.interval, window: window.range });
    if (metrics.minSamples) {
      const samples = pickValue(await source.query(render(metrics.minSamples.query, metrics.variants.on)), metrics.variants.on);
      if (samples === null || samples < metrics.minSamples.min) {
        const seen = samples === null ? 'no data' : `${formatMetricValue(samples)} samples`;
        const check: HealthCheckResult = { name: 'min-samples', value: samples, passed: null, message: `${seen} < ${metrics.minSamples.min} needed` };
        return { health: { key, status: 'inconclusive', checks: [check], summary: `too few samples (${seen}, need ${metrics.minSamples.min})`, evaluatedAt } };
      }
    }
    const checks: HealthCheckResult[] = [];
    for (const check of metrics.checks) {
      checks.push(check.compare ? await evaluateComparison(check, source, render, metrics.variants, window) : await evaluateCheck(check, source, render, metrics.variants));
    }
    const failed = checks.filter((c) => c.passed === false);
    const unclear = checks.filter((c) => c.passed === null);
    if (failed.length) return { health: { key, status: 'failing', checks, summary: failed.map((c) => c.message).join('; '), evaluatedAt } };
    if (unclear.length) return { health: { key, status: 'inconclusive', checks, summary: unclear.map((c) => c.message).join('; '), evaluatedAt } };
    return { health: { key, status: 'healthy', checks, summary: checks.map((c) => c.message).join('; '), evaluatedAt } };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { health: healthAfterProviderError(key, context.previous, reason, metrics.consecutiveErrorLimit, evaluatedAt), error: reason };
  }
}

/**
 * What a Prometheus error leaves (after the HTTP client's own retries): under `limit` consecutive errors the
 * last real verdict stays, marked with the error count (as Argo Rollouts' consecutiveErrorLimit); at the limit,
 * or with no verdict to keep, `unavailable`, keeping the last real result as `lastKnown`.
 */
export function healthAfterProviderError(key: string, previous: FlagHealth | undefined, reason: string, limit: number, at: string): FlagHealth {
  const message = `Prometheus unavailable: ${reason}`;
  const real = previous && previous.status !== 'unavailable' && previous.status !== 'unknown' ? previous : undefined;
  const count = (real?.providerErrors?.count ?? 0) + 1;
  if (real && count < limit) return { ...real, providerErrors: { count, limit, message, at } };
  const lastKnown = previous?.status === 'unavailable' ? previous.lastKnown : real ? withoutProviderErrors(real) : undefined;
  return { key, status: 'unavailable', checks: [], summary: message, evaluatedAt: at, ...(lastKnown ? { lastKnown } : {}) };
}

/**
 * Evaluates each key in turn. Once Prometheus proves unreachable in a round, the remaining flags get the same
 * error (each keeping its own last verdict) without waiting on more timeouts.
 */
export async function evaluateHealthRound(
  keys: string[],
  context: Omit<HealthEvaluationContext, 'previous'> & { previous: ReadonlyMap<string, FlagHealth> },
): Promise<Map<string, FlagHealth>> {
  const results = new Map<string, FlagHealth>();
  let outage: { reason: string; at: string } | undefined;
  for (const key of keys) {
    const previous = context.previous.get(key);
    let health: FlagHealth;
    if (outage && context.metrics) {
      health = healthAfterProviderError(key, previous, outage.reason, context.metrics.consecutiveErrorLimit, outage.at);
    } else {
      const evaluation = await evaluateOrReportError(key, { ...context, previous });
      health = evaluation.health;
      if (evaluation.error !== undefined) outage = { reason: evaluation.error, at: health.providerErrors?.at ?? health.evaluatedAt };
    }
    results.set(key, health);
  }
  return results;
}

/** The window when a flag's rollout step start is unknown: `metrics.interval`. */
export function intervalWindow(metrics: Pick<MetricsConfig, 'interval'>): MetricsWindow {
  return { range: metrics.interval, seconds: parseDurationSeconds(metrics.interval) ?? 300, source: 'interval' };
}

/** A `compare: control` check: the count (or histogram) queries for both variants, then the verdict of compare.ts. */
async function evaluateComparison(
  check: MetricCheckConfig,
  source: MetricsSource,
  render: (query: string, variant: string) => string,
  variants: { on: string; off: string },
  window: MetricsWindow,
): Promise<HealthCheckResult> {
  const comparison = check.compare!;
  const bounds = { ...(check.max !== undefined ? { max: check.max } : {}), ...(check.min !== undefined ? { min: check.min } : {}) };
  if (comparison.kind === 'ratio') {
    const counts = async (variant: string) => {
      const [events, trials] = await Promise.all([source.query(render(comparison.errors, variant)), source.query(render(comparison.requests, variant))]);
      const eventCount = pickValue(events, variant);
      const trialCount = pickValue(trials, variant);
      // No error series at all while requests exist is zero errors (a counter that never fired), not no data.
      if (trialCount === null) return null;
      return { events: eventCount ?? (events.length === 0 ? 0 : NaN), trials: trialCount };
    };
    const [on, control] = await Promise.all([counts(variants.on), counts(variants.off)]);
    return judgeRatioComparison(check.name, { ...comparison, ...bounds }, on, control, window);
  }
  const observe = async (variant: string): Promise<HistogramObservation | null> => {
    const histogram = render(comparison.histogram, variant);
    const [quantile, buckets] = await Promise.all([source.query(`histogram_quantile(${comparison.quantile}, ${histogram})`), source.query(histogram)]);
    const mine = buckets.filter((sample) => 'le' in sample.labels && (!('variant' in sample.labels) || sample.labels.variant === variant));
    if (mine.length === 0) return null;
    return { quantile: pickValue(quantile, variant), buckets: mine.map((sample) => ({ upperBound: parseBucketBound(sample.labels.le), count: sample.value })) };
  };
  const [on, control] = await Promise.all([observe(variants.on), observe(variants.off)]);
  return judgeLatencyComparison(check.name, { ...comparison, ...bounds }, on, control, window);
}

/** A Prometheus `le` label: a number, or `+Inf` (which Number() does not read). */
function parseBucketBound(le: string): number {
  return /^\+?Inf$/i.test(le) ? Infinity : Number(le);
}

function withoutProviderErrors(health: FlagHealth): FlagHealth {
  const { providerErrors: _dropped, ...rest } = health;
  void _dropped;
  return rest;
}

async function evaluateCheck(
  check: MetricCheckConfig,
  source: MetricsSource,
  render: (query: string, variant: string) => string,
  variants: { on: string; off: string },
): Promise<HealthCheckResult> {
  const value = pickValue(await source.query(render(check.query, variants.on)), variants.on);
  const result: HealthCheckResult = { name: check.name, value, passed: null, message: '', ...(check.max !== undefined ? { max: check.max } : {}) };
  if (check.maxRatioToControl !== undefined) {
    result.maxRatioToControl = check.maxRatioToControl;
    result.control = pickValue(await source.query(render(check.query, variants.off)), variants.off);
  }
  if (value === null) {
    result.message = `${check.name}: no data`;
    return result;
  }
  const problems: string[] = [];
  if (check.max !== undefined && value > check.max) problems.push(`${check.name} ${formatMetricValue(value)} > ${formatMetricValue(check.max)}`);
  if (check.min !== undefined && value < check.min) problems.push(`${check.name} ${formatMetricValue(value)} < ${formatMetricValue(check.min)}`);
  let ratioNote = '';
  if (check.maxRatioToControl !== undefined) {
    const control = result.control ?? null;
    if (control === null) {
      // Without a control value the relative check cannot be decided; absolute bounds still count.
      if (check.max === undefined && check.min === undefined) {
        result.message = `${check.name} ${formatMetricValue(value)}: control has no data`;
        return result;
      }
      ratioNote = ' (control: no data)';
    } else if (control === 0) {
      // A ratio to zero is undefined: a perfect control must not make any error on the treatment fatal.
      ratioNote = ' (control 0: ratio not applicable)';
    } else {
      const ratio = value / control;
      if (ratio > check.maxRatioToControl) problems.push(`${check.name} ${formatMetricValue(value)} is ${formatMetricValue(ratio)}× the control ${formatMetricValue(control)} (max ${formatMetricValue(check.maxRatioToControl)}×)`);
      else ratioNote = ` (control ${formatMetricValue(control)}, ${formatMetricValue(ratio)}×)`;
    }
  }
  if (problems.length) {
    result.passed = false;
    const control = result.control !== undefined && result.control !== null && check.maxRatioToControl !== undefined && !problems.some((p) => p.includes('control')) ? ` (control ${formatMetricValue(result.control)})` : '';
    result.message = `${problems.join(', ')}${control}`;
    return result;
  }
  result.passed = true;
  const bound = check.max !== undefined ? ` ≤ ${formatMetricValue(check.max)}` : check.min !== undefined ? ` ≥ ${formatMetricValue(check.min)}` : '';
  result.message = `${check.name} ${formatMetricValue(value)}${bound}${ratioNote}`;
  return result;
}

/**
 * Substitutes `{{flag}}`, `{{variant}}`, `{{interval}}` and `{{window}}` (the rollout step's window, or the
 * interval). Flag and variant are escaped for the PromQL string they sit in (double- or single-quoted, or a
 * backtick raw string), so a key can never end the string and inject query text.
 */
export function renderQuery(template: string, values: { flag: string; variant: string; interval: string; window?: string }): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < template.length; ) {
    const match = /^\{\{\s*(flag|variant|interval|window)\s*\}\}/.exec(template.slice(i));
    if (match) {
      const name = match[1] as 'flag' | 'variant' | 'interval' | 'window';
      out += name === 'interval' ? values.interval : name === 'window' ? (values.window ?? values.interval) : escapePromqlString(values[name], quote);
      i += match[0].length;
      continue;
    }
    const ch = template[i];
    if (quote) {
      if (ch === '\\' && quote !== '`') {
        out += template.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    out += ch;
    i++;
  }
  return out;
}

export function escapePromqlString(value: string, quote: string | null): string {
  if (quote === '`') return value.replace(/`/g, '');
  const q = quote ?? '"';
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').split(q).join(`\\${q}`);
}

/** The query's value: the sample for this variant if it is labelled by variant, else the only one; NaN/Inf/none is "no data". */
function pickValue(samples: PrometheusSample[], variant: string): number | null {
  const labelled = samples.find((s) => s.labels.variant === variant);
  const sample = labelled ?? (samples.length === 1 || !samples.some((s) => 'variant' in s.labels) ? samples[0] : undefined);
  if (!sample || !Number.isFinite(sample.value)) return null;
  return sample.value;
}

export function formatMetricValue(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 1 ? value.toFixed(2).replace(/0+$/, '').replace(/\.$/, '') : Number(value.toPrecision(2)).toString();
}
