// The first screen of `npm test` is readable: before the first test result it prints npm's own script lines, the
// build and one line per install (or one "already installed" line), fewer than 100 lines in all. Runs the real
// `npm test` on one small test file (build, setup, runner): on a machine where the setup still has to install,
// this run does it, quietly, and is measured the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

test('npm test prints fewer than 100 lines before the first test result, none of them install noise', { timeout: 900_000 }, () => {
  // Without NODE_TEST_CONTEXT, which would make the inner runner report to this one instead of to the screen.
  const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
  const run = spawnSync('npm', ['test', '--', 'test/core/globList.test.ts'], { cwd: root, encoding: 'utf8', env: { ...env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  const lines = `${run.stdout}`.split('\n');
  const first = lines.findIndex((line) => /^[✔✖▶] /.test(line));
  assert.ok(first > 0, `a test result in:\n${run.stdout}`);
  const before = lines.slice(0, first);
  assert.ok(before.length < 100, `${before.length} lines before the first result:\n${before.join('\n')}`);
  // Only npm's script lines, blank lines and the setup's one line per install.
  const noise = before.filter((line) => line.trim() !== '' && !/^> /.test(line) && !/^setup: already installed: /.test(line) && !/ installed .*\(\d+ s, log: .*\)$/.test(line));
  assert.deepEqual(noise, []);
  assert.doesNotMatch(run.stderr, /gyp|prebuild|argon2/);
});
