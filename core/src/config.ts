// `flaglens.yaml`: the one configuration file, read by every part (scanner checks and excludes,
// state sources, rollout ladder, staleness, live providers, metrics). Parsing never half-succeeds:
// any error (with file, line and column) means the caller must not use the config.
import { parseDocument, LineCounter, isMap, isSeq, isScalar, type Node, type Document } from 'yaml';
import { join, isAbsolute, resolve } from 'node:path';
import type { FileSystem } from './io.js';
import { MAX_INPUT_FILE_BYTES, describeReadError } from './io.js';
import type { FlagType, InputError } from './model.js';

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

/** Parses and validates config text. `file` is used in error messages and stored in the result. */
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
  const reader = new ConfigReader(doc, at, (offset) => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col };
  });
  reader.read(config);
  return { config, errors };
}

type Report = (offset: number | undefined, message: string) => void;

/** Walks the YAML tree, reporting every problem at the node that has it. */
class ConfigReader {
  constructor(
    private readonly doc: Document,
    private readonly report: Report,
    private readonly position: (offset: number | undefined) => { line: number; column: number },
  ) {}

  read(config: FlaglensConfig): void {
    const root = this.doc.contents;
    if (root === null || root === undefined || (isScalar(root) && root.value === null)) return;
    if (!isMap(root)) return this.report(root.range?.[0], 'flaglens.yaml must be a mapping (key: value)');
    for (const pair of root.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value as Node | null;
      const offset = (pair.key as Node | null)?.range?.[0];
      switch (key) {
        case 'checks':
          config.checks = this.readChecks(value, offset);
          break;
        case 'exclude':
          config.exclude = this.readStringList(value, offset, 'exclude');
          break;
        case 'state':
          this.readState(value, offset, config);
          break;
        case 'rollout':
          this.readRollout(value, offset, config);
          break;
        case 'stale':
          this.readStale(value, offset, config);
          break;
        case 'metrics':
          config.metrics = this.readMetrics(value, offset);
          break;
        default:
          this.report(offset, `unknown setting '${key}' (expected one of: checks, exclude, state, rollout, stale, metrics)`);
      }
    }
  }

  private entries(node: Node | null, offset: number | undefined, what: string, allowed: string[]): Map<string, { value: Node | null; offset?: number }> {
    const out = new Map<string, { value: Node | null; offset?: number }>();
    if (!node || !isMap(node)) {
      this.report(node?.range?.[0] ?? offset, `${what} must be a mapping`);
      return out;
    }
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const keyOffset = (pair.key as Node | null)?.range?.[0];
      if (!allowed.includes(key)) {
        this.report(keyOffset, `unknown setting '${what}.${key}' (expected one of: ${allowed.join(', ')})`);
        continue;
      }
      out.set(key, { value: pair.value as Node | null, offset: keyOffset });
    }
    return out;
  }

  private string(node: Node | null | undefined, offset: number | undefined, what: string): string | undefined {
    if (node && isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') && String(node.value).length > 0) {
      return String(node.value);
    }
    this.report(node?.range?.[0] ?? offset, `${what} must be a non-empty string`);
    return undefined;
  }

  private number(node: Node | null | undefined, offset: number | undefined, what: string, min: number, max: number): number | undefined {
    if (node && isScalar(node) && typeof node.value === 'number' && Number.isFinite(node.value) && node.value >= min && node.value <= max) {
      return node.value;
    }
    this.report(node?.range?.[0] ?? offset, `${what} must be a number from ${min} to ${max}`);
    return undefined;
  }

  private boolean(node: Node | null | undefined, offset: number | undefined, what: string): boolean | undefined {
    if (node && isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.report(node?.range?.[0] ?? offset, `${what} must be true or false`);
    return undefined;
  }

  private readStringList(node: Node | null, offset: number | undefined, what: string): string[] {
    if (node && isScalar(node) && typeof node.value === 'string') return [node.value];
    if (!node || !isSeq(node)) {
      this.report(node?.range?.[0] ?? offset, `${what} must be a list of strings`);
      return [];
    }
    const out: string[] = [];
    for (const item of node.items as Node[]) {
      const value = this.string(item, offset, `each entry of ${what}`);
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  private readChecks(node: Node | null, offset: number | undefined): CustomCheck[] {
    if (!node || !isSeq(node)) {
      this.report(node?.range?.[0] ?? offset, 'checks must be a list of { call | property | jsx } entries');
      return [];
    }
    const checks: CustomCheck[] = [];
    for (const item of node.items as Node[]) {
      const fields = this.entries(item, offset, 'checks[]', ['call', 'key', 'default', 'property', 'jsx', 'attribute']);
      const itemOffset = item?.range?.[0];
      const kinds = ['call', 'property', 'jsx'].filter((k) => fields.has(k));
      if (kinds.length !== 1) {
        this.report(itemOffset, 'each check needs exactly one of: call, property, jsx');
        continue;
      }
      if (fields.has('call')) {
        const call = this.string(fields.get('call')!.value, itemOffset, 'checks[].call');
        if (call === undefined) continue;
        if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(call)) {
          this.report(fields.get('call')!.value?.range?.[0], `checks[].call '${call}' must be a name or a dotted path like receiver.method`);
          continue;
        }
        let key = '0';
        const keyField = fields.get('key');
        if (keyField) {
          const raw = keyField.value && isScalar(keyField.value) ? String(keyField.value.value) : '';
          if (!/^\d+(\.[A-Za-z_$][\w$]*)*$/.test(raw)) {
            this.report(keyField.value?.range?.[0] ?? keyField.offset, `checks[].key must be an argument index, optionally with a property path (0, 1, 0.key), got '${raw}'`);
            continue;
          }
          key = raw;
        }
        const check: CustomCheck = { kind: 'call', call, key };
        const defaultField = fields.get('default');
        if (defaultField) {
          const index = this.number(defaultField.value, defaultField.offset, 'checks[].default (argument index of the fallback value)', 0, 20);
          if (index === undefined) continue;
          check.defaultArgument = index;
        }
        checks.push(check);
      } else if (fields.has('property')) {
        const property = this.string(fields.get('property')!.value, itemOffset, 'checks[].property');
        if (property !== undefined) checks.push({ kind: 'property', property });
      } else {
        const jsx = this.string(fields.get('jsx')!.value, itemOffset, 'checks[].jsx');
        const attributeField = fields.get('attribute');
        if (!attributeField) {
          this.report(itemOffset, `checks[].jsx '${jsx}' needs an attribute (the prop that holds the flag key)`);
          continue;
        }
        const attribute = this.string(attributeField.value, attributeField.offset, 'checks[].attribute');
        if (jsx !== undefined && attribute !== undefined) checks.push({ kind: 'jsx', jsx, attribute });
      }
    }
    return checks;
  }

  private readState(node: Node | null, offset: number | undefined, config: FlaglensConfig): void {
    const fields = this.entries(node, offset, 'state', ['flagd', 'unleash']);
    const flagd = fields.get('flagd');
    if (flagd) config.state.flagd = this.readStringList(flagd.value, flagd.offset, 'state.flagd');
    const unleash = fields.get('unleash');
    if (unleash) {
      const u = this.entries(unleash.value, unleash.offset, 'state.unleash', ['url', 'project', 'environment', 'token', 'pollInterval', 'timeout', 'insecureSkipTlsVerify']);
      const o = unleash.value?.range?.[0] ?? unleash.offset;
      const url = this.string(u.get('url')?.value, u.get('url')?.offset ?? o, 'state.unleash.url');
      if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) this.report(u.get('url')?.value?.range?.[0], 'state.unleash.url must be an http(s) URL');
      const project = u.has('project') ? this.string(u.get('project')!.value, u.get('project')!.offset, 'state.unleash.project') : 'default';
      const environment = u.has('environment') ? this.string(u.get('environment')!.value, u.get('environment')!.offset, 'state.unleash.environment') : 'development';
      let token: TokenSource = { env: 'UNLEASH_TOKEN' };
      const tokenField = u.get('token');
      if (tokenField) {
        if (tokenField.value && isScalar(tokenField.value)) {
          this.report(tokenField.value.range?.[0], 'state.unleash.token must not hold the token itself: use { env: VARIABLE_NAME } (the extension stores it with "Flaglens: Set Token")');
        } else {
          const t = this.entries(tokenField.value, tokenField.offset, 'state.unleash.token', ['env']);
          const env = t.get('env');
          if (env) token = { env: this.string(env.value, env.offset, 'state.unleash.token.env') };
        }
      }
      const poll = u.get('pollInterval');
      const pollIntervalSeconds = poll ? this.number(poll.value, poll.offset, 'state.unleash.pollInterval (seconds)', 1, 86400) ?? 30 : 30;
      const timeout = u.get('timeout');
      const timeoutSeconds = timeout ? this.number(timeout.value, timeout.offset, 'state.unleash.timeout (seconds, the total deadline of each request)', 0.1, 600) : undefined;
      const insecure = u.get('insecureSkipTlsVerify');
      const insecureSkipTlsVerify = insecure ? this.boolean(insecure.value, insecure.offset, 'state.unleash.insecureSkipTlsVerify') ?? false : false;
      if (url && project && environment) {
        const urlAt = this.position(u.get('url')?.value?.range?.[0] ?? u.get('url')?.offset);
        config.state.unleash = { url: url.replace(/\/+$/, ''), project, environment, token, pollIntervalSeconds, insecureSkipTlsVerify, timeoutSeconds, urlAt };
      }
    }
  }

  private readRollout(node: Node | null, offset: number | undefined, config: FlaglensConfig): void {
    const fields = this.entries(node, offset, 'rollout', ['steps', 'bake']);
    const bake = fields.get('bake');
    if (bake) {
      const seconds = this.duration(bake.value, bake.offset, 'rollout.bake');
      if (seconds !== undefined) config.rollout.bakeSeconds = seconds;
    }
    const steps = fields.get('steps');
    if (!steps) return;
    if (!steps.value || !isSeq(steps.value)) return this.report(steps.value?.range?.[0] ?? steps.offset, 'rollout.steps must be a list of percentages');
    const values: number[] = [];
    const stepBakeSeconds: Record<number, number> = {};
    for (const item of steps.value.items as Node[]) {
      let percentNode: Node | null = item;
      let percentOffset = steps.offset;
      if (item && isMap(item)) {
        // A step with its own bake time: { percent: 10, bake: 1h }.
        const step = this.entries(item, steps.offset, 'rollout.steps[]', ['percent', 'bake']);
        if (!step.has('percent')) return this.report(item.range?.[0], 'a rollout step written as a mapping needs percent: { percent: 10, bake: 1h }');
        percentNode = step.get('percent')!.value;
        percentOffset = step.get('percent')!.offset;
        const stepBake = step.get('bake');
        if (stepBake) {
          const seconds = this.duration(stepBake.value, stepBake.offset, 'rollout.steps[].bake');
          if (seconds === undefined) return;
          const percent = percentNode && isScalar(percentNode) && typeof percentNode.value === 'number' ? percentNode.value : undefined;
          if (percent !== undefined) stepBakeSeconds[percent] = seconds;
        }
      }
      const value = this.number(percentNode, percentOffset, 'each rollout step', 0, 100);
      if (value === undefined) return;
      if (values.length && value <= values[values.length - 1]) return this.report(item.range?.[0], 'rollout.steps must be strictly increasing');
      values.push(value);
    }
    if (values[values.length - 1] !== 100) return this.report(steps.value.range?.[0], 'rollout.steps must end at 100');
    config.rollout.steps = values;
    if (Object.keys(stepBakeSeconds).length) config.rollout.stepBakeSeconds = stepBakeSeconds;
  }

  /** A duration (`30m`, `1h30m`) in seconds. */
  private duration(node: Node | null | undefined, offset: number | undefined, what: string): number | undefined {
    const text = node && isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
    const seconds = text === undefined ? undefined : parseDurationSeconds(text);
    if (seconds === undefined) {
      this.report(node?.range?.[0] ?? offset, `${what} must be a duration like 90s, 30m or 1h30m${text === undefined ? '' : `, got '${text}'`}`);
      return undefined;
    }
    return seconds;
  }

  private readStale(node: Node | null, offset: number | undefined, config: FlaglensConfig): void {
    const fields = this.entries(node, offset, 'stale', ['releasedDays', 'lifetimes']);
    const days = fields.get('releasedDays');
    if (days) config.stale.releasedDays = this.number(days.value, days.offset, 'stale.releasedDays', 0, 36500) ?? config.stale.releasedDays;
    const lifetimes = fields.get('lifetimes');
    if (lifetimes) {
      const types = Object.keys(DEFAULT_LIFETIMES);
      for (const [type, entry] of this.entries(lifetimes.value, lifetimes.offset, 'stale.lifetimes', types)) {
        if (entry.value && isScalar(entry.value) && (entry.value.value === null || entry.value.value === 'never')) {
          config.stale.lifetimes[type as FlagType] = null;
        } else {
          const value = this.number(entry.value, entry.offset, `stale.lifetimes.${type} (days, or never)`, 0, 36500);
          if (value !== undefined) config.stale.lifetimes[type as FlagType] = value;
        }
      }
    }
  }

  private readMetrics(node: Node | null, offset: number | undefined): MetricsConfig | undefined {
    const fields = this.entries(node, offset, 'metrics', ['prometheus', 'interval', 'evaluateEvery', 'consecutiveErrorLimit', 'minSamples', 'checks', 'variants']);
    const o = node?.range?.[0] ?? offset;
    const prometheus = fields.get('prometheus');
    if (!prometheus) {
      this.report(o, 'metrics needs prometheus: { url: http://… }');
      return undefined;
    }
    const p = this.entries(prometheus.value, prometheus.offset, 'metrics.prometheus', ['url']);
    const url = this.string(p.get('url')?.value, p.get('url')?.offset ?? prometheus.offset, 'metrics.prometheus.url');
    if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) this.report(p.get('url')?.value?.range?.[0], 'metrics.prometheus.url must be an http(s) URL');
    const durationPattern = /^\d+(ms|s|m|h|d|w|y)$/;
    let interval = '5m';
    const intervalField = fields.get('interval');
    if (intervalField) {
      const value = this.string(intervalField.value, intervalField.offset, 'metrics.interval');
      if (value !== undefined && !durationPattern.test(value)) this.report(intervalField.value?.range?.[0], `metrics.interval must be a Prometheus duration like 30s or 5m, got '${value}'`);
      else if (value !== undefined) interval = value;
    }
    const every = fields.get('evaluateEvery');
    const evaluateEverySeconds = every ? this.number(every.value, every.offset, 'metrics.evaluateEvery (seconds)', 1, 86400) ?? 30 : 30;
    const errorLimit = fields.get('consecutiveErrorLimit');
    const consecutiveErrorLimit = errorLimit ? this.integer(errorLimit.value, errorLimit.offset, 'metrics.consecutiveErrorLimit', 1, 1000) ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT : DEFAULT_CONSECUTIVE_ERROR_LIMIT;
    let minSamples: MetricsConfig['minSamples'];
    const min = fields.get('minSamples');
    if (min) {
      const m = this.entries(min.value, min.offset, 'metrics.minSamples', ['query', 'min']);
      const query = this.string(m.get('query')?.value, m.get('query')?.offset ?? min.offset, 'metrics.minSamples.query');
      const minimum = this.number(m.get('min')?.value, m.get('min')?.offset ?? min.offset, 'metrics.minSamples.min', 0, Number.MAX_SAFE_INTEGER);
      if (query !== undefined && minimum !== undefined) minSamples = { query, min: minimum };
    }
    const checks: MetricCheckConfig[] = [];
    const checksField = fields.get('checks');
    if (checksField) {
      if (!checksField.value || !isSeq(checksField.value)) {
        this.report(checksField.value?.range?.[0] ?? checksField.offset, 'metrics.checks must be a list');
      } else {
        for (const item of checksField.value.items as Node[]) {
          const check = this.readMetricCheck(item, checksField.offset);
          if (check) checks.push(check);
        }
      }
    }
    const variants = { on: 'on', off: 'off' };
    const variantsField = fields.get('variants');
    if (variantsField) {
      const v = this.entries(variantsField.value, variantsField.offset, 'metrics.variants', ['on', 'off']);
      if (v.has('on')) variants.on = this.string(v.get('on')!.value, v.get('on')!.offset, 'metrics.variants.on') ?? 'on';
      if (v.has('off')) variants.off = this.string(v.get('off')!.value, v.get('off')!.offset, 'metrics.variants.off') ?? 'off';
    }
    if (url === undefined) return undefined;
    return { prometheus: { url: url.replace(/\/+$/, '') }, interval, evaluateEverySeconds, consecutiveErrorLimit, minSamples, checks, variants };
  }

  /**
   * One entry of metrics.checks: either an absolute check (`query` with `max`/`min`/`maxRatioToControl`) or a
   * `compare: control` check (`errors` + `requests`, or `histogram`), which may also carry `max`/`min`.
   */
  private readMetricCheck(item: Node, listOffset: number | undefined): MetricCheckConfig | undefined {
    const comparisonFields = ['errors', 'requests', 'histogram', 'quantile', 'maxRelativeIncrease', 'confidence', 'minSamples'];
    const c = this.entries(item, listOffset, 'metrics.checks[]', ['name', 'query', 'max', 'min', 'maxRatioToControl', 'compare', ...comparisonFields]);
    const io = item?.range?.[0];
    const name = this.string(c.get('name')?.value, c.get('name')?.offset ?? io, 'metrics.checks[].name');
    const check: MetricCheckConfig = { name: name ?? '', query: '' };
    for (const bound of ['max', 'min'] as const) {
      const f = c.get(bound);
      if (f) check[bound] = this.number(f.value, f.offset, `metrics.checks[].${bound}`, 0, Number.MAX_SAFE_INTEGER);
    }
    const compareField = c.get('compare');
    if (!compareField) {
      for (const field of comparisonFields) {
        if (c.has(field)) this.report(c.get(field)!.offset, `metrics.checks[].${field} needs compare: control (check '${name}')`);
      }
      const query = this.string(c.get('query')?.value, c.get('query')?.offset ?? io, 'metrics.checks[].query');
      const ratio = c.get('maxRatioToControl');
      if (ratio) check.maxRatioToControl = this.number(ratio.value, ratio.offset, 'metrics.checks[].maxRatioToControl', 0, Number.MAX_SAFE_INTEGER);
      if (check.max === undefined && check.min === undefined && check.maxRatioToControl === undefined) {
        this.report(io, `metrics check '${name}' needs a threshold: max, min or maxRatioToControl (or compare: control)`);
      }
      if (name === undefined || query === undefined) return undefined;
      check.query = query;
      return check;
    }
    const compare = compareField.value && isScalar(compareField.value) ? compareField.value.value : undefined;
    if (compare !== 'control') {
      this.report(compareField.value?.range?.[0] ?? compareField.offset, `metrics.checks[].compare must be control, got '${String(compare)}'`);
      return undefined;
    }
    for (const field of ['query', 'maxRatioToControl']) {
      if (c.has(field)) this.report(c.get(field)!.offset, `a compare: control check reads errors + requests (a ratio) or histogram (latency), not ${field} (check '${name}')`);
    }
    const settings = {
      maxRelativeIncrease: c.has('maxRelativeIncrease') ? this.number(c.get('maxRelativeIncrease')!.value, c.get('maxRelativeIncrease')!.offset, 'metrics.checks[].maxRelativeIncrease', 0, 1000) ?? 0 : 0,
      confidence: c.has('confidence') ? this.number(c.get('confidence')!.value, c.get('confidence')!.offset, 'metrics.checks[].confidence', 0.5, 0.9999) ?? DEFAULT_COMPARISON_CONFIDENCE : DEFAULT_COMPARISON_CONFIDENCE,
      minSamples: c.has('minSamples') ? this.integer(c.get('minSamples')!.value, c.get('minSamples')!.offset, 'metrics.checks[].minSamples', 0, Number.MAX_SAFE_INTEGER) ?? DEFAULT_COMPARISON_MIN_SAMPLES : DEFAULT_COMPARISON_MIN_SAMPLES,
    };
    const ratio = c.has('errors') || c.has('requests');
    if (ratio && c.has('histogram')) {
      this.report(c.get('histogram')!.offset, `check '${name}' has both errors/requests and histogram: a compare: control check is a ratio or a latency, not both`);
      return undefined;
    }
    if (ratio) {
      if (c.has('quantile')) this.report(c.get('quantile')!.offset, `metrics.checks[].quantile belongs to a histogram check, not to errors/requests (check '${name}')`);
      const errors = this.string(c.get('errors')?.value, c.get('errors')?.offset ?? io, 'metrics.checks[].errors (a count of failed requests over {{window}})');
      const requests = this.string(c.get('requests')?.value, c.get('requests')?.offset ?? io, 'metrics.checks[].requests (a count of all requests over {{window}})');
      if (name === undefined || errors === undefined || requests === undefined) return undefined;
      check.compare = { kind: 'ratio', errors, requests, ...settings };
      return check;
    }
    if (!c.has('histogram')) {
      this.report(io, `compare: control check '${name}' needs errors + requests (a ratio) or histogram (latency buckets by le)`);
      return undefined;
    }
    const histogram = this.string(c.get('histogram')!.value, c.get('histogram')!.offset, 'metrics.checks[].histogram');
    const quantileField = c.get('quantile');
    const quantile = quantileField ? this.number(quantileField.value, quantileField.offset, 'metrics.checks[].quantile', 0.01, 0.9999) : 0.99;
    if (name === undefined || histogram === undefined || quantile === undefined) return undefined;
    check.compare = { kind: 'latency', histogram, quantile, ...settings };
    return check;
  }

  private integer(node: Node | null | undefined, offset: number | undefined, what: string, min: number, max: number): number | undefined {
    if (node && isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= min && node.value <= max) return node.value;
    this.report(node?.range?.[0] ?? offset, `${what} must be a whole number from ${min} to ${max}`);
    return undefined;
  }
}
