// What the workspace commands share: the workspace folder from DIR, the Node IO implementations, the clock
// (FLAGLENS_NOW pins it for reproducible reports), and `file:line:column: message` for input errors.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Clock, InputError } from '../../core/src/index.js';
import type { HttpTransport } from '../../core/src/http.js';
import type { AnalyzeWorkspaceOptions } from '../../core/src/workspace.js';
import { nodeFileSystem, nodeGitHost } from '../../core/src/nodeIo.js';
import { nodeFileStore } from '../../core/src/state/nodeFileStore.js';
import type { CliIo } from './command.js';
import { UsageError } from './command.js';

/** The absolute workspace folder for DIR (default: the current directory); a usage error when it is not a folder. */
export function resolveWorkspaceRoot(io: CliIo, directory: string | undefined): string {
  const root = resolve(io.cwd, directory ?? '.');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`'${directory ?? '.'}' is not a folder`);
  return root;
}

/** The clock: the system clock, or the instant in FLAGLENS_NOW (ISO-8601) so a report can be reproduced. */
export function cliClock(io: CliIo): Clock {
  const pinned = io.env.FLAGLENS_NOW;
  if (!pinned) return { now: () => new Date() };
  const time = Date.parse(pinned);
  if (Number.isNaN(time)) throw new UsageError(`FLAGLENS_NOW must be an ISO-8601 date, got '${pinned}'`);
  return { now: () => new Date(time) };
}

/** The run's HTTP client (runCli provides it; a command run outside runCli has none, which is a bug). */
export function cliHttp(io: CliIo): HttpTransport {
  if (!io.http) throw new Error('no HTTP client: commands run through runCli');
  return io.http;
}

/** Analysis options for a workspace folder, with Node's file system, state-file store and git. */
export function workspaceOptions(io: CliIo, root: string, configPath: string | undefined): AnalyzeWorkspaceOptions {
  return {
    root,
    configPath: configPath === undefined ? undefined : resolve(io.cwd, configPath),
    fs: nodeFileSystem,
    fileStore: nodeFileStore,
    git: nodeGitHost,
    clock: cliClock(io),
    env: io.env,
    allowNetwork: true,
    snapshotDir: join(root, '.flaglens'),
    http: io.http,
  };
}

/** `file:line:column: message`, the path relative to the current directory when it is below it. */
export function formatInputError(io: CliIo, error: InputError, root?: string): string {
  const absolute = isAbsolute(error.file) ? error.file : resolve(root ?? io.cwd, error.file);
  const shown = relative(io.cwd, absolute);
  const file = shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : absolute;
  return `${file}:${error.line}:${error.column}: ${error.message}`;
}

/** Prints config errors and returns exit code 2. */
export function reportConfigErrors(io: CliIo, command: string, errors: InputError[]): number {
  for (const error of errors) io.stderr(`${formatInputError(io, error)}\n`);
  io.stderr(`flaglens ${command}: invalid configuration, nothing was checked\n`);
  return 2;
}

/** Scan progress on stderr for an interactive terminal, after the first half second; cleared when done. */
export function progressReporter(io: CliIo): { onProgress?: (done: number, total: number) => void; finish(): void } {
  if (!io.isInteractive) return { finish() {} };
  const startedAt = Date.now();
  let lastWrite = 0;
  let written = false;
  return {
    onProgress(done, total) {
      const now = Date.now();
      if (now - startedAt < 500 || now - lastWrite < 100) return;
      lastWrite = now;
      written = true;
      io.stderr(`\rScanning ${done}/${total} files…`);
    },
    finish() {
      if (written) io.stderr('\r\x1b[K');
    },
  };
}
