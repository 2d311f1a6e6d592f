// Two real `node` processes bump the same flagd file at the same moment: exactly one wins, the loser is told
// to retry, and the file stays valid and evaluable by flagd-core with the winner's percentage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFlagdText } from '../../core/src/state/flagdDocument.js';
import { evaluatedShare, temporaryWorkspace } from './helpers.js';

const script = join(__dirname, 'fixtures', 'bumpProcess.ts');

function runBumper(root: string, name: string): Promise<{ ok: boolean; reason?: string; message?: string; change?: { toPercentage: number } }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, root, 'checkout', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('exit', (code) => (code === 0 && out.trim() ? resolve(JSON.parse(out.trim())) : reject(new Error(`bumper ${name} exited ${code}: ${err}`))));
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the bump processes');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('two processes bumping one file at once: exactly one wins, no lost update, the file stays valid', { timeout: 60_000 }, async (t) => {
  const ws = temporaryWorkspace({ 'flags.flagd.json': '{\n  "flags": {\n    "checkout": {\n      "state": "ENABLED",\n      "variants": { "on": true, "off": false },\n      "defaultVariant": "off"\n    }\n  }\n}\n' });
  t.after(ws.cleanup);
  const file = join(ws.root, 'flags.flagd.json');
  const expectedSteps = [1, 10];
  for (const [round, expected] of expectedSteps.entries()) {
    for (const name of ['go', 'ready-a', 'ready-b']) rmSync(join(ws.root, name), { force: true });
    const outcomes = [runBumper(ws.root, 'a'), runBumper(ws.root, 'b')];
    await waitFor(() => existsSync(join(ws.root, 'ready-a')) && existsSync(join(ws.root, 'ready-b')), 30_000);
    writeFileSync(join(ws.root, 'go'), '');
    const results = await Promise.all(outcomes);
    const winners = results.filter((result) => result.ok);
    const losers = results.filter((result) => !result.ok);
    assert.equal(winners.length, 1, `round ${round}: exactly one winner, got ${JSON.stringify(results)}`);
    assert.equal(winners[0].change!.toPercentage, expected);
    t.diagnostic(`round ${round}: loser: ${losers[0].message}`);
    assert.equal(losers[0].reason, 'conflict');
    assert.match(losers[0].message!, /retry/);
    const text = readFileSync(file, 'utf8');
    const analysis = analyzeFlagdText(text, { file: 'flags.flagd.json', steps: [1, 10, 50, 100] });
    assert.deepEqual(analysis.errors, []);
    assert.equal(analysis.flags[0].state.percentage, expected, 'the winner’s write is what the file says');
    assert.ok(Math.abs(evaluatedShare(text, 'checkout') - expected) <= 1, 'flagd-core evaluates the written file');
    JSON.parse(text);
  }
  assert.deepEqual(readdirSync(ws.root).filter((name) => /lock|tmp/.test(name)), [], 'no lock or temp file is left');
});
