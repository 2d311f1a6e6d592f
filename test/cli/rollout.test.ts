// `flaglens bump` and `flaglens abort` end to end on a temporary copy of the example's flagd file: from → to,
// confirmation (--yes, a terminal prompt, or a refusal without one), and refusals with exit 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, runFlaglens } from './cliHarness.js';

const exampleFlags = join(__dirname, '../../examples/shop/flags.flagd.yaml');

function exampleCopy(): { root: string; file: string; read: () => string } {
  const root = makeWorkspace({});
  const file = join(root, 'flags.flagd.yaml');
  copyFileSync(exampleFlags, file);
  return { root, file, read: () => readFileSync(file, 'utf8') };
}

async function flagRow(root: string, key: string): Promise<{ stage: string; percentage: number | null; enabled: boolean }> {
  const listing = await runFlaglens(['flags', root, '--format', 'json']);
  assert.equal(listing.code, 0, listing.stderr);
  return JSON.parse(listing.stdout).flags.find((flag: { key: string }) => flag.key === key);
}

test('bump --yes moves to the next ladder step, then --to, and the file stays readable', async () => {
  const { root } = exampleCopy();
  const first = await runFlaglens(['bump', 'fast-search', root, '--yes']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^fast-search: rolling 10% → rolling 50% \(.*flags\.flagd\.yaml:\d+:3\)\nDone: fast-search rolling 10% → rolling 50%\n$/);
  const afterFirst = await flagRow(root, 'fast-search');
  assert.equal(afterFirst.stage, 'rolling');
  assert.equal(afterFirst.percentage, 50);
  const second = await runFlaglens(['bump', 'fast-search', root, '--to', '100', '--yes']);
  assert.equal(second.code, 0, second.stderr);
  const row = await flagRow(root, 'fast-search');
  assert.equal(row.stage, 'released');
  assert.equal(row.percentage, 100);
});

test('abort --yes sends everyone the off variant and records the reason', async () => {
  const { root, read } = exampleCopy();
  const result = await runFlaglens(['abort', 'one-click-pay', root, '--reason', 'payment errors up', '--yes']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /one-click-pay: rolling 50% → off 0%/);
  const row = await flagRow(root, 'one-click-pay');
  assert.equal(row.percentage, 0);
  assert.match(read(), /abortReason: "?payment errors up"?/);
  assert.doesNotMatch(read().split('one-click-pay:')[1].split('beta-dashboard:')[0], /DISABLED/, 'abort does not disable the flag');
});

test('confirmation: refused without a terminal or --yes (exit 2), asked on a terminal, nothing written on "no"', async () => {
  const { root, read } = exampleCopy();
  const before = read();
  const headless = await runFlaglens(['bump', 'fast-search', root]);
  assert.equal(headless.code, 2);
  assert.match(headless.stderr, /without confirmation.*--yes/);
  assert.equal(read(), before);

  const declined = await runFlaglens(['bump', 'fast-search', root], { interactive: { answers: ['n'] } });
  assert.equal(declined.code, 1);
  assert.deepEqual(declined.prompts, ["Bump 'fast-search'? [y/N] "]);
  assert.equal(read(), before);

  const accepted = await runFlaglens(['abort', 'recommendations-v2', root, '--reason', 'latency'], { interactive: { answers: ['y'] } });
  assert.equal(accepted.code, 0, accepted.stderr);
  assert.notEqual(read(), before);
});

test('refusals exit 1 with a clear message: targeted flags, unknown keys; bad values are usage errors', async () => {
  const { root, read } = exampleCopy();
  const before = read();
  const targeted = await runFlaglens(['bump', 'beta-dashboard', root, '--yes']);
  assert.equal(targeted.code, 1);
  assert.match(targeted.stderr, /refused: .*beta-dashboard.*targeted/);
  const unknown = await runFlaglens(['abort', 'fast-serch', root, '--reason', 'x', '--yes']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown flag 'fast-serch'.*did you mean 'fast-search'\?/);
  const released = await runFlaglens(['bump', 'new-checkout', root, '--yes']);
  assert.equal(released.code, 1);
  assert.match(released.stderr, /already at 100%/);
  assert.equal((await runFlaglens(['bump', 'fast-search', root, '--to', 'lots', '--yes'])).code, 2);
  assert.equal((await runFlaglens(['bump', 'fast-search', root, '--to', '150', '--yes'])).code, 2);
  assert.equal((await runFlaglens(['abort', 'fast-search', root, '--yes'])).code, 2, '--reason is required');
  assert.equal((await runFlaglens(['bump'])).code, 2, 'KEY is required');
  assert.equal(read(), before);
});
