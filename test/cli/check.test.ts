// `flaglens check` end to end in-process on temporary workspaces: exit codes by --fail-on, the JSON contract,
// usage and config errors (exit 2, file:line:column), and the code-review mode in a real git repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flagdFile, makeWorkspace, openFeatureSource, runFlaglens } from './cliHarness.js';

const flags = flagdFile({
  'old-flag': { percentage: 100, releasedAt: '2026-01-05T00:00:00Z' },
  'rolling-flag': { percentage: 10 },
});

test('exit codes follow --fail-on: warnings fail by default, errors always, never never', async () => {
  const clean = makeWorkspace({ 'flags.flagd.yaml': flags, 'src/a.ts': openFeatureSource(['rolling-flag', 'old-flag']).replace("'old-flag'", "'rolling-flag'") });
  assert.equal((await runFlaglens(['check', clean])).code, 0, 'no findings');

  const stale = makeWorkspace({ 'flags.flagd.yaml': flags, 'src/a.ts': openFeatureSource(['rolling-flag', 'old-flag']) });
  const byDefault = await runFlaglens(['check', stale]);
  assert.equal(byDefault.code, 1, byDefault.stdout + byDefault.stderr);
  assert.match(byDefault.stdout, /src\/a\.ts\n  4:\d+ +warning  FL001  'old-flag' has been fully released for 326 days/);
  assert.equal((await runFlaglens(['check', stale, '--fail-on', 'error'])).code, 0, 'a warning does not reach error');

  const typo = makeWorkspace({ 'flags.flagd.yaml': flags, 'src/a.ts': openFeatureSource(['rolling-flg']) });
  const json = await runFlaglens(['check', typo, '--format', 'json', '--fail-on', 'error']);
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout);
  assert.deepEqual(
    report.findings.map((f: { code: string; severity: string; key: string; file: string; line: number }) => [f.code, f.severity, f.key, f.file, f.line]),
    [
      ['FL004', 'info', 'old-flag', 'flags.flagd.yaml', 2],
      ['FL004', 'info', 'rolling-flag', 'flags.flagd.yaml', 12],
      ['FL003', 'error', 'rolling-flg', 'src/a.ts', 3],
    ],
  );
  assert.equal(report.flags, 2);
  assert.equal(report.references, 1);
  assert.equal((await runFlaglens(['check', typo, '--fail-on', 'never'])).code, 0);
});

test('usage and configuration errors exit 2; config errors name file:line:column and nothing is checked', async () => {
  const root = makeWorkspace({ 'flaglens.yaml': 'stale:\n  releasedDays: lots\n', 'src/a.ts': openFeatureSource(['x']) });
  const result = await runFlaglens(['check', '.'], { cwd: root });
  assert.equal(result.code, 2);
  // One error style: `flaglens CMD: file:line:column: message`, then where the usage is (never the whole help).
  assert.match(result.stderr, /^flaglens check: flaglens\.yaml:2:17: stale\.releasedDays must be a number/m);
  assert.match(result.stderr, /\nRun 'flaglens check --help' for usage\.\n$/);
  assert.equal(result.stdout, '');
  assert.equal((await runFlaglens(['check', root, '--format', 'xml'])).code, 2);
  assert.equal((await runFlaglens(['check', root, '--fail-on', 'sometimes'])).code, 2);
  assert.equal((await runFlaglens(['check', join(root, 'missing')])).code, 2);
  const bogus = await runFlaglens(['check', '--bogus']);
  assert.equal(bogus.code, 2);
  assert.equal(bogus.stderr, "flaglens check: unknown option '--bogus'\nRun 'flaglens check --help' for usage.\n");
  const help = await runFlaglens(['check', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--changed-since REF/);
});

test('--changed-since keeps findings on added or changed lines and in untracked files, in a real git repository', async () => {
  const root = makeWorkspace({ 'flags.flagd.yaml': flags, 'src/a.ts': openFeatureSource(['old-flag', 'rolling-flag']) });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', ...args], { cwd: root, stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  // A new check of the already stale flag on an added line, and a new untracked file checking it too.
  appendFileSync(join(root, 'src/a.ts'), "export const again = client.getBooleanValue('old-flag', false);\n");
  writeFileSync(join(root, 'src/b.ts'), openFeatureSource(['old-flag']));

  const all = JSON.parse((await runFlaglens(['check', root, '--format', 'json'])).stdout);
  assert.equal(all.findings.filter((f: { code: string }) => f.code === 'FL001').length, 3);

  const review = await runFlaglens(['check', root, '--format', 'json', '--changed-since', 'HEAD']);
  assert.equal(review.code, 1);
  const kept = JSON.parse(review.stdout).findings.map((f: { code: string; file: string; line: number }) => `${f.code} ${f.file}:${f.line}`);
  assert.deepEqual(kept, ['FL001 src/a.ts:5', 'FL001 src/b.ts:3'], 'the old check on line 3 of a.ts is not reported');

  const unknownRef = await runFlaglens(['check', root, '--changed-since', 'no-such-ref']);
  assert.equal(unknownRef.code, 2);
  assert.match(unknownRef.stderr, /'no-such-ref' is not a git commit/);
});
