// Honest summaries: without flag definitions the reports say so and which rules are off, `flags` still lists
// the keys code checks (stage `undefined`), and FL003 says "never was" only when a full git history was read
// (not in a copy without git, not in a shallow clone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagdFile, makeWorkspace, openFeatureSource, runFlaglens } from './cliHarness.js';

const OFF_RULES = 'FL001, FL002, FL003, FL004, FL006, FL008 and FL009 are off';

test('check without flag definitions says so, names the rules that are off, and points at init', async () => {
  const root = makeWorkspace({ 'src/a.ts': openFeatureSource(['new-checkout', 'beta']) });
  const text = await runFlaglens(['check', root]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /· 0 flags, 2 checks in 1 file\n\nNo flag definitions found \(flagd files, Unleash\): FL001, FL002, FL003, FL004, FL006, FL008 and FL009 are off\. Add a flagd file \(\*\.flagd\.yaml\) or a `state:` section to flaglens\.yaml\./);
  assert.match(text.stdout, /\nNext: npx flaglens init \S+ {3}\(no flaglens\.yaml: proposes the team's own flag checks/);
  const json = JSON.parse((await runFlaglens(['check', root, '--format', 'json'])).stdout);
  assert.equal(json.definitionsFound, false);
  assert.match(json.notices[0], new RegExp(OFF_RULES));
  const github = (await runFlaglens(['check', root, '--format', 'github'])).stdout;
  assert.match(github, /^::notice title=Flaglens::no flag definitions found/m);
  const sarif = JSON.parse((await runFlaglens(['check', root, '--format', 'sarif'])).stdout);
  assert.match(sarif.runs[0].invocations[0].toolExecutionNotifications[0].message.text, new RegExp(OFF_RULES));
  assert.match((await runFlaglens(['check', root, '--format', 'markdown'])).stdout, /> \*\*Note\*\*: no flag definitions found/);

  // With definitions there is no such notice.
  const defined = makeWorkspace({ 'src/a.ts': openFeatureSource(['new-checkout']), 'flags.flagd.yaml': flagdFile({ 'new-checkout': { percentage: 10 } }) });
  const withState = await runFlaglens(['check', defined, '--format', 'json']);
  assert.equal(JSON.parse(withState.stdout).definitionsFound, true);
  assert.doesNotMatch((await runFlaglens(['check', defined])).stdout, /No flag definitions found/);
});

test('flags without flag definitions lists the keys code checks, with stage undefined, and agrees with scan', async () => {
  const root = makeWorkspace({ 'src/a.ts': openFeatureSource(['new-checkout', 'beta', 'beta']) });
  const scan = JSON.parse((await runFlaglens(['scan', root, '--format', 'json'])).stdout);
  assert.equal(scan.references.length, 3);
  const flags = await runFlaglens(['flags', root]);
  assert.equal(flags.code, 0, flags.stderr);
  assert.match(flags.stdout, /^beta +undefined +— +— +— +2 +—$/m);
  assert.match(flags.stdout, /^new-checkout +undefined +— +— +— +1 +—$/m);
  assert.match(flags.stdout, new RegExp(`No flag definitions found .*${OFF_RULES}`));
  const json = JSON.parse((await runFlaglens(['flags', root, '--format', 'json'])).stdout);
  assert.deepEqual(json.flags.map((flag: { key: string; stage: string; references: number }) => `${flag.key} ${flag.stage} ${flag.references}`), ['beta undefined 2', 'new-checkout undefined 1']);
  assert.equal(json.definitionsFound, false);

  const empty = await runFlaglens(['flags', makeWorkspace({ 'src/a.ts': 'export const x = 1;\n' })]);
  assert.match(empty.stdout, /No flags: no flag definitions were found and no code checks a flag \(1 file scanned\)\.\n/);
  assert.match(empty.stdout, /To find the team's own flag checks: npx flaglens init /);
});

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, stdio: 'pipe' });

function fl003(stdout: string): string {
  const report = JSON.parse(stdout) as { findings: Array<{ code: string; message: string; data: { historyRead?: boolean } }> };
  const finding = report.findings.find((candidate) => candidate.code === 'FL003');
  assert.ok(finding, 'an FL003 finding');
  return `${finding.message} | history ${finding.data.historyRead}`;
}

test('FL003 says "never was" only when the state file\'s full git history was read', async () => {
  const files = { 'src/a.ts': openFeatureSource(['new-checkout', 'new-chekout']), 'flags.flagd.yaml': flagdFile({ 'new-checkout': { percentage: 10 } }) };
  // A copy without git: nothing is known about removals.
  const copy = makeWorkspace(files);
  assert.equal(fl003((await runFlaglens(['check', copy, '--format', 'json', '--fail-on', 'never'])).stdout), "'new-chekout' is not in the flag definitions; did you mean 'new-checkout'? | history false");

  // A repository with the state file's history: it never was defined.
  const repository = makeWorkspace(files);
  git(repository, 'init', '-q');
  git(repository, 'add', '-A');
  git(repository, 'commit', '-qm', 'one');
  git(repository, 'commit', '-q', '--allow-empty', '-m', 'two');
  assert.equal(fl003((await runFlaglens(['check', repository, '--format', 'json', '--fail-on', 'never'])).stdout), "'new-chekout' is not in the flag definitions and never was; did you mean 'new-checkout'? | history true");

  // A shallow clone of it: the history stops early, so "never was" is not claimed.
  const scratch = mkdtempSync(join(tmpdir(), 'flaglens-shallow-'));
  try {
    const shallow = join(scratch, 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repository}`, shallow], { stdio: 'pipe' });
    assert.equal(execFileSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: shallow, encoding: 'utf8' }).trim(), 'true');
    assert.equal(fl003((await runFlaglens(['check', shallow, '--format', 'json', '--fail-on', 'never'])).stdout), "'new-chekout' is not in the flag definitions; did you mean 'new-checkout'? | history false");
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
