// `flaglens scan [DIR] [--config FILE] [--format text|json]`: lists every flag check in a workspace.
// A thin front-end over the core scanner; an invalid config stops before anything is scanned.
import { loadConfig } from '../../../core/src/config.js';
import { nodeFileSystem } from '../../../core/src/nodeIo.js';
import { scanWorkspace, toScanJson, formatScanText } from '../../../core/src/scanner/index.js';
import { CACHE_OPTIONS, cacheHelp, scanCacheFromOptions } from '../cacheOptions.js';
import { namedStateFileErrors } from '../../../core/src/state/registry.js';
import { providerContext } from '../../../core/src/workspace.js';
import { parseCommandArguments } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { recoverInterruptedWork, reportConfigErrors, resolveWorkspaceRoot, workspaceOptions } from '../workspaceIo.js';

const help = `Usage: flaglens scan [DIR] [--config FILE] [--format text|json] [--no-cache | --cache-location DIR]

Finds every feature-flag check in the TypeScript/JavaScript files under DIR (default: the current
directory): built-in SDK presets, the checks declared in flaglens.yaml, and wrappers around them.

Options:
  --config FILE     flaglens.yaml to use (default: DIR/flaglens.yaml, if present)
  --format FORMAT   text (default; grouped by flag) or json (the stable contract, see docs/scanner.md;
                    with the cache it reports cache: { hits, misses })
${cacheHelp(20)}
  -h, --help        this help

Exit codes: 0 success, 2 usage or configuration error (a state file flaglens.yaml names that is missing included).
`;

export const scanCommand: Command = {
  name: 'scan',
  summary: 'list every flag check in the workspace (text or JSON)',
  help,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { positionals, options: values } = parseCommandArguments(argv, { config: { type: 'string' }, format: { type: 'string', choices: ['text', 'json'] }, ...CACHE_OPTIONS }, { max: 1, names: '[DIR]' });
    const format = (values.format as string | undefined) ?? 'text';
    const root = resolveWorkspaceRoot(io, positionals[0]);
    recoverInterruptedWork(io, root);
    const options = workspaceOptions(io, root, values.config as string | undefined);
    const { config, errors } = loadConfig(nodeFileSystem, root, options.configPath);
    if (errors.length) return reportConfigErrors(io, 'scan', errors);
    // A state file flaglens.yaml names that is missing is a configuration error here too (the same exit code everywhere).
    const named = namedStateFileErrors(providerContext(options, config));
    if (named.length) return reportConfigErrors(io, 'scan', named);
    const cache = scanCacheFromOptions(io, root, values);
    const result = await scanWorkspace({ root, config, fs: nodeFileSystem, cache });
    if (format === 'json') io.stdout(`${JSON.stringify(toScanJson(result, root), null, 2)}\n`);
    else io.stdout(formatScanText(result));
    return 0;
  },
};
