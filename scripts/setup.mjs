// What `npm test` needs beyond `npm ci`, installed once and quietly: each install writes its output to a log
// under .cache/setup/ and prints one line with its duration; a failed one prints the end of its log.
//   - Debian packages the real-parts tests drive (as root; otherwise the one command to run is printed);
//   - code-server 4.100.3 into .cache/code-server (scripts/e2e/setup-code-server.sh), for the real-VS-Code test;
//   - unleash-server 7.5.1 into .cache/unleash, for the live-state tests.
// Idempotent: a second run checks and prints one line each. `node scripts/setup.mjs` runs it by hand.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { codeServerInstalled, installCodeServer } from './e2e/code-server.mjs';
import { InstallError, runLogged } from './installLog.mjs';
import { installUnleash, unleashInstalled } from './services/services.mjs';

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Debian packages of the tests: browsers, editors and servers they drive, and the tools they call. */
export const DEBIAN_PACKAGES = ['git', 'ca-certificates', 'python3', 'chromium', 'neovim', 'prometheus', 'postgresql', 'ripgrep', 'libkrb5-dev', 'strace', 'time'];

/** The Debian packages not installed (by dpkg); undefined when there is no dpkg (not Debian: nothing to check). */
export function missingDebianPackages(packages = DEBIAN_PACKAGES) {
  if (spawnSync('dpkg', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  return packages.filter((name) => spawnSync('dpkg', ['-s', name], { stdio: 'ignore' }).status !== 0);
}

/** The one command that installs `packages` (for people without root). */
export function aptCommand(packages) {
  return `sudo sh -c 'apt-get update && apt-get install -y ${packages.join(' ')}'`;
}

/** The steps of the setup, each `{ label, done(): boolean, install({ print }) }`: data, so a test can run fakes. */
export function setupSteps() {
  return [
    {
      // Not a Debian system: nothing to check with dpkg; the tests that need a tool say which.
      label: missingDebianPackages() === undefined ? 'Debian packages (no dpkg here: not checked)' : 'Debian packages',
      done: () => (missingDebianPackages() ?? []).length === 0,
      install({ print }) {
        const missing = missingDebianPackages() ?? [];
        if (process.getuid?.() !== 0) {
          throw new InstallError(`npm test needs Debian packages that are not installed: ${missing.join(', ')}. Install them once with:\n  ${aptCommand(missing)}`);
        }
        const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
        runLogged('apt-get update', 'apt-get', ['update', '-q'], { logName: 'apt-update', env, print: () => undefined });
        runLogged(`Debian packages installed: ${missing.join(' ')}`, 'apt-get', ['install', '-y', '-q', ...missing], { logName: 'apt-install', env, print });
      },
    },
    { label: 'code-server 4.100.3', done: codeServerInstalled, install: ({ print }) => installCodeServer({ print }) },
    { label: 'unleash-server 7.5.1', done: unleashInstalled, install: ({ print }) => installUnleash({ print }) },
  ];
}

/** Runs the steps: one line each (already there, or installed with its duration). Returns the exit code. */
export function runSetup(steps = setupSteps(), { print = (line) => console.log(line), printError = (text) => console.error(text) } = {}) {
  const ready = [];
  for (const step of steps) {
    if (step.done()) {
      ready.push(step.label);
      continue;
    }
    try {
      step.install({ print });
    } catch (error) {
      if (!(error instanceof InstallError)) throw error;
      printError(`setup: ${error.message}`);
      return 1;
    }
  }
  if (ready.length) print(`setup: already installed: ${ready.join(', ')}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = runSetup();
