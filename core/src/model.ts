// The plain-data contract shared by every part of Flaglens: what the scanner finds, what a state
// provider returns, what the rules report. Nothing here knows about editors, protocols or IO.
// Positions are 1-based lines and columns (columns in UTF-16 code units, as TypeScript and LSP count)
// plus 0-based offsets; paths are workspace-relative with `/` separators unless a field says otherwise.
// The IO a provider receives (`ProviderContext`) is named here by its interfaces only; the front-ends pass it in.
import type { FlaglensConfig } from './config.js';
import type { Clock, FileSystem, FileWriter, GitHost, Timers } from './io.js';
import type { TokenVault } from './trust.js';
import type { FlagdHistoryAnalysis } from './state/flagdHistory.js';
import type { FlagdTextAnalysis } from './state/flagdTexts.js';

/** A place in a file of the workspace. */
export interface SourceLocation {
  /** Workspace-relative path with `/` separators. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column (UTF-16 code units). */
  column: number;
  /** 1-based end line, exclusive end column; present when the span is known. */
  endLine?: number;
  endColumn?: number;
  /** 0-based start/end offsets in the file text (UTF-16), when known. */
  start?: number;
  end?: number;
}

/** Which SDK (or the team's own configuration, or a discovered wrapper) produced a reference. */
export type SdkId =
  | 'openfeature'
  | 'launchdarkly'
  | 'unleash'
  | 'growthbook'
  | 'flagsmith'
  | 'configcat'
  | 'statsig'
  | 'posthog'
  | 'devcycle'
  | 'vercel'
  | 'split'
  | 'optimizely'
  | 'eppo'
  | 'custom'
  | 'wrapper';

/** One place in code where a flag is checked. The JSON form of `flaglens scan` is exactly these fields. */
export interface FlagReference {
  /** The resolved flag key, or null when it cannot be resolved statically (see `unresolvedReason`). */
  key: string | null;
  /** Workspace-relative path, `/` separators. */
  file: string;
  /** 1-based position of the expression that names the flag (key argument, JSX attribute value, property name). */
  line: number;
  column: number;
  /** 1-based exclusive end of that expression. */
  endLine: number;
  endColumn: number;
  /** 0-based offsets of the key expression. */
  start: number;
  end: number;
  /** Span (0-based offsets) of the whole check: the call expression, JSX element, or property access. */
  checkStart: number;
  checkEnd: number;
  sdk: SdkId;
  /** The callee / component / property path as written, e.g. `getBooleanValue`, `useFlags`, `IfFeatureEnabled`. */
  call: string;
  /** Source text of the key expression, e.g. `FLAGS.NEW_CHECKOUT` or `'new-checkout'`. */
  keyExpression: string;
  resolved: boolean;
  /** Why the key could not be resolved (`dynamic expression`, `parameter`, an import not found and why, …). */
  unresolvedReason?: string;
  /** For an unresolved key built from known and unknown parts (`` `team-${name}` ``): its shape, `team-*`. */
  keyPattern?: string;
  /** The fallback value when the call has a literal one (JSON value); absent when there is none or it is not a literal. */
  default?: unknown;
  /** Source text of the default argument when present but not a literal. */
  defaultExpression?: string;
  /**
   * How the key was written when it is not the flag's real key: LaunchDarkly's React `useFlags()`
   * exposes camelCased keys (`newCheckout` for `new-checkout`). The rules map it to the real key once
   * the state is known (see `matchReferenceKey`).
   */
  keyStyle?: 'camelCase';
  /** For references found through a wrapper: the chain of wrapper names, outermost first. */
  via?: string[];
  /**
   * The `flaglens-ignore` comments that can suppress this reference's findings: on the line before the key, then on
   * the line before the check (when the check starts on an earlier line). Read by the scanner with the file's text,
   * so the rules need not read the file again; absent on a reference made elsewhere (the rules then read the file).
   */
  suppressions?: SuppressionComment[];
}

/** A `// flaglens-ignore FL001 reason` comment (`#` in YAML state files); see rules/suppression.ts. */
export interface SuppressionComment {
  codes: FindingCode[];
  /** Empty when the comment gives no reason (then it does not suppress). */
  reason: string;
  /** 1-based line of the comment. */
  line: number;
}

/** Counts of files the scanner looked at but could not or would not read. */
export interface SkippedFiles {
  binary: number;
  tooLarge: number;
  unreadable: number;
  /** Files whose parse or analysis failed (nested too deeply, a parser failure): skipped, the scan goes on. */
  failed: number;
}

/** A file the scanner skipped because analysing it failed, and why. */
export interface ScanFailure {
  /** Workspace-relative path. */
  file: string;
  reason: string;
}

/** A problem with input the scanner or a provider read (config, state file), with its position. */
export interface InputError {
  file: string;
  line: number;
  column: number;
  message: string;
  /** Stable code for machine consumers, e.g. `config`, `flagd-syntax`, `flagd-invalid`. */
  code?: string;
}

/**
 * The code of a state error that is a configuration error: a state file flaglens.yaml names (`state.flagd`) is
 * missing or unreadable, or a glob there matches nothing. Every command stops on it with exit code 2.
 */
export const NAMED_STATE_FILE_ERROR = 'config-state-file';

/** The state errors that are configuration errors (see NAMED_STATE_FILE_ERROR). */
export function stateConfigurationErrors(errors: readonly InputError[]): InputError[] {
  return errors.filter((error) => error.code === NAMED_STATE_FILE_ERROR);
}

export interface ScanResult {
  references: FlagReference[];
  /** Files considered (after excludes). */
  files: number;
  /** Files actually parsed (the text prefilter lets most files be skipped). */
  parsedFiles: number;
  skipped: SkippedFiles;
  /** The files counted in `skipped.failed`, with the reason (sorted by file). */
  failures: ScanFailure[];
  durationMs: number;
  /** With a persistent cache: files whose cached knowledge was used (`hits`) and files read and analysed afresh (`misses`). */
  cache?: ScanCacheReport;
}

export interface ScanCacheReport {
  hits: number;
  misses: number;
  /** Why the cache found on disk was not used (corrupt, cut short, another scanner build or config …), when it was not. */
  ignored?: string;
  /** Why the cache could not be written, when it could not (the scan's result is unaffected). */
  notWritten?: string;
}

// ---------------------------------------------------------------------------------------------
// Rollout state

export type Stage = 'off' | 'canary' | 'rolling' | 'released' | 'targeted' | 'archived' | 'removed';
export type FlagType = 'release' | 'experiment' | 'operational' | 'kill-switch' | 'permission';

/** Where `releasedAt` came from, so the UI can say how sure it is. */
export type ReleasedAtSource = 'metadata' | 'git' | 'provider' | 'unknown';

/** One flag as a state provider sees it. Dates are ISO-8601 strings. */
export interface FlagState {
  key: string;
  stage: Stage;
  /** 0–100, or null when the rollout cannot be expressed as one percentage (targeting rules). */
  percentage: number | null;
  enabled: boolean;
  /** Variant name → value. */
  variants: Record<string, unknown>;
  defaultVariant?: string;
  /** `boolean`, `string`, `number` or `object`, from the variants' values. */
  valueType?: 'boolean' | 'string' | 'number' | 'object';
  owner?: string;
  type?: FlagType;
  description?: string;
  createdAt?: string;
  /** When the flag reached 100% for good; null when not released or unknown (see `releasedAtSource`). */
  releasedAt: string | null;
  releasedAtSource: ReleasedAtSource;
  expiresAt?: string;
  abortedAt?: string;
  abortReason?: string;
  /** Where the flag is defined (flagd file position; for remote providers, absent). Path workspace-relative. */
  definition?: SourceLocation;
  /** Which provider returned it (`flagd`, `unleash`, …). */
  provider: string;
  /** The provider's own fields (Unleash `lastSeenAt`, `stale`, strategy ids, …). */
  fields: Record<string, unknown>;
}

/** Everything a provider knows at one moment. */
export interface StateSnapshot {
  provider: string;
  flags: FlagState[];
  /**
   * Keys known to have existed and been removed (e.g. from the state file's git history, or archived
   * remotely and not returned in `flags`): FL002 tells them from never-defined keys (FL003).
   */
  removedKeys: string[];
  /**
   * True when `removedKeys` is complete: a history was read (every state file's full git history, a provider's
   * archive). Otherwise a key missing from the definitions may have been removed before the history we have
   * (a shallow clone, a copy without git): it is "not in the flag definitions", never "never was".
   */
  removalsKnown?: boolean;
  /** Problems reading the state (malformed file, invalid flag); flags that could be read are still returned. */
  errors: InputError[];
  /** When this state was read from its source (ISO-8601). */
  fetchedAt: string;
  /** Set when this is a last-known state because the source is unreachable now. */
  staleness?: { since: string; reason: string };
}

export interface BumpRequest {
  key: string;
  /** Target percentage; default: the next rollout step above the current percentage. */
  to?: number;
  /** The state shown to the user; the write is refused if the source changed since. */
  expected?: FlagState;
  /** Skip the health guard (live metrics). */
  force?: boolean;
}

export interface AbortRequest {
  key: string;
  reason: string;
  expected?: FlagState;
}

/** The outcome of a write: what changed, from → to. */
export interface RolloutChange {
  key: string;
  fromPercentage: number | null;
  toPercentage: number;
  fromStage: Stage;
  toStage: Stage;
  /** Human summary, e.g. `canary 10% → rolling 50%`. */
  summary: string;
}

/** A write was refused: concurrent change, invalid value, unsafe targeting, unhealthy rollout… */
export class RolloutRefusedError extends Error {
  constructor(
    message: string,
    readonly reason: 'conflict' | 'invalid' | 'unsupported' | 'unhealthy' | 'not-found' | 'unavailable' | 'outside-workspace',
  ) {
    super(message);
    this.name = 'RolloutRefusedError';
  }
}

/**
 * What a state provider may use: the workspace, its config, and the IO interfaces the front-end passed in
 * (never globals, never a Node implementation chosen inside the core).
 */
export interface ProviderContext {
  /** Absolute workspace root. */
  root: string;
  config: FlaglensConfig;
  fs: FileSystem;
  git: GitHost;
  clock: Clock;
  /** Waits and monotonic time (lock waits, request deadlines). */
  timers: Timers;
  /** Every write of a state file or the snapshot goes through it, confined to the workspace (workspaceWrites.ts). */
  writer: FileWriter;
  /** Provider tokens, each only for the origin it is trusted for (CLI: environment + FLAGLENS_TRUST; editor: stored per origin). */
  tokens: TokenVault;
  /** False in an untrusted workspace: no network requests and no writes. */
  allowNetwork: boolean;
  /** State-file writes may resolve outside the workspace root (the CLI's `--allow-outside-workspace`). */
  allowOutsideWorkspace?: boolean;
  /** How a refused outside-workspace write tells people to allow it (default: the CLI option). */
  outsideWorkspaceHint?: string;
  /** Folder for persisted snapshots (last known remote state), e.g. `<root>/.flaglens`; undefined: none. */
  snapshotDir?: string;
  /** Reads and parses a flagd file's git history elsewhere (the language server's analysis worker); default: here, in slices. */
  flagdHistory?: FlagdHistoryAnalysis;
  /** Parses flagd files (a state load, a bump's edit) elsewhere (the language server's analysis worker); default: here. */
  flagdTexts?: FlagdTextAnalysis;
}

/** Every rollout-state source (flagd files, Unleash, …) implements this. */
export interface StateProvider {
  readonly id: string;
  /** Reads the current state. Never throws for bad input: problems go to `errors`; an unreachable source throws. */
  load(): Promise<StateSnapshot>;
  /** Moves a rollout one step (or to `to`). Throws RolloutRefusedError when it must not write. */
  bump?(request: BumpRequest): Promise<RolloutChange>;
  /** Sends every user the off variant. Throws RolloutRefusedError when it must not write. */
  abort?(request: AbortRequest): Promise<RolloutChange>;
  /** Releases timers/connections. */
  dispose?(): void;
  /**
   * Long-running front-ends (the language server) call this when a file the provider may discover was created or
   * deleted: what it found by walking the workspace is stale (a CLI run never needs it).
   */
  workspaceFilesChanged?(): void;
}

// ---------------------------------------------------------------------------------------------
// Health (metrics)

export type HealthStatus = 'healthy' | 'failing' | 'inconclusive' | 'unknown' | 'unavailable';

export interface HealthCheckResult {
  name: string;
  /** Value for the "on" variant (null: no data). */
  value: number | null;
  /** Value for the control ("off") variant when compared. */
  control?: number | null;
  max?: number;
  maxRatioToControl?: number;
  passed: boolean | null;
  /** The evidence in one sentence, e.g. `error-rate 2.1% vs 0.3% control (n = 4,210 / 38,900), regression at 95%`. */
  message: string;
  /** For `compare: control` checks: the numbers that decided it. */
  comparison?: HealthComparison;
}

/** The time range a health query covers: since the rollout step began, or the configured interval. */
export interface MetricsWindow {
  /** The PromQL range substituted for `{{window}}`, e.g. `1834s` or `5m`. */
  range: string;
  seconds: number;
  /** `step`: since the current rollout step began (`since`); `interval`: `metrics.interval`, the step's start being unknown. */
  source: 'step' | 'interval';
  since?: string;
}

/** The evidence of a `compare: control` check: samples, values, the test's conclusion and its bounds. */
export interface HealthComparison {
  kind: 'ratio' | 'latency';
  /** Requests behind each side over the window. */
  samples: { on: number; control: number };
  /** Rates (0.021) for a ratio, the quantile in seconds for latency; null: no data. */
  on: number | null;
  control: number | null;
  /** on / control − 1; null when it cannot be computed (no data, a control of 0). */
  relativeIncrease: number | null;
  maxRelativeIncrease: number;
  confidence: number;
  /** True when the test shows the on-variant worse than the control beyond the tolerance, at the confidence. */
  regression: boolean;
  /** Ratio checks: always-valid one-sided bounds on the relative increase (null: none yet). */
  bounds?: { lower: number | null; upper: number | null };
  /** When there were too few samples: how many each variant needs. */
  needSamples?: number;
  /** Latency checks: the binned rank test, or why the buckets allowed none. */
  rankTest?: { probabilitySlower: number; z: number; slower: boolean } | { unavailable: string };
  window: MetricsWindow;
}

export interface FlagHealth {
  key: string;
  status: HealthStatus;
  checks: HealthCheckResult[];
  /** Human summary, e.g. `error-rate 0.20 > 0.01`. */
  summary: string;
  /** When it was evaluated (ISO-8601). */
  evaluatedAt: string;
  /** For `unavailable`: the last known result, kept with its age. */
  lastKnown?: FlagHealth;
  /**
   * Prometheus failed this many times in a row, fewer than `metrics.consecutiveErrorLimit`: the verdict shown
   * is the last real one (from `evaluatedAt`), not a new evaluation.
   */
  providerErrors?: { count: number; limit: number; message: string; at: string };
}

// ---------------------------------------------------------------------------------------------
// Findings

export type Severity = 'error' | 'warning' | 'info';

export type FindingCode = 'FL001' | 'FL002' | 'FL003' | 'FL004' | 'FL005' | 'FL006' | 'FL007' | 'FL008' | 'FL009';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** The flag key (null for FL007: unresolved key). */
  key: string | null;
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  message: string;
  /** The facts behind the finding (days released, suggestions, defaults seen, health…). */
  data: Record<string, unknown>;
  /** Present when a `// flaglens-ignore CODE reason` comment suppresses it. */
  suppressed?: { reason: string };
}
