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

/** Thrown for bad usage; the dispatcher prints it with the command's usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
