// The Unleash state provider: reads every flag of one project/environment through the Admin API, keeps
// the last known state (in memory and as a snapshot file) for when Unleash is down, polls with backoff,
// and bumps/aborts a flexibleRollout strategy only if it still is what the user was shown.
import type { UnleashConfig } from '../../config.js';
import { createHttpClient, HttpError, originOf, type HttpTransport } from '../../http.js';
import type { Clock, Timers } from '../../io.js';
import { TOKEN_UNTRUSTED, type TokenVault } from '../../trust.js';
import type { WorkspaceWriteContext } from '../../workspaceWrites.js';
import {
  RolloutRefusedError,
  type AbortRequest,
  type BumpRequest,
  type FlagState,
  type InputError,
  type ProviderContext,
  type RolloutChange,
  type Stage,
  type StateProvider,
  type StateSnapshot,
} from '../../model.js';
import { UnleashApi, type UnleashEvent, type UnleashFeature } from './api.js';
import { formatAbortNote, parseRollout, rolloutStrategy, unleashFeatureToFlagState } from './mapping.js';
import { createFileSnapshotStore, type SnapshotStore } from './snapshotStore.js';
import { stageFor } from '../../state/stages.js';
import { planAbort, planBump } from '../../state/rollout.js';
import { compareText } from '../../collation.js';

export interface UnleashProviderOptions {
  config: UnleashConfig;
  /** The rollout ladder (config.rollout.steps), for "bump to the next step". */
  steps: number[];
  clock: Clock;
  timers?: Timers;
  /** The token for the configured URL, sent only when it is trusted for that origin. */
  tokens: TokenVault;
  allowNetwork: boolean;
  /** The workspace the snapshot folder belongs to (it must resolve inside it). */
  workspace?: WorkspaceWriteContext;
  snapshotDir?: string;
  /** The flaglens.yaml that configures Unleash: problems are reported at it (absolute path). */
  configFile?: string;
  /** Shared stage rule; defaults to `unleashStageOf`. */
  stageOf?: (facts: { enabled: boolean; percentage: number | null; targeted: boolean; archived: boolean }) => Stage;
  /** Injected in tests (e.g. short timeouts); by default an undici client bound to the configured origin. */
  http?: HttpTransport;
  snapshotStore?: SnapshotStore;
  /** A load within this many ms of the last successful one reuses it (several callers in one command). */
  reuseWithinMs?: number;
}

export const UNLEASH_UNREACHABLE = 'Unleash unreachable';
const FULL_READ_EVERY_MS = 5 * 60_000;

/** Registry entry: one provider when `state.unleash` is configured. */
export function unleashProviderFactory(context: ProviderContext): StateProvider[] {
  const config = context.config.state.unleash;
  if (!config) return [];
  return [
    new UnleashStateProvider({
      config,
      steps: context.config.rollout.steps,
      clock: context.clock,
      timers: context.timers,
      tokens: context.tokens,
      allowNetwork: context.allowNetwork,
      workspace: { root: context.root, fs: context.fs, writer: context.writer },
      snapshotDir: context.snapshotDir,
      configFile: context.config.file,
    }),
  ];
}

export class UnleashStateProvider implements StateProvider {
  readonly id = 'unleash';
  private readonly api: UnleashApi | undefined;
  private readonly http: HttpTransport | undefined;
  private readonly store: SnapshotStore | undefined;
  private readonly stageOf: NonNullable<UnleashProviderOptions['stageOf']>;
  private last: StateSnapshot | undefined;
  private lastLoadedAt = 0;
  private readonly features = new Map<string, { etag?: string; feature: UnleashFeature; events?: UnleashEvent[] }>();
  private readonly tokenProblem: string | undefined;
  /** `token-untrusted` when a token exists but is not trusted for the configured origin. */
  private readonly tokenProblemCode: string = 'unleash-offline';
  /** The last failed load, reused within `reuseWithinMs` so one command does not wait on a dead server twice. */
  private lastFailure: { at: number; error: unknown } | undefined;
  /** The project's newest event id at the last full read, and when that read was. */
  private lastFullRead: { eventId: number | undefined; at: number } | undefined;

  constructor(private readonly options: UnleashProviderOptions) {
    this.stageOf = options.stageOf ?? unleashStageOf(options.steps);
    this.store =
      options.snapshotStore ?? (options.snapshotDir && options.workspace ? createFileSnapshotStore(options.workspace, options.snapshotDir, identityOf(options.config)) : undefined);
    const tokenVariable = options.config.token.env ?? 'UNLEASH_TOKEN';
    let token: string | undefined;
    if (!options.allowNetwork) this.tokenProblem = 'workspace not trusted: Unleash is not queried';
    else {
      // The token is asked for by its destination: one not trusted for this origin is never handed out.
      const grant = options.tokens.tokenFor(tokenVariable, options.config.url);
      if (grant.ok) token = grant.value;
      else {
        this.tokenProblem = grant.reason === 'missing' ? `no Unleash token: set the environment variable ${tokenVariable}` : grant.message;
        if (grant.reason === 'untrusted') this.tokenProblemCode = TOKEN_UNTRUSTED;
      }
    }
    if (token !== undefined) {
      // The token is bound to the configured origin and header: the client never sends it elsewhere.
      this.http =
        options.http ??
        createHttpClient({
          credentials: [{ origin: originOf(options.config.url), header: 'authorization', value: token }],
          insecureSkipTlsVerifyOrigins: options.config.insecureSkipTlsVerify ? [originOf(options.config.url)] : [],
          totalTimeoutMs: options.config.timeoutSeconds === undefined ? undefined : Math.round(options.config.timeoutSeconds * 1000),
          clock: options.clock,
          timers: options.timers,
        });
      this.api = new UnleashApi(this.http, options.config.url, options.config.project);
    }
  }

  async load(): Promise<StateSnapshot> {
    const now = this.options.clock.now();
    if (this.last && !this.last.staleness && now.getTime() - this.lastLoadedAt < (this.options.reuseWithinMs ?? 1000)) return this.last;
    if (!this.api) return this.offline(this.tokenProblem!);
    const reuseWithinMs = this.options.reuseWithinMs ?? 1000;
    try {
      if (this.lastFailure && now.getTime() - this.lastFailure.at < reuseWithinMs) throw this.lastFailure.error;
      let snapshot: StateSnapshot;
      try {
        snapshot = await this.fetchSnapshot();
      } catch (error) {
        this.lastFailure = { at: this.options.clock.now().getTime(), error };
        throw error;
      }
      this.lastFailure = undefined;
      this.last = snapshot;
      this.lastLoadedAt = this.options.clock.now().getTime();
      this.store?.write(snapshot);
      return snapshot;
    } catch (error) {
      const message = this.redact(error instanceof Error ? error.message : String(error));
      const reason = error instanceof HttpError && error.kind === 'auth' ? message : UNLEASH_UNREACHABLE;
      const known = this.last ? { ...this.last, staleness: undefined } : this.store?.read();
      if (!known) throw new Error(`${UNLEASH_UNREACHABLE}: ${message}`);
      return this.withStaleness(known, reason, message);
    }
  }

  async bump(request: BumpRequest): Promise<RolloutChange> {
    const { feature, strategy, flag } = await this.readForWrite(request.key, request.expected);
    const plan = planBump(flag, this.options.steps, request.to);
    if (!plan.ok) throw new RolloutRefusedError(plan.message, plan.reason);
    const env = feature.environments.find((e) => e.name === this.options.config.environment)!;
    await this.writing(async () => {
      await this.api!.setRollout(request.key, env.name, strategy.id, plan.toPercentage);
      if (!env.enabled) await this.api!.enableEnvironment(request.key, env.name);
    });
    const after = await this.refreshFlag(request.key);
    return change(request.key, plan.fromPercentage ?? 0, plan.fromStage, plan.toPercentage, after?.stage ?? plan.toStage);
  }

  async abort(request: AbortRequest): Promise<RolloutChange> {
    if (!request.reason.trim()) throw new RolloutRefusedError('abort needs a reason (it is recorded in the flag description in Unleash)', 'invalid');
    const { feature, strategy, flag } = await this.readForWrite(request.key, request.expected);
    const plan = planAbort(flag, this.options.steps);
    if (!plan.ok) throw new RolloutRefusedError(plan.message, plan.reason);
    const env = this.options.config.environment;
    // The reason goes into the flag's description: visible in the Unleash UI and in its audit log, and read back as abortReason.
    const note = formatAbortNote(this.options.clock.now().toISOString(), request.reason);
    const description = (feature.description ?? '').replace(/\n?\[flaglens\] rollout aborted at .*$/m, '').trimEnd();
    await this.writing(async () => {
      await this.api!.setRollout(request.key, env, strategy.id, 0);
      await this.api!.setDescription(request.key, description ? `${description}\n${note}` : note);
    });
    const after = await this.refreshFlag(request.key);
    return change(request.key, plan.fromPercentage ?? 0, plan.fromStage, 0, after?.stage ?? 'off');
  }

  dispose(): void {
    void this.http?.close();
  }

  private async fetchSnapshot(): Promise<StateSnapshot> {
    const api = this.api!;
    const now = this.options.clock.now();
    // One small request answers "nothing changed" for a whole project; lastSeenAt (not an event) is refreshed by a full read every 5 minutes.
    const eventId = await api.latestEventId().catch((error: unknown) => {
      // A server that cannot be reached or rejects the token fails the load now; an older Unleash without the endpoint just gets full reads.
      if (error instanceof HttpError && (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'auth')) throw error;
      return undefined;
    });
    const previous = this.lastFullRead;
    if (this.last && previous && eventId !== undefined && previous.eventId === eventId && now.getTime() - previous.at < FULL_READ_EVERY_MS) {
      return { ...this.last, fetchedAt: now.toISOString(), staleness: undefined };
    }
    const snapshot = await this.readEveryFlag(api);
    this.lastFullRead = { eventId, at: now.getTime() };
    return snapshot;
  }

  private async readEveryFlag(api: UnleashApi): Promise<StateSnapshot> {
    const names = await api.listFeatureNames();
    const errors: InputError[] = [];
    const flags: FlagState[] = [];
    await forEachLimited(names, 4, async (name) => {
      const cached = this.features.get(name);
      const { value, etag } = await api.getFeature(name, cached?.etag);
      const feature = value ?? cached!.feature;
      const fresh = value !== undefined;
      let events = fresh ? undefined : cached?.events;
      const mapped = this.map(feature, events);
      // The audit log is read only where it adds something: when a flag is released (when did it reach 100%?).
      if (mapped.flag.stage === 'released' && !events) {
        events = await api.events(name);
        Object.assign(mapped, this.map(feature, events));
      }
      this.features.set(name, { etag, feature, events });
      flags.push(mapped.flag);
      errors.push(...mapped.errors);
    });
    for (const name of this.features.keys()) if (!names.includes(name)) this.features.delete(name);
    const archived = await api.listArchived();
    flags.sort((a, b) => compareText(a.key, b.key));
    const live = new Set(names);
    return {
      provider: this.id,
      flags,
      removedKeys: archived.map((a) => a.name).filter((name) => !live.has(name)).sort(),
      // The server's archive is its history of removed flags.
      removalsKnown: true,
      errors,
      fetchedAt: this.options.clock.now().toISOString(),
    };
  }

  private map(feature: UnleashFeature, events: UnleashEvent[] | undefined) {
    return unleashFeatureToFlagState(feature, {
      environment: this.options.config.environment,
      project: this.options.config.project,
      stageOf: this.stageOf,
      events,
      errorFile: this.options.configFile,
      errorAt: this.options.config.urlAt,
    });
  }

  /** Re-reads the flag just before a write and refuses when it is not what the user saw. */
  private async readForWrite(key: string, expected: FlagState | undefined) {
    if (!this.api) throw new RolloutRefusedError(`cannot write to Unleash: ${this.tokenProblem}`, 'unavailable');
    let feature: UnleashFeature | undefined;
    try {
      feature = (await this.api.getFeature(key)).value;
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) throw new RolloutRefusedError(`flag ${key} does not exist in Unleash project ${this.options.config.project}`, 'not-found');
      if (error instanceof HttpError) throw new RolloutRefusedError(`cannot write to Unleash: ${this.redact(error.message)}`, 'unavailable');
      throw error;
    }
    if (!feature) throw new RolloutRefusedError(`flag ${key} could not be read from Unleash`, 'unavailable');
    const env = feature.environments.find((e) => e.name === this.options.config.environment);
    if (!env) throw new RolloutRefusedError(`flag ${key} has no environment ${this.options.config.environment}`, 'not-found');
    const strategy = rolloutStrategy(feature, env.name);
    if (!strategy) {
      throw new RolloutRefusedError(
        `${key} in ${env.name} is not a single gradual rollout (flexibleRollout) strategy: change targeted rollouts in Unleash itself`,
        'unsupported',
      );
    }
    if (strategy.constraints.length || strategy.segments.length) {
      throw new RolloutRefusedError(`${key} has constraints or segments (a targeted rollout): change it in Unleash itself`, 'unsupported');
    }
    const current = parseRollout(strategy.parameters.rollout);
    if (current === null) {
      throw new RolloutRefusedError(`flag '${key}': invalid rollout ${JSON.stringify(strategy.parameters.rollout)} (must be 0–100)`, 'invalid');
    }
    const { flag } = this.map(feature, undefined);
    if (expected) {
      const changed: string[] = [];
      if (expected.percentage !== current) changed.push(`rollout ${expected.percentage ?? '?'}% → ${current}%`);
      if (expected.enabled !== env.enabled) changed.push(`enabled ${expected.enabled} → ${env.enabled}`);
      const expectedStrategy = expected.fields?.strategyId;
      if (expectedStrategy !== undefined && expectedStrategy !== strategy.id) changed.push('strategy replaced');
      if (changed.length) {
        throw new RolloutRefusedError(`${key} changed in Unleash since it was shown (${changed.join(', ')}): nothing written; reload and retry`, 'conflict');
      }
    }
    return { feature, strategy, current, flag };
  }

  /** Runs API writes; a server or token problem becomes a refusal the front-ends show, not a crash. */
  private async writing(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (error instanceof HttpError) throw new RolloutRefusedError(`Unleash did not accept the change: ${this.redact(error.message)}`, 'unavailable');
      throw error;
    }
  }

  /** Immediate refresh after our own write, so every reader sees the new state without waiting a poll. */
  private async refreshFlag(key: string): Promise<FlagState | undefined> {
    this.lastLoadedAt = 0;
    this.lastFullRead = undefined;
    this.features.delete(key);
    try {
      const snapshot = await this.load();
      return snapshot.flags.find((f) => f.key === key);
    } catch {
      return undefined;
    }
  }

  private offline(reason: string): StateSnapshot {
    const known = this.store?.read();
    const error: InputError = { file: this.errorFile(), ...this.errorPosition(), message: reason, code: this.tokenProblemCode };
    if (known) {
      const stale = this.withStaleness(known, reason, undefined);
      return this.tokenProblemCode === TOKEN_UNTRUSTED ? { ...stale, errors: [...stale.errors, error] } : stale;
    }
    return { provider: this.id, flags: [], removedKeys: [], errors: [error], fetchedAt: this.options.clock.now().toISOString(), staleness: { since: this.options.clock.now().toISOString(), reason } };
  }

  private withStaleness(known: StateSnapshot, reason: string, detail: string | undefined): StateSnapshot {
    const errors = detail
      ? [...known.errors, { file: this.errorFile(), ...this.errorPosition(), message: detail, code: 'unleash-unreachable' }]
      : known.errors;
    return { ...known, errors, staleness: { since: known.fetchedAt, reason } };
  }

  private errorFile(): string {
    return this.options.configFile ?? `unleash:${this.options.config.project}`;
  }

  /** Problems are reported where flaglens.yaml names the server. */
  private errorPosition(): { line: number; column: number } {
    return this.options.config.urlAt ?? { line: 1, column: 1 };
  }

  private redact(text: string): string {
    return this.http ? this.http.redact(text) : text;
  }
}

/** Stage from the facts: archived and targeted are Unleash's to say; the rest is the shared ladder rule. */
export function unleashStageOf(steps: readonly number[]) {
  return (facts: { enabled: boolean; percentage: number | null; targeted: boolean; archived: boolean }): Stage => {
    if (facts.archived) return 'archived';
    if (facts.enabled && facts.targeted) return 'targeted';
    return stageFor(facts.percentage, facts.enabled, steps);
  };
}

function change(key: string, from: number, fromStage: Stage, to: number, toStage: Stage): RolloutChange {
  return { key, fromPercentage: from, toPercentage: to, fromStage, toStage, summary: `${fromStage} ${from}% → ${toStage} ${to}%` };
}

function identityOf(config: UnleashConfig): string {
  return `${config.url}|${config.project}|${config.environment}`;
}

async function forEachLimited<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await run(items[next++]);
  });
  await Promise.all(workers);
}
