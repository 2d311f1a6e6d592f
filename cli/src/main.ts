// The `flaglens` command line: a thin front-end over the core (it never goes through the server).
// Commands are registered in one table; each lives in its own file under commands/.
import { basename } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { createHttpClient } from '../../core/src/http.js';
import { suggestKeys } from '../../core/src/rules/index.js';
import type { CliIo, Command } from './command.js';
import { commandError, ConfigurationError, describeUnexpectedError, usageHint, UsageError } from './command.js';
import { checkCommand } from './commands/check.js';
import { flagsCommand } from './commands/flags.js';
import { bumpCommand } from './commands/bump.js';
import { abortCommand } from './commands/abort.js';
import { watchCommand } from './commands/watch.js';
import { scanCommand } from './commands/scan.js';
import { cleanupCommand } from './commands/cleanup.js';
import { initCommand } from './commands/init.js';
import { FLAGLENS_VERSION } from '../../core/src/version.js';

/** The command table. Adding a command: one file in commands/ and one line here. */
export const commands: Command[] = [initCommand, scanCommand, checkCommand, flagsCommand, bumpCommand, abortCommand, watchCommand, cleanupCommand];

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'flaglens — feature-flag hygiene for TypeScript codebases',
    '',
    'Usage: flaglens <command> [options]   (flaglens <command> --help for details)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     this help (and `flaglens <command> --help`: the command\'s)',
    '  -v, --version  the version',
    '',
    'Exit codes: 0 success, 1 findings at or above --fail-on (or a refused write), 2 usage or config error.',
    '',
  ].join('\n');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.stdout(mainHelp());
    return 0;
  }
  if (!name) {
    io.stderr(mainHelp());
    return 2;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${FLAGLENS_VERSION}\n`);
    return 0;
  }
  const wanted = name === 'help' ? rest[0] : name;
  const command = commands.find((c) => c.name === wanted);
  if (!command) {
    const suggestions = suggestKeys(wanted, commands.map((c) => c.name));
    const hint = suggestions.length ? ` (did you mean '${suggestions[0]}'?)` : '';
    io.stderr(commandError(undefined, wanted.startsWith('-') ? `unknown option '${wanted}'` : `unknown command '${wanted}'${hint}`));
    io.stderr(usageHint(undefined));
    return 2;
  }
  if (name === 'help' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return 0;
  }
  // One HTTP client per run, owned here: commands receive it and it is closed when the command ends (its
  // keep-alive sockets would otherwise hold the process open for seconds).
  const http = io.http ?? createHttpClient();
  try {
    return await command.run(rest, io.http ? io : { ...io, http });
  } catch (error) {
    // One error style: `flaglens CMD: message`, then where the usage is; never the whole help, which would bury it.
    if (error instanceof UsageError) {
      io.stderr(commandError(command.name, error.message));
      io.stderr(usageHint(command.name));
      return 2;
    }
    if (error instanceof ConfigurationError) {
      for (const line of error.lines) io.stderr(commandError(command.name, line));
      io.stderr(usageHint(command.name));
      return 2;
    }
    // Never a stack trace for people: one line, and the details only when asked for.
    io.stderr(commandError(command.name, describeUnexpectedError(error)));
    if (io.env.FLAGLENS_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return 2;
  } finally {
    if (!io.http) await http.close().catch(() => undefined);
  }
}


/**
 * `flaglens` when this process was started as `flaglens` from a shell (its bin link on PATH), else
 * `npx flaglens`: the way a hint's command runs as shown. Under npm (`npx`, `npm run`, which set npm_command)
 * the bin link is found through node_modules/.bin, which a shell does not search.
 */
export function programNameOf(argv1: string | undefined, env: Record<string, string | undefined>): string {
  const startedAs = argv1 ? basename(argv1) : '';
  return startedAs === 'flaglens' && !env.npm_command ? 'flaglens' : 'npx flaglens';
}

function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    programName: programNameOf(process.argv[1], process.env),
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    isInteractive: Boolean(process.stdout.isTTY && process.stdin.isTTY),
    async prompt(question) {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}

/** Runs the command line of this process (dist/cli.js, after it installed the compiled-code cache); the exit code is set when it ends. */
export function runAsProcess(): void {
  runCli(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`flaglens: ${error}\n`);
      process.exitCode = 2;
    },
  );
}

if (require.main === module) runAsProcess();
