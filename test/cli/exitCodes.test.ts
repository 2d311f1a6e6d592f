// The README's exit-code table, one test per command: 0, 1 (where the command has it) and 2, including a state
// file flaglens.yaml names that does not exist (a configuration error: 2 from every command, reported where it
// is named). Also: every command shows `-h, --help`, and every error is one line in the one style.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { commands } from '../../cli/src/main.js';
import { flagdFile, makeWorkspace, openFeatureSource, runFlaglens, type CliRun } from './cliHarness.js';

/** A workspace whose flaglens.yaml names a state file that is not there. */
function missingStateFile(): string {
  return makeWorkspace({ 'flaglens.yaml': '# state lives elsewhere\nstate:\n  flagd: flags/missing.flagd.yaml\n', 'src/a.ts': openFeatureSource(['new-checkout']) });
}

function assertMissingStateFile(run: CliRun, command: string): void {
  assert.equal(run.code, 2, `${command}: ${run.stdout}${run.stderr}`);
  assert.match(run.stderr, new RegExp(`^flaglens ${command}: .*flaglens\\.yaml:3:10: flagd file flags/missing\\.flagd\\.yaml does not exist \\(named in flaglens\\.yaml state\\.flagd\\)$`, 'm'), command);
  assert.match(run.stderr, new RegExp(`\\nRun 'flaglens ${command} --help' for usage\\.\\n$`), command);
}

/** A usage error is two lines: the message, then where the usage is (never the whole help). */
function assertUsageError(run: CliRun, command: string, message: RegExp): void {
  assert.equal(run.code, 2, `${command}: ${run.stderr}`);
  const lines = run.stderr.split('\n');
  assert.equal(lines.length, 3, run.stderr);
  assert.match(lines[0], new RegExp(`^flaglens ${command}: ${message.source}`));
  assert.equal(lines[1], `Run 'flaglens ${command} --help' for usage.`);
}

const released = () => makeWorkspace({ 'flags.flagd.yaml': flagdFile({ 'new-checkout': { percentage: 10 }, 'old-promo': { percentage: 0 } }), 'src/a.ts': openFeatureSource(['new-checkout']) });

test('init: 0 printed or written, 1 an existing flaglens.yaml without --force, 2 usage and configuration errors', async () => {
  const root = released();
  assert.equal((await runFlaglens(['init', root, '--print'])).code, 0);
  assert.equal((await runFlaglens(['init', root, '--yes'])).code, 0);
  assert.equal((await runFlaglens(['init', root, '--yes'])).code, 1);
  assertUsageError(await runFlaglens(['init', root, '--bogus']), 'init', /unknown option '--bogus'$/);
  assertMissingStateFile(await runFlaglens(['init', missingStateFile(), '--print']), 'init');
});

test('scan: 0 listed, 2 usage and configuration errors', async () => {
  const root = released();
  assert.equal((await runFlaglens(['scan', root])).code, 0);
  assertUsageError(await runFlaglens(['scan', join(root, 'nowhere')]), 'scan', /folder '.*nowhere' does not exist$/);
  assertUsageError(await runFlaglens(['scan', root, '--format']), 'scan', /option '--format' needs a value$/);
  assertMissingStateFile(await runFlaglens(['scan', missingStateFile()]), 'scan');
});

test('check: 0 clean, 1 findings at or above --fail-on, 2 usage and configuration errors', async () => {
  const root = released();
  assert.equal((await runFlaglens(['check', root])).code, 0);
  writeFileSync(join(root, 'src/b.ts'), openFeatureSource(['new-chekout']));
  assert.equal((await runFlaglens(['check', root])).code, 1);
  assert.equal((await runFlaglens(['check', root, '--fail-on', 'never'])).code, 0);
  assertUsageError(await runFlaglens(['check', root, '--format', 'xml']), 'check', /--format must be text, json, sarif, github or markdown, got 'xml'$/);
  assertMissingStateFile(await runFlaglens(['check', missingStateFile()]), 'check');
});

test('flags: 0 listed, 2 usage and configuration errors', async () => {
  const root = released();
  assert.equal((await runFlaglens(['flags', root])).code, 0);
  assertUsageError(await runFlaglens(['flags', root, 'extra']), 'flags', /too many arguments: expected \[DIR\], got '.* extra'$/);
  assertMissingStateFile(await runFlaglens(['flags', missingStateFile()]), 'flags');
});

test('bump: 0 bumped, 1 refused, 2 usage and configuration errors', async () => {
  const root = released();
  assert.equal((await runFlaglens(['bump', 'new-checkout', root, '--yes'])).code, 0);
  const unknown = await runFlaglens(['bump', 'new-chekout', root, '--yes']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^flaglens bump: unknown flag 'new-chekout' .*did you mean 'new-checkout'\?$/m);
  assertUsageError(await runFlaglens(['bump']), 'bump', /missing KEY: the flag to bump$/);
  assertMissingStateFile(await runFlaglens(['bump', 'new-checkout', missingStateFile(), '--yes']), 'bump');
});

test('abort: 0 aborted, 1 refused, 2 usage and configuration errors', async () => {
  const root = released();
  assert.equal((await runFlaglens(['abort', 'new-checkout', root, '--reason', 'errors up', '--yes'])).code, 0);
  assert.equal((await runFlaglens(['abort', 'nope', root, '--reason', 'errors up', '--yes'])).code, 1);
  assertUsageError(await runFlaglens(['abort', 'new-checkout', root, '--yes']), 'abort', /--reason TEXT is required/);
  assertMissingStateFile(await runFlaglens(['abort', 'new-checkout', missingStateFile(), '--reason', 'x', '--yes']), 'abort');
});

test('watch: 0 stopped without aborting, 1 another watch holds the flag, 2 usage and configuration errors', async () => {
  // Prometheus at a closed port: the flag is off, so the watch stops after one look (exit 0).
  const metrics = 'metrics:\n  prometheus: { url: http://127.0.0.1:1 }\n  checks:\n    - { name: errors, query: "x", max: 1 }\n';
  const root = makeWorkspace({ 'flaglens.yaml': metrics, 'flags.flagd.yaml': flagdFile({ 'old-promo': { percentage: 0 } }) });
  const stopped = await runFlaglens(['watch', 'old-promo', root, '--interval', '0.1', '--max-evaluations', '1']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, /stopped watching old-promo: the rollout is off \(0%\)/);
  const lease = join(root, '.flaglens', 'watch', 'old-promo.json');
  mkdirSync(dirname(lease), { recursive: true });
  const now = Date.parse('2026-11-27T12:00:00Z');
  writeFileSync(lease, JSON.stringify({ version: 1, key: 'old-promo', mode: 'abort', pid: 1, hostname: 'elsewhere', startedAt: new Date(now).toISOString(), refreshedAt: new Date(now).toISOString(), expiresAt: new Date(now + 3_600_000).toISOString() }));
  assert.equal((await runFlaglens(['watch', 'old-promo', root, '--max-evaluations', '1'])).code, 1);
  assertUsageError(await runFlaglens(['watch', 'old-promo', root, '--interval']), 'watch', /option '--interval' needs a value$/);
  const noMetrics = await runFlaglens(['watch', 'old-promo', released()]);
  assert.equal(noMetrics.code, 2);
  assert.match(noMetrics.stderr, /^flaglens watch: no metrics configured/);
  const missing = missingStateFile();
  writeFileSync(join(missing, 'flaglens.yaml'), `${readFileSync(join(missing, 'flaglens.yaml'), 'utf8')}${metrics}`);
  assertMissingStateFile(await runFlaglens(['watch', 'new-checkout', missing, '--max-evaluations', '1']), 'watch');
});

const checkoutSource = [
  "import { OpenFeature } from '@openfeature/server-sdk';",
  'const client = OpenFeature.getClient();',
  'export function checkout(): string {',
  "  if (client.getBooleanValue('new-checkout', false)) return 'new';",
  "  return 'classic';",
  '}',
  '',
].join('\n');

test('cleanup: 0 diff or written, 1 a refused write, 2 usage and configuration errors', async () => {
  const root = makeWorkspace({ 'flags.flagd.yaml': flagdFile({ 'new-checkout': { percentage: 100 } }), 'src/a.ts': checkoutSource });
  const diff = await runFlaglens(['cleanup', 'new-checkout', root, '--keep-definition']);
  assert.equal(diff.code, 0, diff.stderr);
  assert.match(diff.stdout, /^-  if \(client\.getBooleanValue\('new-checkout', false\)\) return 'new';$/m);
  // A source file that is a link to a file outside the workspace: the write is refused, nothing is written.
  const outside = makeWorkspace({ 'shared.ts': checkoutSource });
  symlinkSync(join(outside, 'shared.ts'), join(root, 'src/linked.ts'));
  const refused = await runFlaglens(['cleanup', 'new-checkout', root, '--keep-definition', '--write']);
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /^flaglens cleanup: nothing was written: .*outside the workspace/m);
  assert.equal(readFileSync(join(outside, 'shared.ts'), 'utf8'), checkoutSource);
  assert.equal(readFileSync(join(root, 'src/a.ts'), 'utf8'), checkoutSource, 'all or nothing: the file inside is not written either');
  assertUsageError(await runFlaglens(['cleanup', root, '--diff', '--write', 'new-checkout']), 'cleanup', /--diff and --write exclude each other$/);
  assertMissingStateFile(await runFlaglens(['cleanup', '--stale', missingStateFile()]), 'cleanup');
});

test('every command documents -h, --help, and the same error reads the same everywhere', async () => {
  for (const command of commands) {
    const help = await runFlaglens([command.name, '-h']);
    assert.equal(help.code, 0, command.name);
    assert.match(help.stdout, /^ {2}-h, --help +this help$/m, `${command.name} --help shows -h, --help`);
    const takesKey = ['bump', 'abort', 'watch', 'cleanup'].includes(command.name);
    const folder = await runFlaglens([command.name, ...(takesKey ? ['some-key'] : []), '/nonexistent/folder', ...(command.name === 'abort' ? ['--reason', 'x'] : [])]);
    assert.equal(folder.code, 2, command.name);
    assert.match(folder.stderr, new RegExp(`^flaglens ${command.name}: folder '/nonexistent/folder' does not exist\\nRun 'flaglens ${command.name} --help' for usage\\.\\n$`), `${command.name}: ${folder.stderr}`);
    const bogus = await runFlaglens([command.name, '--bogus']);
    assert.equal(bogus.stderr, `flaglens ${command.name}: unknown option '--bogus'\nRun 'flaglens ${command.name} --help' for usage.\n`, command.name);
  }
  const unknown = await runFlaglens(['chek']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, "flaglens: unknown command 'chek' (did you mean 'check'?)\nRun 'flaglens --help' for usage.\n");
  assert.match((await runFlaglens(['--help'])).stdout, /^ {2}-h, --help /m);
});
