// Health of one flag from its metrics, modelled on Flagger's metric templates and Argo Rollouts'
// analysis: the configured checks run for the treatment ("on") variant and, for ratio checks, the
// control ("off"); too few samples or no data is `inconclusive` — never healthy, never failing.
import type { MetricCheckConfig, MetricsConfig } from '../config.js';
import type { FlagHealth, HealthCheckResult } from '../model.js';
import type { MetricsSource, PrometheusSample } from './prometheus.js';

export interface HealthEvaluationContext {
  metrics: MetricsConfig | undefined;
  source: MetricsSource | undefined;
  now: () => Date;
  /** The previous result, kept (with its age) when Prometheus is unreachable. */
  previous?: FlagHealth;
}

/** Evaluates one flag. Never throws: an unreachable Prometheus gives `unavailable`. */
export async function evaluateFlagHealth(key: string, context: HealthEvaluationContext): Promise<FlagHealth> {
  const evaluatedAt = context.now().toISOString();
  const { metrics, source } = context;
  if (!metrics || !source || (metrics.checks.length === 0 && !metrics.minSamples)) {
    return { key, status: 'unknown', checks: [], summary: 'no metrics configured', evaluatedAt };
  }
  try {
    const render = (query: string, variant: string) => renderQuery(query, { flag: key, variant, interval: metrics.interval });
    if (metrics.minSamples) {
      const samples = pickValue(await source.query(render(metrics.minSamples.query, metrics.variants.on)), metrics.variants.on);
      if (samples === null || samples < metrics.minSamples.min) {
        const seen = samples === null ? 'no data' : `${formatMetricValue(samples)} samples`;
        const check: HealthCheckResult = { name: 'min-samples', value: samples, passed: null, message: `${seen} < ${metrics.minSamples.min} needed` };
        return { key, status: 'inconclusive', checks: [check], summary: `too few samples (${seen}, need ${metrics.minSamples.min})`, evaluatedAt };
      }
    }
    const checks: HealthCheckResult[] = [];
    for (const check of metrics.checks) checks.push(await evaluateCheck(check, source, render, metrics.variants));
    const failed = checks.filter((c) => c.passed === false);
    const unclear = checks.filter((c) => c.passed === null);
    if (failed.length) return { key, status: 'failing', checks, summary: failed.map((c) => c.message).join('; '), evaluatedAt };
    if (unclear.length) return { key, status: 'inconclusive', checks, summary: unclear.map((c) => c.message).join('; '), evaluatedAt };
    return { key, status: 'healthy', checks, summary: checks.map((c) => c.message).join('; '), evaluatedAt };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const lastKnown = context.previous?.status === 'unavailable' ? context.previous.lastKnown : context.previous;
    return { key, status: 'unavailable', checks: [], summary: `Prometheus unavailable: ${reason}`, evaluatedAt, ...(lastKnown ? { lastKnown } : {}) };
  }
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
 * Substitutes `{{flag}}`, `{{variant}}` and `{{interval}}`. Flag and variant are escaped for the PromQL
 * string they sit in (double- or single-quoted, or a backtick raw string), so a key can never end the
 * string and inject query text.
 */
export function renderQuery(template: string, values: { flag: string; variant: string; interval: string }): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < template.length; ) {
    const match = /^\{\{\s*(flag|variant|interval)\s*\}\}/.exec(template.slice(i));
    if (match) {
      const name = match[1] as 'flag' | 'variant' | 'interval';
      out += name === 'interval' ? values.interval : escapePromqlString(values[name], quote);
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
