// What the workspace commands share: the workspace folder from DIR, the Node IO implementations, the clock
// (FLAGLENS_NOW pins it for reproducible reports), the tokens and where they may go (FLAGLENS_TRUST and the
// user config file, never the repository), the recovery of an interrupted write, and `file:line:column: message`
// for input errors.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { systemTimers, type Clock, type InputError } from '../../core/src/index.js';
import type { HttpTransport } from '../../core/src/http.js';
import type { AnalyzeWorkspaceOptions } from '../../core/src/workspace.js';
import { nodeFileSystem, nodeFileWriter, nodeGitHost } from '../../core/src/nodeIo.js';
import { environmentTrust, type TokenVault } from '../../core/src/trust.js';
import { recoverInterruptedWrites } from '../../core/src/workspaceWrites.js';
import type { CliIo } from './command.js';
import { commandError, ConfigurationError, usageHint, UsageError } from './command.js';

/** The absolute workspace folder for DIR (default: the current directory); a usage error when it is not a folder. */
export function resolveWorkspaceRoot(io: CliIo, directory: string | undefined): string {
  const root = resolve(io.cwd, directory ?? '.');
  const shown = directory ?? '.';
  if (!existsSync(root)) throw new UsageError(`folder '${shown}' does not exist`);
  if (!statSync(root).isDirectory()) throw new UsageError(`'${shown}' is not a folder`);
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

/**
 * The tokens of this run: values from the environment, each sent only to an origin trusted for it in
 * FLAGLENS_TRUST or the user config file. A malformed trust entry or user config stops the command (exit 2).
 */
export function cliTokenVault(io: CliIo): TokenVault {
  const { vault, problems } = environmentTrust(io.env, nodeFileSystem);
  if (problems.length) throw new ConfigurationError(problems);
  return vault;
}

export interface WorkspaceWriteFlags {
  /** `--allow-outside-workspace`: state files and cleanup targets may resolve outside DIR. */
  allowOutsideWorkspace?: boolean;
}

/** Analysis options for a workspace folder, with Node's file system, git, writer and the run's tokens. */
export function workspaceOptions(io: CliIo, root: string, configPath: string | undefined, flags: WorkspaceWriteFlags = {}): AnalyzeWorkspaceOptions {
  return {
    root,
    configPath: configPath === undefined ? undefined : resolve(io.cwd, configPath),
    fs: nodeFileSystem,
    git: nodeGitHost,
    clock: cliClock(io),
    timers: systemTimers,
    writer: nodeFileWriter,
    tokens: cliTokenVault(io),
    allowNetwork: true,
    allowOutsideWorkspace: flags.allowOutsideWorkspace === true,
    snapshotDir: join(root, '.flaglens'),
    http: io.http,
  };
}

/**
 * Before anything else: completes or rolls back a multi-file write that a crash interrupted, and says so on
 * stderr. A journal of a process that is still running is left alone.
 */
export function recoverInterruptedWork(io: CliIo, root: string, flags: WorkspaceWriteFlags = {}): void {
  const report = recoverInterruptedWrites({ root, fs: nodeFileSystem, writer: nodeFileWriter, allowOutsideWorkspace: flags.allowOutsideWorkspace });
  if (report) io.stderr(`flaglens: ${report.message}\n`);
}

/** Files the scanner skipped because their analysis failed: one line each on stderr, so reports stay parseable. */
export function reportScanFailures(io: CliIo, failures: ReadonlyArray<{ file: string; reason: string }>, root: string): void {
  for (const failure of failures) io.stderr(`${formatInputError(io, { file: failure.file, line: 1, column: 1, message: `skipped: ${failure.reason}` }, root)}\n`);
}

/** `file:line:column: message`, the path relative to the current directory when it is below it. */
export function formatInputError(io: CliIo, error: InputError, root?: string): string {
  const absolute = isAbsolute(error.file) ? error.file : resolve(root ?? io.cwd, error.file);
  const shown = relative(io.cwd, absolute);
  const file = shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : absolute;
  return `${file}:${error.line}:${error.column}: ${error.message}`;
}

/**
 * Prints configuration errors (an invalid flaglens.yaml, untrusted tokens, a state file it names that is missing)
 * in the one error style, `flaglens CMD: file:line:column: message`, then where the usage is; returns exit code 2.
 */
export function reportConfigErrors(io: CliIo, command: string, errors: InputError[]): number {
  for (const error of errors) io.stderr(commandError(command, formatInputError(io, error)));
  io.stderr(usageHint(command));
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
