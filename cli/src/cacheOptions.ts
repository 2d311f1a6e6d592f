// The scan cache's two options, shared by the commands that scan (scan, check, flags): on by default,
// `--no-cache` turns it off, `--cache-location DIR` keeps it in DIR. The location rules are the core's.
import { resolve } from 'node:path';
import { nodeFileSystem, nodeFileWriter } from '../../core/src/nodeIo.js';
import { scanCacheStoreFor, type ScanCacheStore } from '../../core/src/scanner/index.js';
import type { OptionSpec } from './args.js';
import { UsageError, type CliIo } from './command.js';

export const CACHE_OPTIONS: Record<'no-cache' | 'cache-location', OptionSpec> = {
  'no-cache': { type: 'boolean' },
  'cache-location': { type: 'string' },
};

/** The lines of `--help` for the two options, their descriptions starting at column `column` like the command's others. */
export function cacheHelp(column: number): string {
  // An option too long for the column gets its description on the next line.
  const row = (option: string, text: string) => (option.length < column - 3 ? `  ${option.padEnd(column - 2)}${text}` : `  ${option}\n${' '.repeat(column)}${text}`);
  const more = (text: string) => `${' '.repeat(column)}${text}`;
  return [
    row('--no-cache', 'scan without the persistent scan cache (nothing read or written)'),
    row('--cache-location DIR', 'keep the scan cache in DIR (default: node_modules/.cache/flaglens'),
    more('when the workspace has node_modules, else $XDG_CACHE_HOME/flaglens/<hash>)'),
  ].join('\n');
}

/** The cache store the options ask for (undefined: off). */
export function scanCacheFromOptions(io: CliIo, root: string, options: Record<string, string | boolean | undefined>): ScanCacheStore | undefined {
  const location = options['cache-location'];
  if (options['no-cache'] === true && location !== undefined) throw new UsageError('--no-cache and --cache-location exclude each other');
  if (location === '') throw new UsageError('--cache-location needs a folder');
  return scanCacheStoreFor({
    root,
    fs: nodeFileSystem,
    writer: nodeFileWriter,
    env: io.env,
    disabled: options['no-cache'] === true,
    location: typeof location === 'string' ? resolve(io.cwd, location) : undefined,
  });
}
