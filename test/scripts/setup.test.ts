// The test setup's installs are quiet: whatever an install prints (npm, node-gyp, argon2's prebuild fetches) goes
// to its log under .cache/setup/, and one line with the duration is printed; a failed install shows the end of
// its log. Fresh installs are played by stand-ins that print as much as the real ones (the code-server install's
// log is ~460 lines): the mechanism is what runs, only the noise is made up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InstallError, runLogged } from '../../scripts/installLog.mjs';
import { aptCommand, runSetup } from '../../scripts/setup.mjs';

/** A command printing `lines` lines to stdout and stderr alike, then exiting with `code`. */
function noisyInstall(lines: number, code = 0): [string, string[]] {
  return [process.execPath, ['-e', `for (let i = 1; i <= ${lines}; i++) (i % 2 ? process.stdout : process.stderr).write('gyp info it worked if it ends with ok ' + i + '\\n'); process.exitCode = ${code};`]];
}

test('an install prints one line with its duration; everything it printed is in its log', () => {
  const logDirectory = mkdtempSync(join(tmpdir(), 'flaglens-setup-'));
  try {
    const printed: string[] = [];
    const [command, args] = noisyInstall(800);
    runLogged('code-server 4.100.3 installed into .cache/code-server', command, args, { logName: 'code-server', logDirectory, print: (line: string) => printed.push(line) });
    assert.equal(printed.length, 1);
    assert.match(printed[0], /^code-server 4\.100\.3 installed into \.cache\/code-server \(\d+ s, log: .*code-server\.log\)$/);
    assert.equal(readFileSync(join(logDirectory, 'code-server.log'), 'utf8').trimEnd().split('\n').length, 800);
  } finally {
    rmSync(logDirectory, { recursive: true, force: true });
  }
});

test('a failed install says so with its exit code and the end of its log, nothing else', () => {
  const logDirectory = mkdtempSync(join(tmpdir(), 'flaglens-setup-'));
  try {
    const printed: string[] = [];
    const [command, args] = noisyInstall(100, 3);
    assert.throws(
      () => runLogged('unleash-server 7.5.1 installed', command, args, { logName: 'unleash', logDirectory, print: (line: string) => printed.push(line) }),
      (error: unknown) => {
        assert.ok(error instanceof InstallError);
        assert.match(error.message, /^unleash-server 7\.5\.1 installed failed after \d+ s \(exit code 3\); the end of .*unleash\.log:\n/);
        const tail = error.message.split('\n').slice(1);
        assert.equal(tail.length, 40, 'the last 40 lines');
        assert.equal(tail[tail.length - 1], 'gyp info it worked if it ends with ok 100');
        assert.ok(!error.message.includes('ends with ok 60\n'), 'not the whole log');
        return true;
      },
    );
    assert.deepEqual(printed, []);
  } finally {
    rmSync(logDirectory, { recursive: true, force: true });
  }
});

test('a fresh setup prints one line per install, a second run one line in all; a failure stops it with exit code 1', () => {
  const logDirectory = mkdtempSync(join(tmpdir(), 'flaglens-setup-'));
  try {
    const installed = new Set<string>();
    const step = (label: string, lines: number) => ({
      label,
      done: () => installed.has(label),
      install: ({ print }: { print: (line: string) => void }) => {
        const [command, args] = noisyInstall(lines);
        runLogged(`${label} installed`, command, args, { logName: label.split(' ')[0], logDirectory, print });
        installed.add(label);
      },
    });
    // As noisy as the real ones: apt, code-server (node-gyp, argon2), unleash-server.
    const steps = [step('Debian packages', 200), step('code-server 4.100.3', 460), step('unleash-server 7.5.1', 300)];
    const fresh: string[] = [];
    assert.equal(runSetup(steps, { print: (line: string) => fresh.push(line), printError: (text: string) => fresh.push(text) }), 0);
    assert.deepEqual(fresh.map((line) => line.replace(/\(\d+ s, log: .*\)$/, '(…)')), ['Debian packages installed (…)', 'code-server 4.100.3 installed (…)', 'unleash-server 7.5.1 installed (…)']);
    const again: string[] = [];
    assert.equal(runSetup(steps, { print: (line: string) => again.push(line) }), 0);
    assert.deepEqual(again, ['setup: already installed: Debian packages, code-server 4.100.3, unleash-server 7.5.1']);

    const errors: string[] = [];
    const failing = [{ label: 'Debian packages', done: () => false, install: () => { throw new InstallError(`npm test needs Debian packages that are not installed: neovim. Install them once with:\n  ${aptCommand(['neovim'])}`); } }];
    assert.equal(runSetup(failing, { print: (line: string) => errors.push(line), printError: (text: string) => errors.push(text) }), 1);
    assert.deepEqual(errors, ["setup: npm test needs Debian packages that are not installed: neovim. Install them once with:\n  sudo sh -c 'apt-get update && apt-get install -y neovim'"]);
  } finally {
    rmSync(logDirectory, { recursive: true, force: true });
  }
});
