// `flaglens flags`: one row per flag — stage, percentage, owner, age, release date, check sites, findings.
import { analyzeWorkspace } from '../../../core/src/workspace.js';
import { formatFlagsTable, reportInputFrom } from '../../../core/src/report/index.js';
import { noDefinitionsNotice } from '../../../core/src/rules/index.js';
import { parseCommandArguments } from '../args.js';
import { CACHE_OPTIONS, cacheHelp, scanCacheFromOptions } from '../cacheOptions.js';
import { directoryArgument, hintCommand, type CliIo, type Command } from '../command.js';
import { cliClock, formatInputError, progressReporter, recoverInterruptedWork, reportConfigErrors, reportScanFailures, resolveWorkspaceRoot, workspaceOptions } from '../workspaceIo.js';
import { describeStaleness } from '../../../core/src/state/staleness.js';

const help = `Usage: flaglens flags [DIR] [options]

Lists every flag of DIR (default: the current folder): defined flags in their state file's order, then
removed and unknown keys that code still checks. Without flag definitions, the keys code checks are listed
with stage "undefined".

Options:
  --config FILE     flaglens.yaml to use (default: DIR/flaglens.yaml)
  --format FORMAT   text (default) or json: { "flags": [ { "key", "stage", "percentage", "enabled",
                    "references", "findings": ["FL001"], "owner", "type", "ageDays", "releasedAt", … } ] }
${cacheHelp(20)}
  -h, --help        this help

Exit codes: 0 listed, 2 usage or configuration error.`;

export const flagsCommand: Command = {
  name: 'flags',
  summary: 'list every flag with its stage, percentage, owner, age, check sites and findings',
  help,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { positionals, options } = parseCommandArguments(
      argv,
      { config: { type: 'string' }, format: { type: 'string', choices: ['text', 'json'] }, ...CACHE_OPTIONS },
      { max: 1, names: '[DIR]' },
    );
    const root = resolveWorkspaceRoot(io, positionals[0]);
    recoverInterruptedWork(io, root);
    const progress = progressReporter(io);
    const analysis = await analyzeWorkspace({ ...workspaceOptions(io, root, options.config as string | undefined), onProgress: progress.onProgress, scanCache: scanCacheFromOptions(io, root, options) });
    progress.finish();
    if (analysis.configErrors.length) return reportConfigErrors(io, 'flags', analysis.configErrors);
    reportScanFailures(io, analysis.scan.failures, root);
    for (const error of analysis.state.errors) io.stderr(`${formatInputError(io, error, root)}\n`);
    if (analysis.state.staleness) io.stderr(`${describeStaleness(analysis.state, cliClock(io).now())}\n`); // the age of a last-known remote state
    const { definitionsFound } = reportInputFrom(analysis);
    if (options.format === 'json') {
      const flags = analysis.flags.map(({ locations, ...flag }) => ({ ...flag, locations }));
      io.stdout(JSON.stringify({ flags, definitionsFound, ...(definitionsFound ? {} : { notices: [noDefinitionsNotice()] }) }, null, 2) + '\n');
      return 0;
    }
    if (analysis.flags.length === 0) {
      io.stdout(definitionsFound ? `No flags: the flag definitions are empty and no code checks a flag.\n` : `No flags: no flag definitions were found and no code checks a flag (${plural(analysis.scan.files, 'file')} scanned).\n`);
    } else io.stdout(formatFlagsTable(analysis.flags));
    if (!definitionsFound) io.stdout(`${capitalize(noDefinitionsNotice())}.\n${analysis.flags.length ? '' : `To find the team's own flag checks: ${hintCommand(io, `init${directoryArgument(positionals[0])}`)}\n`}`);
    return 0;
  },
};

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
