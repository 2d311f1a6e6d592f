// `flaglens scan [DIR] [--config FILE] [--format text|json]`: lists every flag check in a workspace.
// A thin front-end over the core scanner; an invalid config stops before anything is scanned.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { loadConfig } from '../../../core/src/config.js';
import { nodeFileSystem } from '../../../core/src/nodeIo.js';
import { scanWorkspace, toScanJson, formatScanText } from '../../../core/src/scanner/index.js';
import { UsageError, type CliIo, type Command } from '../command.js';
import { recoverInterruptedWork } from '../workspaceIo.js';

const help = `Usage: flaglens scan [DIR] [--config FILE] [--format text|json]

Finds every feature-flag check in the TypeScript/JavaScript files under DIR (default: the current
directory): built-in SDK presets, the checks declared in flaglens.yaml, and wrappers around them.

Options:
  --config FILE     flaglens.yaml to use (default: DIR/flaglens.yaml, if present)
  --format FORMAT   text (default; grouped by flag) or json (the stable contract, see docs/scanner.md)
  -h, --help        this help

Exit codes: 0 success, 2 bad usage or invalid config (each problem printed as file:line:column: message).
`;

export const scanCommand: Command = {
  name: 'scan',
  summary: 'list every flag check in the workspace (text or JSON)',
  help,
  async run(argv: string[], io: CliIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { config: { type: 'string' }, format: { type: 'string', default: 'text' } },
      });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const { values, positionals } = parsed;
    if (positionals.length > 1) throw new UsageError(`expected at most one directory, got ${positionals.length}`);
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got '${format}'`);
    const root = resolve(io.cwd, positionals[0] ?? '.');
    let isDirectory = false;
    try {
      isDirectory = nodeFileSystem.stat(root).isDirectory;
    } catch {
      isDirectory = false;
    }
    if (!isDirectory) throw new UsageError(`not a directory: ${root}`);
    recoverInterruptedWork(io, root);
    const configPath = values.config === undefined ? undefined : resolve(io.cwd, values.config);
    const { config, errors } = loadConfig(nodeFileSystem, root, configPath);
    if (errors.length) {
      for (const error of errors) io.stderr(`${error.file}:${error.line}:${error.column}: ${error.message}\n`);
      return 2;
    }
    const result = await scanWorkspace({ root, config, fs: nodeFileSystem });
    if (format === 'json') io.stdout(`${JSON.stringify(toScanJson(result, root), null, 2)}\n`);
    else io.stdout(formatScanText(result));
    return 0;
  },
};
