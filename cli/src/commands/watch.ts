// `flaglens watch KEY`: re-evaluates a rollout's health at an interval and prints every decision with its
// numbers and a timestamp; aborts after repeated failing verdicts, and with --advance moves the rollout up
// the ladder once each step has been healthy for its bake time. Every round re-reads the rollout state and
// the step record, so stopping and restarting it is safe; a lease in .flaglens/watch/ tells the editor.
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { bakeSecondsFor, loadConfig, parseDurationSeconds, type FlaglensConfig } from '../../../core/src/config.js';
import { decideWatchStep, type WatchSettings } from '../../../core/src/health/advance.js';
import { evaluateFlagHealth } from '../../../core/src/health/evaluate.js';
import { createPrometheusSource } from '../../../core/src/health/prometheus.js';
import { currentStep, readRolloutStep, recordRolloutStep, stepWindow, type RolloutStepRecord } from '../../../core/src/health/rolloutSteps.js';
import { describeWatchLease, isLeaseLive, readWatchLease, watchLeaseFile, watchLeaseLifetimeMs, writeWatchLease, type WatchLease } from '../../../core/src/health/watchLease.js';
import type { WorkspaceFileWriter } from '../../../core/src/io.js';
import { RolloutRefusedError, type FlagHealth, type FlagState, type StateProvider } from '../../../core/src/model.js';
import { nodeFileSystem, nodeFileWriter } from '../../../core/src/nodeIo.js';
import { createStateProviders, namedStateFileErrors, providerForFlag } from '../../../core/src/state/registry.js';
import { formatRolloutPercentage } from '../../../core/src/state/stages.js';
import { tokenTrustErrors } from '../../../core/src/trust.js';
import { loadWorkspaceState, providerContext } from '../../../core/src/workspace.js';
import { flaglensFileWriter } from '../../../core/src/workspaceWrites.js';
import { commandError, usageHint, UsageError, type CliIo, type Command } from '../command.js';
import { cliClock, cliHttp, recoverInterruptedWork, reportConfigErrors, resolveWorkspaceRoot, workspaceOptions } from '../workspaceIo.js';

const help = `Usage: flaglens watch KEY [DIR] [options]

Re-evaluates the flag's health (metrics in flaglens.yaml) at an interval and prints each decision with its
numbers and a timestamp. After N consecutive failing evaluations it aborts the rollout (every user gets the
off variant) with the evidence as the reason. Inconclusive or unavailable evaluations neither count as
failures nor reset the count. Stop with Ctrl+C; a restarted watch reads the current step from the rollout
state and carries on.

With --advance it also moves the rollout up the ladder (rollout.steps): once the current step has been
healthy for its bake time (rollout.bake, a step's own bake, or --bake) it bumps to the next step, and stops
at 100%. Inconclusive health pauses the advance; failing aborts it. A bump that races someone else's change
is refused and the watch carries on from the new state.

Options:
  --advance              move the rollout to the next step after each healthy bake
  --bake DURATION        bake time of every step (e.g. 30m, 1h30m), instead of rollout.bake
  --abort-after N        consecutive failing evaluations before aborting (default 3, with --advance 1; 0: never)
  --interval S           seconds between evaluations (default: metrics.evaluateEvery, 30)
  --max-evaluations N    stop after N evaluations (default: run until stopped)
  --config PATH          flaglens.yaml to use (default: DIR/flaglens.yaml)
  -h, --help             this help

Exit codes: 0 stopped without aborting (also: rollout complete, flag off), 1 rollout aborted (or the abort
was refused, or another watch holds the flag), 2 usage or config error.`;

export const watchCommand: Command = {
  name: 'watch',
  summary: 'watch a rollout\'s health: abort it when it fails, or advance it step by step (--advance)',
  help,
  async run(argv, io) {
    const options = parseArguments(argv);
    const root = resolveWorkspaceRoot(io, options.dir);
    recoverInterruptedWork(io, root);
    const { config, errors } = loadConfig(nodeFileSystem, root, options.config === undefined ? undefined : resolve(io.cwd, options.config));
    if (errors.length) return reportConfigErrors(io, 'watch', errors);
    if (!config.metrics) {
      io.stderr(commandError('watch', 'no metrics configured (add metrics: { prometheus: { url }, checks: [...] } to flaglens.yaml)'));
      io.stderr(usageHint('watch'));
      return 2;
    }
    const bakeSeconds = (percentage: number) => options.bakeSeconds ?? bakeSecondsFor(config.rollout, percentage);
    if (options.advance && options.bakeSeconds === undefined && config.rollout.bakeSeconds === undefined && !config.rollout.stepBakeSeconds) {
      throw new UsageError('--advance needs a bake time: set rollout.bake in flaglens.yaml (or a step\'s own bake), or pass --bake 30m');
    }
    const clock = cliClock(io);
    const stateDirectory = join(root, '.flaglens');
    const held = readWatchLease(nodeFileSystem, stateDirectory, options.key);
    if (held && isLeaseLive(held, clock.now()) && held.pid !== process.pid) {
      io.stderr(`flaglens watch: ${options.key} is already ${describeWatchLease(held, clock.now())}; stop that watch first (or remove ${watchLeaseFile(stateDirectory, options.key)} if it is gone)\n`);
      return 1;
    }
    const intervalSeconds = options.interval ?? config.metrics.evaluateEverySeconds;
    const abortAfter = options.abortAfter ?? (options.advance ? 1 : 3);
    const settings: WatchSettings = { advance: options.advance, abortAfter, steps: config.rollout.steps, bakeSeconds };
    const source = createPrometheusSource(config.metrics.prometheus.url, cliHttp(io));
    const context = providerContext({ ...workspaceOptions(io, root, options.config), clock }, config);
    const untrusted = tokenTrustErrors(config, context.tokens);
    if (untrusted.length) return reportConfigErrors(io, 'watch', untrusted);
    const named = namedStateFileErrors(context);
    if (named.length) return reportConfigErrors(io, 'watch', named);
    const providers = createStateProviders(context);
    const lease: WatchLease = {
      version: 1,
      key: options.key,
      mode: options.advance ? 'advance' : 'abort',
      pid: process.pid,
      hostname: hostname(),
      startedAt: clock.now().toISOString(),
      refreshedAt: '',
      expiresAt: '',
    };
    const stop = stopSignal();
    let previous: FlagHealth | undefined;
    let failures = 0;
    try {
      const what = options.advance ? `advance after each healthy bake, abort after ${abortAfter || 'never'} failing evaluation(s)` : `abort after ${abortAfter || 'never'} consecutive failing evaluations`;
      io.stdout(`watching ${options.key}: every ${intervalSeconds} s, ${what}\n`);
      for (let evaluation = 1; options.maxEvaluations === undefined || evaluation <= options.maxEvaluations; evaluation++) {
        const now = clock.now();
        const state = await loadWorkspaceState(providers, now, config);
        const flag = state.flags.find((candidate) => candidate.key === options.key);
        const refreshed = clock.now();
        writeLease(lease, refreshed, intervalSeconds);
        if (!flag && state.errors.length) {
          // A state that could not be read (Unleash down without a snapshot, a file mid-checkout) is not a
          // flag that is gone: wait for it rather than stop.
          io.stdout(`${refreshed.toISOString()} ${options.key}: paused: the rollout state could not be read (${state.errors[0].message})\n`);
          if (options.maxEvaluations !== undefined && evaluation >= options.maxEvaluations) break;
          await stop.sleep(intervalSeconds * 1000);
          if (stop.stopped) break;
          continue;
        }
        const step = knownStep(flag, stateDirectory, now, io);
        const health = await evaluateFlagHealth(options.key, {
          metrics: config.metrics,
          source,
          now: () => clock.now(),
          previous,
          window: () => stepWindow(step, flag, clock.now(), config.metrics!),
        });
        previous = health;
        const result = decideWatchStep({ flag, health, stepSince: step ? new Date(step.since) : undefined, now: clock.now(), failures }, settings);
        failures = result.failures;
        const decision = result.decision;
        io.stdout(`${health.evaluatedAt} ${options.key} ${describeFlag(flag)} ${health.status}: ${health.summary} — ${decision.reason}\n`);
        if (decision.action === 'stop') {
          io.stdout(`${clock.now().toISOString()} stopped watching ${options.key}: ${decision.reason}\n`);
          return 0;
        }
        if (decision.action === 'abort') {
          const aborted = await abortRollout(options.key, decision.reason, providers, config, stateDirectory, clock.now, io);
          if (aborted !== undefined) return aborted;
        }
        if (decision.action === 'advance') {
          if (state.staleness) io.stdout(`${clock.now().toISOString()} ${options.key}: paused: the rollout state is a last-known copy (${state.staleness.reason}); not advancing on it\n`);
          else await advanceRollout(flag!, decision.to, providers, stateDirectory, clock.now, io);
        }
        if (options.maxEvaluations !== undefined && evaluation >= options.maxEvaluations) break;
        await stop.sleep(intervalSeconds * 1000);
        if (stop.stopped) {
          io.stdout(`${clock.now().toISOString()} stopped watching ${options.key} (signal); the rollout stays at ${describeFlag(flag)}\n`);
          break;
        }
      }
      return 0;
    } finally {
      stop.dispose();
      ownFiles(stateDirectory).removeFile(watchLeaseFile(stateDirectory, options.key));
      for (const provider of providers) provider.dispose?.();
    }

    function writeLease(current: WatchLease, at: Date, interval: number): void {
      current.refreshedAt = at.toISOString();
      current.expiresAt = new Date(at.getTime() + watchLeaseLifetimeMs(interval)).toISOString();
      try {
        writeWatchLease(ownFiles(stateDirectory), stateDirectory, current);
      } catch {
        // The lease only informs editors; a read-only folder must not stop the watch.
      }
    }
  },
};

/**
 * The current step's record; when there is none (or it describes another percentage, e.g. someone changed the
 * rollout by hand), the step is taken to begin now and recorded, so every later look uses the same window.
 */
function knownStep(flag: FlagState | undefined, stateDirectory: string, now: Date, io: CliIo): RolloutStepRecord | undefined {
  const recorded = currentStep(readRolloutStep(nodeFileSystem, stateDirectory, flag?.key ?? ''), flag);
  if (recorded || !flag || !flag.enabled || flag.percentage === null || flag.percentage === 0) return recorded;
  const record: RolloutStepRecord = { version: 1, key: flag.key, percentage: flag.percentage, since: now.toISOString(), by: 'watch' };
  recordRolloutStep(ownFiles(stateDirectory), stateDirectory, record);
  io.stdout(`${now.toISOString()} ${flag.key}: no record of when the ${formatRolloutPercentage(flag.percentage)} step began; its window starts now\n`);
  return record;
}

async function advanceRollout(flag: FlagState, to: number, providers: StateProvider[], stateDirectory: string, now: () => Date, io: CliIo): Promise<void> {
  const provider = await providerForFlag(providers, flag.key);
  if (!provider?.bump) {
    io.stderr(`flaglens watch: cannot advance ${flag.key}: no configured state provider can bump it\n`);
    return;
  }
  try {
    // `expected` is the state this decision was made on: a change by someone else since is refused.
    const change = await provider.bump({ key: flag.key, to, expected: flag });
    recordRolloutStep(ownFiles(stateDirectory), stateDirectory, { key: flag.key, percentage: change.toPercentage, since: now().toISOString(), by: 'bump' });
    io.stdout(`${now().toISOString()} advanced ${flag.key}: ${change.summary}\n`);
  } catch (error) {
    if (error instanceof RolloutRefusedError) io.stderr(`${now().toISOString()} flaglens watch: advance of ${flag.key} refused (${error.reason}): ${error.message}; watching the state as it is now\n`);
    else io.stderr(`${now().toISOString()} flaglens watch: advance of ${flag.key} failed: ${error instanceof Error ? error.message : String(error)}; trying again after the next healthy evaluation\n`);
  }
}

/** 1 when the abort was done or refused (the watch ends); undefined when it failed to reach the source (retried next round). */
async function abortRollout(key: string, reason: string, providers: StateProvider[], config: FlaglensConfig, stateDirectory: string, now: () => Date, io: CliIo): Promise<number | undefined> {
  try {
    const provider = await providerForFlag(providers, key);
    if (!provider?.abort) {
      io.stderr(`flaglens watch: cannot abort ${key}: no configured state provider defines it (${reason})\n`);
      return 1;
    }
    const expected = (await loadWorkspaceState([provider], now(), config)).flags.find((flag) => flag.key === key);
    const change = await provider.abort({ key, reason, expected });
    recordRolloutStep(ownFiles(stateDirectory), stateDirectory, { key, percentage: 0, since: now().toISOString(), by: 'abort' });
    io.stdout(`${now().toISOString()} aborted ${key}: ${change.summary} — ${reason}\n`);
    return 1;
  } catch (error) {
    if (error instanceof RolloutRefusedError) {
      io.stderr(`flaglens watch: abort of ${key} refused (${error.reason}): ${error.message}\n`);
      return 1;
    }
    io.stderr(`${now().toISOString()} flaglens watch: abort of ${key} failed: ${error instanceof Error ? error.message : String(error)}; trying again next round\n`);
    return undefined;
  }
}

function describeFlag(flag: FlagState | undefined): string {
  if (!flag) return '(not defined)';
  return `${flag.stage} ${formatRolloutPercentage(flag.enabled ? flag.percentage : 0)}`;
}

/** Ctrl+C / SIGTERM end the current wait and the loop, so the lease is removed on the way out. */
function stopSignal(): { sleep(ms: number): Promise<void>; readonly stopped: boolean; dispose(): void } {
  let stopped = false;
  let wake: (() => void) | undefined;
  const onSignal = () => {
    stopped = true;
    wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get stopped() {
      return stopped;
    },
    sleep: (ms) =>
      new Promise<void>((done) => {
        if (stopped) return done();
        const timer = setTimeout(done, ms);
        wake = () => {
          clearTimeout(timer);
          done();
        };
      }),
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

interface WatchOptions {
  key: string;
  dir?: string;
  advance: boolean;
  bakeSeconds?: number;
  abortAfter?: number;
  interval?: number;
  maxEvaluations?: number;
  config?: string;
}

function parseArguments(argv: string[]): WatchOptions {
  const positional: string[] = [];
  const options: Partial<WatchOptions> = { advance: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`option '${arg}' needs a value`);
      return next;
    };
    const count = (name: string, min: number) => {
      const raw = value();
      const parsed = Number(raw);
      if (!Number.isFinite(parsed) || parsed < min) throw new UsageError(`${name} must be a number ≥ ${min}, got '${raw}'`);
      return parsed;
    };
    if (arg === '--abort-after') options.abortAfter = Math.floor(count('--abort-after', 0));
    else if (arg === '--interval') options.interval = count('--interval', 0.1);
    else if (arg === '--max-evaluations') options.maxEvaluations = Math.floor(count('--max-evaluations', 1));
    else if (arg === '--config') options.config = value();
    else if (arg === '--advance') options.advance = true;
    else if (arg === '--bake') {
      const raw = value();
      const seconds = parseDurationSeconds(raw);
      if (seconds === undefined) throw new UsageError(`--bake must be a duration like 90s, 30m or 1h30m, got '${raw}'`);
      options.bakeSeconds = seconds;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    else positional.push(arg);
  }
  if (positional.length === 0) throw new UsageError('missing KEY: the flag to watch');
  if (positional.length > 2) throw new UsageError(`too many arguments: expected KEY [DIR], got '${positional.join(' ')}'`);
  return { ...(options as WatchOptions), key: positional[0], dir: positional[1] };
}


/** Flaglens' own files (step records, the lease) in the workspace's `.flaglens/`, written confined and atomically. */
function ownFiles(stateDirectory: string): WorkspaceFileWriter {
  return flaglensFileWriter({ root: dirname(stateDirectory), fs: nodeFileSystem, writer: nodeFileWriter });
}
