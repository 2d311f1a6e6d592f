// What `flaglens bump` and `flaglens abort` share: find the flag and the provider that owns it, show
// `from → to`, ask for confirmation on a terminal (or --yes), write, and turn refusals into exit 1.
import { loadConfig } from '../../core/src/config.js';
import { RolloutRefusedError, stateConfigurationErrors, type FlagState, type RolloutChange, type StateProvider } from '../../core/src/model.js';
import { suggestKeys } from '../../core/src/rules/index.js';
import type { RolloutPlan } from '../../core/src/state/rollout.js';
import { createStateProviders } from '../../core/src/state/registry.js';
import { recordRolloutStep } from '../../core/src/health/rolloutSteps.js';
import { flaglensFileWriter } from '../../core/src/workspaceWrites.js';
import { loadWorkspaceState, providerContext } from '../../core/src/workspace.js';
import type { FlaglensConfig } from '../../core/src/config.js';
import { tokenTrustErrors } from '../../core/src/trust.js';
import { commandError, usageHint, type CliIo } from './command.js';
import { formatInputError, recoverInterruptedWork, reportConfigErrors, resolveWorkspaceRoot, workspaceOptions } from './workspaceIo.js';

export interface RolloutCommandRequest {
  command: 'bump' | 'abort';
  key: string;
  directory?: string;
  configPath?: string;
  yes: boolean;
  /** `--allow-outside-workspace`: the state file may resolve outside DIR. */
  allowOutsideWorkspace?: boolean;
  /** The plan for the flag as read now (from → to, or a refusal). */
  plan(flag: FlagState, config: FlaglensConfig): RolloutPlan | Promise<RolloutPlan>; // async: bump's health guard
  /** The write, given the provider and the state the person confirmed. */
  write(provider: StateProvider, flag: FlagState, plan: RolloutChange): Promise<RolloutChange>;
}

export async function runRolloutCommand(io: CliIo, request: RolloutCommandRequest): Promise<number> {
  const root = resolveWorkspaceRoot(io, request.directory);
  const options = workspaceOptions(io, root, request.configPath, { allowOutsideWorkspace: request.allowOutsideWorkspace });
  recoverInterruptedWork(io, root, { allowOutsideWorkspace: request.allowOutsideWorkspace });
  const { config, errors } = loadConfig(options.fs, root, options.configPath);
  if (errors.length) return reportConfigErrors(io, request.command, errors);
  const untrusted = tokenTrustErrors(config, options.tokens);
  if (untrusted.length) return reportConfigErrors(io, request.command, untrusted);
  const providers = createStateProviders(providerContext(options, config));
  try {
    const state = await loadWorkspaceState(providers, options.clock.now(), config);
    const named = stateConfigurationErrors(state.errors);
    if (named.length) return reportConfigErrors(io, request.command, named);
    const flag = state.flags.find((candidate) => candidate.key === request.key);
    if (!flag) {
      for (const error of state.errors) io.stderr(`${formatInputError(io, error, root)}\n`);
      const suggestions = suggestKeys(request.key, state.flags.map((candidate) => candidate.key));
      const hint = suggestions.length ? `; did you mean ${suggestions.map((key) => `'${key}'`).join(' or ')}?` : '';
      const where = state.flags.length ? `${state.flags.length} flags in ${state.provider}` : 'no flag definitions were found';
      io.stderr(`flaglens ${request.command}: unknown flag '${request.key}' (${where})${hint}\n`);
      return 1;
    }
    const provider = await providerFor(providers, flag);
    const writes = request.command === 'bump' ? provider?.bump : provider?.abort;
    if (!provider || !writes) {
      io.stderr(`flaglens ${request.command}: the ${flag.provider} provider cannot ${request.command} flags\n`);
      return 1;
    }
    const plan = await request.plan(flag, config);
    if (!plan.ok) {
      io.stderr(`flaglens ${request.command}: refused: ${plan.message}\n`);
      return 1;
    }
    const where = flag.definition ? ` (${formatInputError(io, { ...flag.definition, message: '' }, root).replace(/: $/, '')})` : '';
    io.stdout(`${flag.key}: ${plan.summary}${where}\n`);
    if (!request.yes) {
      if (!io.isInteractive) {
        io.stderr(commandError(request.command, `not changing '${flag.key}' without confirmation: run it on a terminal, or pass --yes`));
        io.stderr(usageHint(request.command));
        return 2;
      }
      const answer = (await io.prompt(`${request.command === 'bump' ? 'Bump' : 'Abort'} '${flag.key}'? [y/N] `)).trim().toLowerCase();
      if (answer !== 'y' && answer !== 'yes') {
        io.stdout('Cancelled, nothing changed.\n');
        return 1;
      }
    }
    try {
      const change = await request.write(provider, flag, plan);
      // A new rollout step begins now: health windows ({{window}}) of this flag start here.
      if (options.snapshotDir) recordRolloutStep(flaglensFileWriter({ root: options.root, fs: options.fs, writer: options.writer }), options.snapshotDir, { key: flag.key, percentage: change.toPercentage, since: options.clock.now().toISOString(), by: request.command });
      io.stdout(`Done: ${flag.key} ${change.summary}\n`);
      return 0;
    } catch (error) {
      if (error instanceof RolloutRefusedError) {
        io.stderr(`flaglens ${request.command}: refused (${error.reason}): ${error.message}\n`);
        return 1;
      }
      throw error;
    }
  } finally {
    for (const provider of providers) provider.dispose?.();
  }
}

/** The provider that returned this flag (the first, in registry order, that defines it). */
async function providerFor(providers: StateProvider[], flag: FlagState): Promise<StateProvider | undefined> {
  const candidates = providers.filter((provider) => provider.id === flag.provider);
  if (candidates.length <= 1) return candidates[0];
  for (const provider of candidates) {
    if ((await provider.load()).flags.some((candidate) => candidate.key === flag.key)) return provider;
  }
  return undefined;
}
