// The one way the test setup installs things: the install's output goes to a log under .cache/setup/ and one
// line with its duration is printed; when it fails, the end of the log is in the error. Used by scripts/setup.mjs,
// scripts/e2e/code-server.mjs (code-server) and scripts/services/services.mjs (Unleash, Debian packages).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const setupLogDirectory = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), '.cache', 'setup');

/** Lines of a failed install's log shown: enough for the error, not the whole build. */
const TAIL_LINES = 40;

export class InstallError extends Error {}

/**
 * Runs one install with its output in `<logDirectory>/<logName>.log`; prints `label (N s, log: …)` when done.
 * A failure throws an InstallError whose message ends with the log's last lines.
 */
export function runLogged(label, command, args, { logName, cwd = process.cwd(), env = process.env, print = (line) => console.log(line), logDirectory = setupLogDirectory } = {}) {
  mkdirSync(logDirectory, { recursive: true });
  const logFile = join(logDirectory, `${logName}.log`);
  const started = Date.now();
  const log = openSync(logFile, 'w');
  let result;
  try {
    result = spawnSync(command, args, { cwd, env, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const shownLog = relative(process.cwd(), logFile) || logFile;
  if (result.error || result.status !== 0) {
    const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
    const why = result.error ? result.error.message : `exit code ${result.status ?? result.signal}`;
    throw new InstallError(`${label} failed after ${seconds} s (${why}); the end of ${shownLog}:\n${tail}`);
  }
  print(`${label} (${seconds} s, log: ${shownLog})`);
}

