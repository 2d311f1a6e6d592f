// `flaglens init [DIR]`: finds the team's own flag checks in the code and writes them as a commented
// flaglens.yaml (or prints it with --print, messages on stderr, so it pipes into `scan --config`). A thin
// front-end over core/src/init: the flag definitions (flagd files, Unleash when an existing flaglens.yaml names
// it and its token is trusted) decide which candidates are accepted; with none, their shape does.
import { join, relative } from 'node:path';
import { CONFIG_FILE_NAME, defaultConfig, loadConfig, parseConfig, type FlaglensConfig } from '../../../core/src/config.js';
import type { ChecksProposal, ProposedCheck } from '../../../core/src/init/index.js';
import { nodeFileSystem } from '../../../core/src/nodeIo.js';
import { createStateProviders } from '../../../core/src/state/registry.js';
import { tokenTrustErrors } from '../../../core/src/trust.js';
import { loadWorkspaceState, providerContext } from '../../../core/src/workspace.js';
import { resolveWriteTarget, writeWorkspaceFile, WriteRefusedError } from '../../../core/src/workspaceWrites.js';
import { stateConfigurationErrors } from '../../../core/src/model.js';
import { parseCommandArguments } from '../args.js';
import { commandError, directoryArgument, hintCommand, usageHint, type CliIo, type Command } from '../command.js';
import { formatInputError, progressReporter, recoverInterruptedWork, reportConfigErrors, resolveWorkspaceRoot, workspaceOptions } from '../workspaceIo.js';

const help = `Usage: flaglens init [DIR] [options]

Finds the team's own flag checks in DIR (default: the current folder) and proposes them as a commented
flaglens.yaml: calls, methods, hooks and decorators (useFeature('x'), featureService.isEnabled('x')),
property reads of flag collections (appConfig.flags.x) and JSX attributes (<BetaFlag flagName="x">)
whose key is a string literal or a constant. Checks through the SDKs Flaglens knows need no configuration
and are not proposed. Each candidate is listed with its count and two examples.

A candidate is accepted when its keys are the flag definitions' keys (flagd files; Unleash when an existing
flaglens.yaml names it and its token is trusted). With no definitions, it is accepted when its names, keys
and use read as a flag check (is…Enabled, use…Flag, …feature…, used as a condition, many distinct keys).
The others are written commented out.

Options:
  --print          print the proposal on stdout instead of writing DIR/flaglens.yaml (messages go to
                   stderr): npx flaglens init . --yes --print > flaglens.yaml
  --yes            accept the proposal without asking (required to write when not on a terminal)
  --force          replace an existing flaglens.yaml (its exclude and state sources are still read)
  -h, --help       this help

Exit codes: 0 written or printed, 1 not written (an existing flaglens.yaml without --force, a refused
write, or "no" at the prompt), 2 usage or configuration error (and no --yes without a terminal).`;

export const initCommand: Command = {
  name: 'init',
  summary: "propose the team's own flag checks as a commented flaglens.yaml",
  help,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { positionals, options } = parseCommandArguments(argv, { print: { type: 'boolean' }, yes: { type: 'boolean' }, force: { type: 'boolean' } }, { max: 1, names: '[DIR]' });
    const print = options.print === true;
    const root = resolveWorkspaceRoot(io, positionals[0]);
    // With --print, stdout is the YAML alone: every message goes to stderr.
    const say = print ? io.stderr : io.stdout;
    recoverInterruptedWork(io, root);
    const target = join(root, CONFIG_FILE_NAME);
    const shownTarget = relative(io.cwd, target) || CONFIG_FILE_NAME;
    const existing = nodeFileSystem.exists(target);
    if (existing && !print && options.force !== true) {
      io.stderr(commandError('init', `${shownTarget} exists: pass --force to replace it, or --print to see the proposal`));
      return 1;
    }
    // An existing flaglens.yaml still says what to skip and where the flag definitions are.
    const workspace = workspaceOptions(io, root, undefined);
    let config: FlaglensConfig = defaultConfig();
    if (existing) {
      const loaded = loadConfig(nodeFileSystem, root);
      if (loaded.errors.length) return reportConfigErrors(io, 'init', loaded.errors);
      config = loaded.config;
      const untrusted = tokenTrustErrors(config, workspace.tokens);
      if (untrusted.length) return reportConfigErrors(io, 'init', untrusted);
    }
    const definitions = await loadDefinitions(io, workspace, config, root);
    if (definitions === 'config-error') return 2;

    const progress = progressReporter(io);
    // The proposal parses code: loaded here, not when the CLI starts (TypeScript loads on first use).
    const { proposeChecks, proposalConfigText } = require('../../../core/src/init/index.js') as typeof import('../../../core/src/init/index.js');
    const proposal = await proposeChecks({ root, fs: nodeFileSystem, exclude: config.exclude, definedKeys: definitions.keys, onProgress: progress.onProgress });
    progress.finish();
    for (const failure of proposal.failures) io.stderr(`${formatInputError(io, { file: failure.file, line: 1, column: 1, message: `skipped: ${failure.reason}` }, root)}\n`);
    say(describeProposal(proposal, definitions.sources));

    const text = proposalConfigText(proposal, { definitionSources: definitions.sources });
    // The file must read back as exactly the accepted checks: a proposal that would not is a bug, never written.
    const readBack = parseConfig(text, target);
    const accepted = proposal.candidates.filter((candidate) => candidate.accepted);
    if (readBack.errors.length || readBack.config.checks.length !== accepted.length) {
      throw new Error(`the proposed flaglens.yaml does not read back (${readBack.errors[0]?.message ?? `${readBack.config.checks.length} checks instead of ${accepted.length}`})`);
    }
    if (print) {
      io.stdout(text);
      return 0;
    }
    if (options.yes !== true) {
      if (!io.isInteractive) {
        io.stderr(commandError('init', `not writing ${shownTarget} without confirmation: run it on a terminal, pass --yes, or --print to see it`));
        io.stderr(usageHint('init'));
        return 2;
      }
      const answer = (await io.prompt(`Write ${shownTarget} with ${plural(accepted.length, 'check')}? [Y/n] `)).trim().toLowerCase();
      if (answer !== '' && answer !== 'y' && answer !== 'yes') {
        say('Nothing written.\n');
        return 1;
      }
    }
    try {
      const context = { root, fs: nodeFileSystem, writer: workspace.writer };
      if (existing) writeWorkspaceFile(context, target, text, shownTarget);
      // Without --force nothing is replaced, even a file that appeared meanwhile: the file is created only if absent.
      else if (!workspace.writer.createExclusive(resolveWriteTarget(context, target, shownTarget), text)) {
        io.stderr(commandError('init', `${shownTarget} exists: pass --force to replace it, or --print to see the proposal`));
        return 1;
      }
    } catch (error) {
      if (error instanceof WriteRefusedError) {
        io.stderr(commandError('init', error.message));
        return 1;
      }
      throw error;
    }
    say(`Wrote ${shownTarget} with ${plural(accepted.length, 'check')}.\nNext: ${hintCommand(io, `check${directoryArgument(positionals[0])}`)}   (the flag report with these checks)\n`);
    return 0;
  },
};

/** The keys of the flag definitions (flagd files, a live provider) and where they come from; state errors on stderr. */
async function loadDefinitions(io: CliIo, workspace: ReturnType<typeof workspaceOptions>, config: FlaglensConfig, root: string): Promise<{ keys: string[]; sources: string[] } | 'config-error'> {
  const providers = createStateProviders(providerContext(workspace, config));
  try {
    const state = await loadWorkspaceState(providers, workspace.clock.now(), config);
    const named = stateConfigurationErrors(state.errors);
    if (named.length) {
      reportConfigErrors(io, 'init', named);
      return 'config-error';
    }
    for (const error of state.errors) io.stderr(`${formatInputError(io, error, root)}\n`);
    const files = [...new Set(state.flags.flatMap((flag) => (flag.definition ? [flag.definition.file] : [])))];
    const remote = [...new Set(state.flags.filter((flag) => !flag.definition).map((flag) => flag.provider))];
    return { keys: [...state.flags.map((flag) => flag.key), ...state.removedKeys], sources: [...files, ...remote] };
  } finally {
    for (const provider of providers) provider.dispose?.();
  }
}

/** The ranked candidates for people: each with its count, keys, why, and two examples. */
export function describeProposal(proposal: ChecksProposal, sources: string[]): string {
  const lines: string[] = [];
  const basis = proposal.definitionsFound ? `accepted when their keys are the flag definitions' keys (${sources.join(', ')})` : 'no flag definitions found (flagd files, Unleash): judged by their names, keys and use';
  lines.push(`Looked through ${plural(proposal.inspectedFiles, 'file')} of ${proposal.files} that mention flags; ${plural(proposal.foundWithoutConfig, 'check')} through known SDKs need no configuration.`);
  if (proposal.candidates.length === 0) {
    lines.push('No other flag checks found.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`Candidate flag checks, ${basis}:`);
  proposal.candidates.forEach((candidate, index) => lines.push(...describeCandidate(candidate, index + 1)));
  return `${lines.join('\n')}\n`;
}

function describeCandidate(candidate: ProposedCheck, rank: number): string[] {
  const mark = candidate.accepted ? '+' : ' ';
  const tests = candidate.testSites ? `, ${candidate.testSites} in tests` : '';
  const lines = [`${mark} ${String(rank).padStart(2)}. ${candidate.shape}: ${plural(candidate.sites, 'check')}, ${plural(candidate.keys.length, 'key')}${tests}${candidate.accepted ? '' : ' (not added)'}`, `       ${candidate.reasons.join('; ')}`];
  for (const example of candidate.examples) lines.push(`       ${example.file}:${example.line}  ${example.excerpt}`);
  return lines;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
