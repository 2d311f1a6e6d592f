// `flaglens.yaml`: the one configuration file, read by every part (scanner checks and excludes,
// state sources, rollout ladder, staleness, live providers, metrics). Validated against its JSON schema
// (configSchema.ts), then read into typed settings with their defaults. Parsing never half-succeeds:
// any error (with file, line and column) means the caller must not use the config.
import { parseDocument, LineCounter, isAlias, isMap, isNode, isSeq, isScalar, visit, type Node, type Document } from 'yaml';
import { join, isAbsolute, resolve } from 'node:path';
import type { FileSystem } from './io.js';
import { MAX_INPUT_FILE_BYTES, describeReadError } from './io.js';
import type { FlagType, InputError } from './model.js';
import { configSchemaViolations, type ConfigPath } from './configSchema.js';

/** A team-defined flag check. `key` is an argument path: `0`, `1`, `0.key`, `0.flag.name`. */
export type CustomCheck =
  | { kind: 'call'; call: string; key: string; defaultArgument?: number }
  | { kind: 'property'; property: string }
  | { kind: 'jsx'; jsx: string; attribute: string };

/** Where a secret comes from; never the secret itself. */
export interface TokenSource {
  env?: string;
}

export interface UnleashConfig {
  url: string;
  project: string;
  environment: string;
  token: TokenSource;
  /** Poll interval in seconds (default 30). */
  pollIntervalSeconds: number;
  /** Only for self-signed test servers; must be set explicitly. */
  insecureSkipTlsVerify: boolean;
  /** The total deadline of each HTTP call to Unleash, in seconds (default 10). */
  timeoutSeconds?: number;
  /** Where `url` is written in flaglens.yaml (token trust problems are reported there). */
  urlAt?: { line: number; column: number };
}

export interface MetricCheckConfig {
  name: string;
  /** One number per variant, judged against `max`/`min`/`maxRatioToControl`. Empty for `compare: control` checks. */
  query: string;
  /** Absolute bounds on the on-variant's value (for a `compare` check: its rate or quantile). */
  max?: number;
  min?: number;
  maxRatioToControl?: number;
  /** `compare: control`: the on-variant against the control with a sequential test (health/compare.ts). */
  compare?: ControlComparisonConfig;
}

/** The settings every `compare: control` check shares. */
interface ControlComparisonSettings {
  /** The tolerated relative increase over the control (0.2: 20% worse is still fine). Default 0. */
  maxRelativeIncrease: number;
  /** Default 0.95: a regression is called at most 5% of the time when there is none, however often it looks. */
  confidence: number;
  /** Fewer samples than this in either variant is `inconclusive`. Default 100. */
  minSamples: number;
}

/** A ratio (errors / requests): two count queries over `{{window}}`, compared with the always-valid two-proportion test. */
export interface RatioComparisonConfig extends ControlComparisonSettings {
  kind: 'ratio';
  errors: string;
  requests: string;
}

/** Latency from a histogram (bucket counts by `le` over `{{window}}`): a quantile per variant plus a rank test. */
export interface LatencyComparisonConfig extends ControlComparisonSettings {
  kind: 'latency';
  histogram: string;
  /** The quantile compared (default 0.99). */
  quantile: number;
}

export type ControlComparisonConfig = RatioComparisonConfig | LatencyComparisonConfig;

export const DEFAULT_COMPARISON_CONFIDENCE = 0.95;
export const DEFAULT_COMPARISON_MIN_SAMPLES = 100;
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;

export interface MetricsConfig {
  prometheus: { url: string };
  /** The `{{interval}}` substituted into queries, a Prometheus duration (default `5m`); also `{{window}}` when a rollout step's start is unknown. */
  interval: string;
  /** How often health is re-evaluated in the background, in seconds (default 30). */
  evaluateEverySeconds: number;
  /** Consecutive Prometheus errors before the health becomes `unavailable`; until then the last verdict stays (default 4). */
  consecutiveErrorLimit: number;
  minSamples?: { query: string; min: number };
  checks: MetricCheckConfig[];
  /** Variant label values for the treatment and the control (default `on` / `off`). */
  variants: { on: string; off: string };
}

export interface FlaglensConfig {
  /** Absolute path of the file read; undefined when no file exists (all defaults). */
  file?: string;
  checks: CustomCheck[];
  /** Globs (relative to the workspace root) skipped on top of .gitignore and node_modules. */
  exclude: string[];
  state: {
    /** flagd definition files (workspace-relative); empty: auto-discover. */
    flagd: string[];
    /** Where each `state.flagd` entry is written in flaglens.yaml (a missing file is reported there). */
    flagdAt?: Record<string, { line: number; column: number }>;
    unleash?: UnleashConfig;
  };
  rollout: RolloutConfig;
  stale: {
    releasedDays: number;
    /** Days before a flag of this type is potentially stale (null: never). Unleash's defaults. */
    lifetimes: Record<FlagType, number | null>;
  };
  metrics?: MetricsConfig;
}

/** The rollout ladder, and how long each step must stay healthy before `watch --advance` moves on. */
export interface RolloutConfig {
  steps: number[];
  /** `rollout.bake`: the bake time of every step, in seconds. */
  bakeSeconds?: number;
  /** Per-step bake times (`steps: [1, { percent: 10, bake: 1h }, …]`), in seconds, by percentage. */
  stepBakeSeconds?: Record<number, number>;
}

export const DEFAULT_ROLLOUT_STEPS = [1, 10, 50, 100];

/** The bake time of the step at `percentage` (its own, else `rollout.bake`), in seconds; undefined when none is set. */
export function bakeSecondsFor(rollout: RolloutConfig, percentage: number): number | undefined {
  return rollout.stepBakeSeconds?.[percentage] ?? rollout.bakeSeconds;
}

/**
 * A duration like `30s`, `30m`, `1h30m` or `2d` in seconds (units ms, s, m, h, d, w); undefined when the text
 * is not one.
 */
export function parseDurationSeconds(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(text)) return undefined;
  const unitSeconds: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let seconds = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h|d|w)/g)) seconds += Number(amount) * unitSeconds[unit];
  return seconds;
}
export const DEFAULT_LIFETIMES: Record<FlagType, number | null> = {
  release: 40,
  experiment: 40,
  operational: 7,
  'kill-switch': null,
  permission: null,
};

export function defaultConfig(): FlaglensConfig {
  return {
    checks: [],
    exclude: [],
    state: { flagd: [] },
    rollout: { steps: [...DEFAULT_ROLLOUT_STEPS] },
    stale: { releasedDays: 14, lifetimes: { ...DEFAULT_LIFETIMES } },
  };
}

export interface ConfigResult {
  config: FlaglensConfig;
  /** Non-empty means the config is invalid and must not be used. */
  errors: InputError[];
}

export const CONFIG_FILE_NAME = 'flaglens.yaml';

/**
 * Reads `flaglens.yaml` from the workspace root (or `configPath`). Only a default file that does not exist means
 * defaults: one that cannot be read (a directory, a FIFO, no permission, over 10 MB, not UTF-8) is an error, so a
 * write never happens under defaults the person did not choose.
 */
export function loadConfig(fs: FileSystem, root: string, configPath?: string): ConfigResult {
  const file = configPath ? (isAbsolute(configPath) ? configPath : resolve(root, configPath)) : join(root, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = fs.readFile(file, { maxBytes: MAX_INPUT_FILE_BYTES, strictUtf8: true });
  } catch (error) {
    if (!configPath && (error as { code?: string }).code === 'ENOENT') return { config: defaultConfig(), errors: [] };
    const position = /at line (\d+), column (\d+)/.exec((error as Error).message ?? '');
    return {
      config: defaultConfig(),
      errors: [{ file, line: position ? Number(position[1]) : 1, column: position ? Number(position[2]) : 1, message: `config file ${describeReadError(error)}`, code: 'config' }],
    };
  }
  return parseConfig(text, file);
}

/**
 * Parses and validates config text. `file` is used in error messages and stored in the result. The JSON schema
 * (syntaxes/flaglens.schema.json, see configSchema.ts) is the one definition of what is valid; the few rules a
 * schema cannot say (rollout steps strictly increasing) are checked here, after it.
 */
export function parseConfig(text: string, file: string): ConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const errors: InputError[] = [];
  const at = (offset: number | undefined, message: string) => {
    const pos = lineCounter.linePos(offset ?? 0);
    errors.push({ file, line: pos.line, column: pos.col, message, code: 'config' });
  };
  for (const error of doc.errors) at(error.pos[0], `invalid YAML: ${error.message.split('\n')[0]}`);
  const config = defaultConfig();
  config.file = file;
  if (errors.length) return { config, errors };
  let value: unknown;
  try {
    // A few hundred bytes of aliases can expand to billions of nodes: a bounded count refuses that before it grows.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    at(firstAliasOffset(doc), 'YAML aliases here would expand the file too much (an alias bomb?): write the values out');
    return { config, errors };
  }
  const offsetOf = (path: ConfigPath, where: 'value' | 'key' = 'value') => nodeOffset(doc, path, where);
  const positionOf = (path: ConfigPath) => {
    const pos = lineCounter.linePos(offsetOf(path));
    return { line: pos.line, column: pos.col };
  };
  // What a schema cannot say comes first; it replaces the schema's word on the same setting (steps that go down
  // are "not increasing", whatever their last value).
  const beyondSchema = rulesBeyondSchema(value);
  for (const problem of beyondSchema) at(offsetOf(problem.at), problem.message);
  for (const violation of configSchemaViolations(value ?? null)) {
    if (beyondSchema.some((problem) => samePath(problem.setting, violation.path))) continue;
    at(offsetOf(violation.path, violation.at), violation.message);
  }
  if (!errors.length) readValidatedConfig((value ?? {}) as ConfigData, config, positionOf);
  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  return { config, errors };
}

/** flaglens.yaml as plain data, already valid against the schema (so the shapes below hold). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ConfigData = Record<string, any>;

/**
 * The rules of flaglens.yaml a JSON schema cannot express, on data that may not be valid yet: rollout steps
 * strictly increasing. `setting` is the path the rule is about, `at` where to point.
 */
function rulesBeyondSchema(value: unknown): Array<{ setting: ConfigPath; at: ConfigPath; message: string }> {
  const steps = (value as ConfigData | null | undefined)?.rollout?.steps;
  if (!Array.isArray(steps)) return [];
  const percents = steps.map((step) => (typeof step === 'number' ? step : typeof step?.percent === 'number' ? (step.percent as number) : undefined));
  for (let index = 1; index < percents.length; index++) {
    const [before, current] = [percents[index - 1], percents[index]];
    if (before !== undefined && current !== undefined && current <= before) return [{ setting: ['rollout', 'steps'], at: ['rollout', 'steps', index], message: 'rollout.steps must be strictly increasing' }];
  }
  return [];
}

function samePath(a: ConfigPath, b: ConfigPath): boolean {
  return a.length === b.length && a.every((segment, index) => segment === b[index]);
}

/**
 * Turns valid config data into the typed config, with the defaults for what is left out and the positions the
 * providers report at.
 */
function readValidatedConfig(data: ConfigData, config: FlaglensConfig, positionOf: (path: ConfigPath) => { line: number; column: number }): void {
  const text = (value: unknown) => String(value);
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
  if (data.checks) {
    config.checks = (data.checks as ConfigData[]).map((check): CustomCheck => {
      if (check.call !== undefined) return { kind: 'call', call: check.call, key: check.key === undefined ? '0' : text(check.key), ...(check.default !== undefined ? { defaultArgument: check.default } : {}) };
      if (check.property !== undefined) return { kind: 'property', property: check.property };
      return { kind: 'jsx', jsx: check.jsx, attribute: check.attribute };
    });
  }
  if (data.exclude !== undefined) config.exclude = list(data.exclude).map(text);
  const state = data.state as ConfigData | undefined;
  if (state?.flagd !== undefined) {
    config.state.flagd = list(state.flagd).map(text);
    config.state.flagdAt = Object.fromEntries(config.state.flagd.map((entry, index) => [entry, positionOf(Array.isArray(state.flagd) ? ['state', 'flagd', index] : ['state', 'flagd'])]));
  }
  const unleash = state?.unleash as ConfigData | undefined;
  if (unleash) {
    config.state.unleash = {
      url: text(unleash.url).replace(/\/+$/, ''),
      project: unleash.project === undefined ? 'default' : text(unleash.project),
      environment: unleash.environment === undefined ? 'development' : text(unleash.environment),
      token: { env: unleash.token?.env ?? 'UNLEASH_TOKEN' },
      pollIntervalSeconds: unleash.pollInterval ?? 30,
      insecureSkipTlsVerify: unleash.insecureSkipTlsVerify ?? false,
      timeoutSeconds: unleash.timeout,
      urlAt: positionOf(['state', 'unleash', 'url']),
    };
  }
  const rollout = data.rollout as ConfigData | undefined;
  if (rollout?.bake !== undefined) config.rollout.bakeSeconds = parseDurationSeconds(rollout.bake);
  if (rollout?.steps !== undefined) {
    const values: number[] = [];
    const stepBakeSeconds: Record<number, number> = {};
    for (const step of rollout.steps as Array<number | ConfigData>) {
      const percent = typeof step === 'number' ? step : (step.percent as number);
      if (typeof step !== 'number' && step.bake !== undefined) stepBakeSeconds[percent] = parseDurationSeconds(step.bake)!;
      values.push(percent);
    }
    config.rollout.steps = values;
    if (Object.keys(stepBakeSeconds).length) config.rollout.stepBakeSeconds = stepBakeSeconds;
  }
  const stale = data.stale as ConfigData | undefined;
  if (stale?.releasedDays !== undefined) config.stale.releasedDays = stale.releasedDays;
  for (const [type, days] of Object.entries((stale?.lifetimes as ConfigData | undefined) ?? {})) {
    config.stale.lifetimes[type as FlagType] = days === null || days === 'never' ? null : (days as number);
  }
  if (data.metrics) config.metrics = readMetrics(data.metrics as ConfigData);
}

function readMetrics(metrics: ConfigData): MetricsConfig {
  const text = (value: unknown) => String(value);
  const checks = ((metrics.checks as ConfigData[] | undefined) ?? []).map((entry): MetricCheckConfig => {
    const check: MetricCheckConfig = { name: text(entry.name), query: '' };
    if (entry.max !== undefined) check.max = entry.max;
    if (entry.min !== undefined) check.min = entry.min;
    if (entry.compare === undefined) {
      if (entry.maxRatioToControl !== undefined) check.maxRatioToControl = entry.maxRatioToControl;
      check.query = text(entry.query);
      return check;
    }
    const settings = {
      maxRelativeIncrease: entry.maxRelativeIncrease ?? 0,
      confidence: entry.confidence ?? DEFAULT_COMPARISON_CONFIDENCE,
      minSamples: entry.minSamples ?? DEFAULT_COMPARISON_MIN_SAMPLES,
    };
    check.compare = entry.histogram === undefined ? { kind: 'ratio', errors: text(entry.errors), requests: text(entry.requests), ...settings } : { kind: 'latency', histogram: text(entry.histogram), quantile: entry.quantile ?? 0.99, ...settings };
    return check;
  });
  const minSamples = metrics.minSamples as ConfigData | undefined;
  return {
    prometheus: { url: text(metrics.prometheus.url).replace(/\/+$/, '') },
    interval: metrics.interval ?? '5m',
    evaluateEverySeconds: metrics.evaluateEvery ?? 30,
    consecutiveErrorLimit: metrics.consecutiveErrorLimit ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT,
    minSamples: minSamples ? { query: text(minSamples.query), min: minSamples.min } : undefined,
    checks,
    variants: { on: text(metrics.variants?.on ?? 'on'), off: text(metrics.variants?.off ?? 'off') },
  };
}

/**
 * The offset of the YAML node at `path` (its value, or its key), or of the deepest node on the way when the path
 * does not reach that far (a missing setting is reported at the mapping that lacks it).
 */
function nodeOffset(doc: Document, path: ConfigPath, where: 'value' | 'key'): number {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  let deepest: Node | undefined = isNode(node) ? node : undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      keyNode = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else break;
    deepest = (isNode(node) ? node : keyNode) ?? deepest;
    if (!isNode(node) && !keyNode) break;
  }
  const target = where === 'key' ? keyNode ?? deepest : isNode(node) && node.range ? node : keyNode ?? deepest;
  return target?.range?.[0] ?? 0;
}

function firstAliasOffset(doc: Document): number {
  let offset = 0;
  visit(doc, {
    Alias(_, alias) {
      offset = alias.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}
