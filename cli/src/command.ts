// The contract every CLI command implements, and the IO a command receives, so commands can be
// tested in-process (tests pass a recording CliIo) and the dispatcher stays one table in main.ts.
import type { HttpTransport } from '../../core/src/http.js';

export interface CliIo {
  /** Current working directory (absolute). */
  cwd: string;
  env: Record<string, string | undefined>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stdout/stdin are an interactive terminal (confirmation prompts, colours). */
  isInteractive: boolean;
  /** Asks a question on the terminal; resolves to the answer (only called when isInteractive). */
  prompt(question: string): Promise<string>;
  /** The HTTP client of this run (Prometheus); `runCli` provides one and closes it when the command ends. */
  http?: HttpTransport;
  /**
   * How to run Flaglens again, for hints such as "Next: …": `flaglens` when the process was started as
   * `flaglens` (a global install or a PATH that has it), else `npx flaglens` (default), which runs as shown
   * in a project that depends on Flaglens.
   */
  programName?: string;
}

export interface Command {
  name: string;
  /** One line for `flaglens --help`. */
  summary: string;
  /** Full `flaglens NAME --help` text: usage line, options, exit codes. */
  help: string;
  /** Returns the process exit code: 0 success, 1 findings/refused, 2 usage or config error. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/**
 * Thrown when the configuration around a command is unusable (FLAGLENS_TRUST, the user config file, a token not
 * trusted for its server); the dispatcher prints each line (`flaglens CMD: file:line:column: message`) and exits 2.
 */
export class ConfigurationError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'ConfigurationError';
  }
}

/** Thrown for bad usage; the dispatcher prints `flaglens CMD: message` and where the usage is, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One line for an error nobody anticipated (a bug, or input that defeats a guard). */
export function describeUnexpectedError(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'internal error: the input is nested too deeply to analyse (set FLAGLENS_DEBUG=1 for details)';
  const message = error instanceof Error ? error.message : String(error);
  return `internal error: ${message.split('\n')[0]} (set FLAGLENS_DEBUG=1 for details)`;
}

/** The one error style: `flaglens CMD: message` (the message starting with `file:line:column:` where there is a place). */
export function commandError(command: string | undefined, message: string): string {
  return `flaglens${command ? ` ${command}` : ''}: ${message}\n`;
}

/** The line after a usage or configuration error: where the usage is explained. */
export function usageHint(command: string | undefined): string {
  return `Run 'flaglens${command ? ` ${command}` : ''} --help' for usage.\n`;
}

/** How a hint names the command line: `npx flaglens check .`, or `flaglens check .` when started as `flaglens`. */
export function hintCommand(io: Pick<CliIo, 'programName'>, rest: string): string {
  return `${io.programName ?? 'npx flaglens'} ${rest}`;
}

/** ` DIR` as the person typed it (quoted when it has spaces), or nothing for the current folder: for hints. */
export function directoryArgument(directory: string | undefined): string {
  return directory === undefined ? '' : ` ${/\s/.test(directory) ? JSON.stringify(directory) : directory}`;
}
