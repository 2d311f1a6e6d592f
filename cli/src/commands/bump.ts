// `flaglens bump KEY`: moves a rollout to the next ladder step (or --to N), after showing `from → to`.
import { planBump } from '../../../core/src/state/rollout.js';
import { parseCommandArguments } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { UsageError } from '../command.js';
import { runRolloutCommand } from '../rolloutCommand.js';
import { join } from 'node:path';
import { decideBumpByHealth } from '../../../core/src/health/workspaceHealth.js';
import { nodeFileSystem } from '../../../core/src/nodeIo.js';
import { cliClock, cliHttp, resolveWorkspaceRoot } from '../workspaceIo.js';

const help = `Usage: flaglens bump KEY [DIR] [options]

Moves flag KEY's rollout to the next step of the ladder (rollout.steps in flaglens.yaml, default
1, 10, 50, 100) above its current percentage, or to --to N; enables the flag if it was off, and records
releasedAt at 100%. Prints "from → to" and asks for confirmation on a terminal.

Options:
  --to N           target percentage (above the current one, at most 100)
  --yes            do not ask for confirmation (required when not on a terminal)
  --force          bump even when the flag's health checks fail or are inconclusive
  --config FILE    flaglens.yaml to use (default: DIR/flaglens.yaml)
  --allow-outside-workspace
                   write the state file even when it resolves outside DIR (a deliberate
                   monorepo layout); by default such a write is refused
  -h, --help       this help

Exit codes: 0 bumped, 1 refused (unknown flag, targeted by rules, changed since read, unhealthy…)
or cancelled, 2 usage or configuration error (and no --yes without a terminal).`;

export const bumpCommand: Command = {
  name: 'bump',
  summary: 'move a rollout to the next step (1% → 10% → 50% → 100%) or --to N',
  help,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { positionals, options } = parseCommandArguments(
      argv,
      { to: { type: 'string' }, yes: { type: 'boolean' }, force: { type: 'boolean' }, config: { type: 'string' }, 'allow-outside-workspace': { type: 'boolean' } },
      { max: 2, names: 'KEY [DIR]' },
    );
    const [key, directory] = positionals;
    if (!key) throw new UsageError('missing KEY: the flag to bump');
    const to = parsePercentage(options.to as string | undefined);
    return runRolloutCommand(io, {
      command: 'bump',
      key,
      directory,
      configPath: options.config as string | undefined,
      yes: options.yes === true,
      allowOutsideWorkspace: options['allow-outside-workspace'] === true,
      plan: async (flag, config) => {
        const plan = planBump(flag, config.rollout.steps, to);
        if (!plan.ok) return plan;
        // Health guard: refuse a failing or inconclusive rollout before asking, unless --force.
        const guard = await decideBumpByHealth(flag.key, {
          metrics: config.metrics,
          clock: cliClock(io),
          allowNetwork: true,
          force: options.force === true,
          http: cliHttp(io),
          steps: { fs: nodeFileSystem, stateDirectory: join(resolveWorkspaceRoot(io, directory), '.flaglens') },
          flags: [flag],
        });
        if (!guard.allowed) return { ok: false, reason: 'unhealthy', message: guard.reason };
        if (guard.health) io.stdout(`${flag.key}: ${guard.reason}\n`);
        return plan;
      },
      write: (provider, flag, plan) => provider.bump!({ key: flag.key, to: plan.toPercentage, expected: flag, force: options.force === true }),
    });
  },
};

/** `--to 50` or `--to 12.5%`; anything else (or outside 0–100) is a usage error. */
function parsePercentage(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\s*\d+(\.\d+)?\s*%?\s*$/.test(text)) throw new UsageError(`--to must be a percentage from 0 to 100, got '${text}'`);
  const value = Number.parseFloat(text);
  if (value < 0 || value > 100) throw new UsageError(`--to must be a percentage from 0 to 100, got '${text}'`);
  return value;
}
