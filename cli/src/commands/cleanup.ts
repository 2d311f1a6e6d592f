// `flaglens cleanup KEY [DIR]` / `flaglens cleanup --stale [DIR]`: removes released (or removed) flags from
// the code — every check replaced by the final value and the dead branch deleted — proven to type-check.
// A thin front-end over core/src/cleanup: it prints the plan as a unified diff (default) or writes every
// changed file all-or-nothing (core/src/workspaceWrites.ts: journal, temp files, renames, crash recovery).
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { analyzeWorkspace } from '../../../core/src/workspace.js';
import { defaultFlagValue, parseFlagValue, planWorkspaceCleanup, type FileChange, type FlagCleanupResult, type FlagValue, type WorkspaceCleanupResult } from '../../../core/src/cleanup/index.js';
import { nodeFileSystem, nodeFileWriter } from '../../../core/src/nodeIo.js';
import { systemTimers } from '../../../core/src/io.js';
import { writeFilesAllOrNothing, WriteRefusedError } from '../../../core/src/workspaceWrites.js';
import { parseCommandArguments } from '../args.js';
import { workspacePrettier } from '../prettier.js';
import { describeUnexpectedError, UsageError, type CliIo, type Command } from '../command.js';
import { recoverInterruptedWork, reportConfigErrors, resolveWorkspaceRoot, workspaceOptions } from '../workspaceIo.js';

const help = `Usage: flaglens cleanup KEY [DIR] [--value on|off|<literal>] [--diff | --write] [--keep-definition] [--no-format] [--format text|json]
       flaglens cleanup --stale [DIR] [--diff | --write] [--keep-definition] [--no-format] [--format text|json]

Removes a flag from the code under DIR (default: the current directory): every check of KEY is replaced
by the flag's final value and the code simplified (dead branches, ternaries, JSX, variables and wrappers
that only held the flag, unused imports, the constants/enum entry), then the flag's definition is removed
from the state file. The change is type-checked before and after (the workspace tsconfig when present);
a change that would add a type error is not applied. Sites that cannot be rewritten safely are left as
they are and listed with the reason (the flag is then partially cleaned, and its definition kept).

Options:
  --value VALUE      the value the flag has for everyone: on, off, a number or a string
                     (default: on for a released flag, off for an aborted or removed one)
  --stale            clean every stale flag (FL001 released long ago: on; FL002 removed: off)
  --diff             print the change as a unified diff, write nothing (default)
  --write            apply the change: every file or none
  --keep-definition  keep the flag's definition in the state file
  --no-format        leave the changed lines as the cleanup wrote them; by default, when the
                     workspace configures and installs Prettier, the changed ranges are formatted with it
  --allow-outside-workspace
                     write files that resolve outside DIR (symlinks, a state file elsewhere in a
                     monorepo); by default the whole write is refused
  --format FORMAT    text (default) or json (per site: rewritten, or skipped with the reason)
  --config FILE      flaglens.yaml to use (default: DIR/flaglens.yaml)
  -h, --help         this help

Files are written all or none, also across a crash: the next flaglens command completes or rolls back a
write that was interrupted, and says so.

Exit codes: 0 success, 1 a change was refused (type errors) or the write failed, 2 bad usage or invalid config.
`;

export const cleanupCommand: Command = {
  name: 'cleanup',
  summary: 'remove released flags from the code (diff or atomic write), type-checked',
  help,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { positionals, options } = parseCommandArguments(
      argv,
      {
        value: { type: 'string' },
        stale: { type: 'boolean' },
        diff: { type: 'boolean' },
        write: { type: 'boolean' },
        'keep-definition': { type: 'boolean' },
        'no-format': { type: 'boolean' },
        'allow-outside-workspace': { type: 'boolean' },
        format: { type: 'string', choices: ['text', 'json'] },
        config: { type: 'string' },
      },
      { max: 2, names: 'KEY [DIR]' },
    );
    const stale = options.stale === true;
    if (options.diff && options.write) throw new UsageError('--diff and --write exclude each other');
    if (stale && options.value !== undefined) throw new UsageError('--value applies to one flag, not to --stale');
    if (stale && positionals.length > 1) throw new UsageError(`--stale takes at most one folder, got '${positionals.join(' ')}'`);
    if (!stale && positionals.length === 0) throw new UsageError('give the flag KEY to remove, or --stale');
    const key = stale ? undefined : positionals[0]!;
    const root = resolveWorkspaceRoot(io, stale ? positionals[0] : positionals[1]);
    const format = (options.format as string | undefined) ?? 'text';
    const write = options.write === true;
    const explicitValue = typeof options.value === 'string' ? parseFlagValue(options.value) : undefined;
    const allowOutsideWorkspace = options['allow-outside-workspace'] === true;
    recoverInterruptedWork(io, root, { allowOutsideWorkspace });

    // The analysis gives the state (for default values and the definition) and, for --stale, the findings.
    const analysis = await analyzeWorkspace({ ...workspaceOptions(io, root, options.config as string | undefined, { allowOutsideWorkspace }), health: new Map() });
    if (analysis.configErrors.length) return reportConfigErrors(io, 'cleanup', analysis.configErrors);

    let flags: { key: string; value?: FlagValue }[];
    if (key !== undefined) {
      const flag = analysis.state.flags.find((candidate) => candidate.key === key);
      const value = explicitValue ?? defaultFlagValue(flag, analysis.state.removedKeys.includes(key));
      if (value === undefined) throw new UsageError(`flag '${key}' is ${flag ? `${flag.stage} (not released or removed)` : 'not in the rollout state'}: give its final value with --value`);
      flags = [{ key, value }];
    } else {
      const seen = new Set<string>();
      flags = [];
      for (const finding of analysis.findings) {
        if ((finding.code !== 'FL001' && finding.code !== 'FL002') || finding.suppressed || !finding.key || seen.has(finding.key)) continue;
        seen.add(finding.key);
        flags.push({ key: finding.key, value: finding.code === 'FL002' ? false : undefined });
      }
    }

    const result = await planWorkspaceCleanup({
      root,
      fs: nodeFileSystem,
      config: analysis.config,
      state: analysis.state,
      flags,
      keepDefinition: options['keep-definition'] === true,
      formatter: options['no-format'] === true ? undefined : await workspacePrettier(root),
      timers: systemTimers,
      // The analysis already scanned the workspace as it is on disk: the plan uses that one scan.
      scan: analysis.scan,
    });
    let writeError: string | undefined;
    if (write && result.changes.length) {
      try {
        writeFilesAllOrNothing(
          { root, fs: nodeFileSystem, writer: nodeFileWriter, allowOutsideWorkspace },
          result.changes.map((change) => ({ path: join(root, change.file), shown: change.file, before: change.before, after: change.after })),
          'cleanup --write',
        );
      } catch (error) {
        writeError = error instanceof WriteRefusedError ? error.message : error instanceof Error && 'code' in error ? error.message : describeUnexpectedError(error);
      }
    }
    if (format === 'json') io.stdout(`${JSON.stringify(toCleanupJson(result, { written: write && !writeError, writeError }), null, 2)}\n`);
    else printText(io, result, { write, writeError });
    const refused = result.flags.some((flag) => flag.typeErrors.length > 0);
    return refused || writeError ? 1 : 0;
  },
};

/** The stable JSON form: per flag its status and every site, rewritten or skipped with the reason. */
export function toCleanupJson(result: WorkspaceCleanupResult, write: { written: boolean; writeError?: string }): unknown {
  return {
    flags: result.flags.map((flag) => ({
      key: flag.key,
      value: flag.value ?? null,
      status: flag.error ? 'not-cleaned' : flag.accepted ? flag.plan!.status : 'refused',
      accepted: flag.accepted,
      ...(flag.error ? { error: flag.error } : {}),
      sites: (flag.plan?.sites ?? []).map((site) => ({
        file: site.file,
        line: site.line,
        column: site.column,
        call: site.call,
        keyExpression: site.keyExpression,
        status: site.status,
        ...(site.reason ? { reason: site.reason } : {}),
        ...(site.depth !== undefined ? { depth: site.depth } : {}),
        ...(site.literalKept ? { literalKept: site.literalKept } : {}),
      })),
      removedDeclarations: flag.plan?.removedDeclarations ?? [],
      typeErrors: flag.typeErrors,
      definition: flag.definition ?? null,
    })),
    files: result.changes.map((change) => ({ file: change.file, diff: unifiedDiff(change) })),
    skippedFiles: result.skippedFiles,
    written: write.written,
    ...(write.writeError ? { writeError: write.writeError } : {}),
  };
}

function printText(io: CliIo, result: WorkspaceCleanupResult, options: { write: boolean; writeError?: string }): void {
  // With --diff the patch alone goes to stdout (so it can be piped to `git apply`); the summary to stderr.
  const summary = options.write ? io.stdout : io.stderr;
  for (const flag of result.flags) summary(describeFlag(flag));
  for (const skipped of result.skippedFiles) summary(`${skipped.file}:1:1: skipped: ${skipped.reason} (left as it is)\n`);
  if (result.flags.length === 0) summary('No stale flag to clean.\n');
  if (!options.write) {
    for (const change of result.changes) io.stdout(unifiedDiff(change));
    return;
  }
  if (options.writeError) io.stderr(`flaglens cleanup: nothing was written: ${options.writeError}\n`);
  else summary(result.changes.length ? `Wrote ${result.changes.length} file(s): ${result.changes.map((change) => change.file).join(', ')}\n` : 'Nothing to change.\n');
}

function describeFlag(flag: FlagCleanupResult): string {
  if (flag.error) return `${flag.key}: not cleaned: ${flag.error}\n`;
  const plan = flag.plan!;
  const rewritten = plan.sites.filter((site) => site.status === 'rewritten').length;
  const skipped = plan.sites.length - rewritten;
  const value = typeof flag.value === 'boolean' ? (flag.value ? 'on' : 'off') : JSON.stringify(flag.value);
  const status = flag.accepted ? plan.status : 'refused (the type check reports the problems below, which no site can be blamed for)';
  const lines = [`${flag.key} → ${value}: ${status}, ${rewritten} site(s) rewritten, ${skipped} skipped`];
  for (const site of plan.sites) if (site.status === 'skipped') lines.push(`  ${site.file}:${site.line}:${site.column}: skipped: ${site.reason}`);
  for (const error of flag.typeErrors) lines.push(`  ${error.file}:${error.line}:${error.column}: error TS${error.code}: ${error.message}`);
  for (const declaration of plan.removedDeclarations) lines.push(`  removed ${declaration}`);
  if (flag.definition?.status === 'removed') lines.push(`  definition removed from ${flag.definition.file}`);
  if (flag.definition?.status === 'kept') lines.push(`  definition kept${flag.definition.file ? ` in ${flag.definition.file}` : ''}: ${flag.definition.reason}`);
  return `${lines.join('\n')}\n`;
}

function unifiedDiff(change: FileChange): string {
  return createTwoFilesPatch(`a/${change.file}`, `b/${change.file}`, change.before, change.after, undefined, undefined, { context: 3 }).replace(/^(Index: .*\n)?=+\n/, '');
}
