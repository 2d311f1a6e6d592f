// `flaglens watch KEY`: re-evaluates a rollout's health at an interval, prints every evaluation, and
// aborts the rollout automatically after N consecutive failing evaluations — the feedback loop of a canary.
import { resolve } from 'node:path';
import { loadConfig } from '../../../core/src/config.js';
import { createHttpClient } from '../../../core/src/http.js';
import { evaluateFlagHealth } from '../../../core/src/health/evaluate.js';
import { createPrometheusSource } from '../../../core/src/health/prometheus.js';
import { systemClock } from '../../../core/src/io.js';
import { RolloutRefusedError, type FlagHealth } from '../../../core/src/model.js';
import { nodeFileSystem } from '../../../core/src/nodeIo.js';
import { createStateProviders, providerForFlag } from '../../../core/src/state/registry.js';
import { tokenTrustErrors } from '../../../core/src/trust.js';
import { providerContext } from '../../../core/src/workspace.js';
import { UsageError, type CliIo, type Command } from '../command.js';
import { recoverInterruptedWork, reportConfigErrors, workspaceOptions } from '../workspaceIo.js';

const help = `Usage: flaglens watch KEY [DIR] [options]

Re-evaluates the flag's health (metrics in flaglens.yaml) at an interval and prints each evaluation.
After N consecutive failing evaluations it aborts the rollout (every user gets the off variant) and
records the reason, naming the failing check. Inconclusive or unavailable evaluations neither count
as failures nor reset the count. Stop with Ctrl+C.

Options:
  --abort-after N        consecutive failing evaluations before aborting (default 3; 0: never abort)
  --interval S           seconds between evaluations (default: metrics.evaluateEvery, 30)
  --max-evaluations N    stop after N evaluations (default: run until stopped)
  --config PATH          flaglens.yaml to use (default: DIR/flaglens.yaml)

Exit codes: 0 stopped without aborting, 1 rollout aborted (or the abort was refused), 2 usage or config error.`;

export const watchCommand: Command = {
  name: 'watch',
  summary: 'watch a rollout\'s health and abort it after repeated failing checks',
  help,
  async run(argv, io) {
    const options = parseArguments(argv);
    const root = resolve(io.cwd, options.dir ?? '.');
    recoverInterruptedWork(io, root);
    const { config, errors } = loadConfig(nodeFileSystem, root, options.config);
    if (errors.length) {
      for (const error of errors) io.stderr(`${error.file}:${error.line}:${error.column}: ${error.message}\n`);
      return 2;
    }
    if (!config.metrics) {
      io.stderr('flaglens watch: no metrics configured (add metrics: { prometheus: { url }, checks: [...] } to flaglens.yaml)\n');
      return 2;
    }
    const intervalSeconds = options.interval ?? config.metrics.evaluateEverySeconds;
    const source = createPrometheusSource(config.metrics.prometheus.url, createHttpClient());
    const context = providerContext({ ...workspaceOptions(io, root, options.config), clock: systemClock }, config);
    const untrusted = tokenTrustErrors(config, context.tokens);
    if (untrusted.length) return reportConfigErrors(io, 'watch', untrusted);
    const providers = createStateProviders(context);
    let previous: FlagHealth | undefined;
    let consecutiveFailures = 0;
    try {
      io.stdout(`watching ${options.key}: every ${intervalSeconds} s, abort after ${options.abortAfter || 'never'} consecutive failing evaluations\n`);
      for (let evaluation = 1; options.maxEvaluations === undefined || evaluation <= options.maxEvaluations; evaluation++) {
        const health = await evaluateFlagHealth(options.key, { metrics: config.metrics, source, now: () => systemClock.now(), previous });
        previous = health;
        if (health.status === 'failing') consecutiveFailures++;
        else if (health.status === 'healthy') consecutiveFailures = 0;
        const count = health.status === 'failing' && options.abortAfter ? ` [${consecutiveFailures}/${options.abortAfter}]` : '';
        io.stdout(`${health.evaluatedAt} ${options.key} ${health.status}${count}: ${health.summary}\n`);
        if (options.abortAfter > 0 && consecutiveFailures >= options.abortAfter) {
          const failed = health.checks.filter((c) => c.passed === false).map((c) => c.message).join('; ');
          const reason = `flaglens watch: ${failed} in ${consecutiveFailures} consecutive evaluations`;
          return await abortRollout(options.key, reason, providers, io);
        }
        if (options.maxEvaluations !== undefined && evaluation >= options.maxEvaluations) break;
        await new Promise((done) => setTimeout(done, intervalSeconds * 1000));
      }
      return 0;
    } finally {
      await source.close?.();
      for (const provider of providers) provider.dispose?.();
    }
  },
};

async function abortRollout(key: string, reason: string, providers: ReturnType<typeof createStateProviders>, io: CliIo): Promise<number> {
  const provider = await providerForFlag(providers, key);
  if (!provider?.abort) {
    io.stderr(`flaglens watch: cannot abort ${key}: no configured state provider defines it (${reason})\n`);
    return 1;
  }
  const expected = (await provider.load()).flags.find((flag) => flag.key === key);
  try {
    const change = await provider.abort({ key, reason, expected });
    io.stdout(`aborted ${key}: ${change.summary} — ${reason}\n`);
  } catch (error) {
    if (!(error instanceof RolloutRefusedError)) throw error;
    io.stderr(`flaglens watch: abort of ${key} refused (${error.reason}): ${error.message}\n`);
  }
  return 1;
}

interface WatchOptions {
  key: string;
  dir?: string;
  abortAfter: number;
  interval?: number;
  maxEvaluations?: number;
  config?: string;
}

function parseArguments(argv: string[]): WatchOptions {
  const positional: string[] = [];
  const options: Partial<WatchOptions> = { abortAfter: 3 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
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
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length === 0) throw new UsageError('missing flag key');
  if (positional.length > 2) throw new UsageError(`unexpected argument '${positional[2]}'`);
  return { ...(options as WatchOptions), key: positional[0], dir: positional[1] };
}
