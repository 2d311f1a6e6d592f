// Bad input around the check: a malformed flagd file is an error with its position (exit 1 by default, listed
// under "errors" in JSON), never a crash, and its flags are not reported as unknown keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeWorkspace } from '../../core/src/workspace.js';
import { nodeFileSystem, nodeFileWriter, nodeGitHost } from '../../core/src/nodeIo.js';
import { systemTimers } from '../../core/src/io.js';
import { noTokens } from '../../core/src/trust.js';
import { makeWorkspace, openFeatureSource, runFlaglens } from './cliHarness.js';

const brokenFlags = ['flags:', '  a:', '    state: ENABLED', '    variants: { "on": true, "off": false }', '    defaultVariant: "on"', '  b: [unclosed', ''].join('\n');

test('a malformed flagd file is reported at its position and fails the check, without FL003 noise', async () => {
  const root = makeWorkspace({ 'flags.flagd.yaml': brokenFlags, 'src/a.ts': openFeatureSource(['a']) });
  const result = await runFlaglens(['check', root, '--format', 'json']);
  assert.equal(result.code, 1);
  const report = JSON.parse(result.stdout);
  assert.equal(report.errors.length, 1);
  assert.equal(report.errors[0].file, 'flags.flagd.yaml');
  assert.ok(report.errors[0].line >= 6, `line ${report.errors[0].line}`);
  assert.deepEqual(report.findings, []);
  assert.equal((await runFlaglens(['check', root, '--fail-on', 'never'])).code, 0);
  const text = await runFlaglens(['check', root]);
  assert.match(text.stdout, /^flags\.flagd\.yaml:\d+:\d+: error invalid YAML/m);
});

test('analyzeWorkspace: config errors stop everything; a good workspace yields scan, state, findings and flags', async () => {
  const now = { now: () => new Date('2026-11-27T12:00:00Z') };
  const base = { fs: nodeFileSystem, git: nodeGitHost, clock: now, timers: systemTimers, writer: nodeFileWriter, tokens: noTokens, allowNetwork: false };
  const invalid = makeWorkspace({ 'flaglens.yaml': 'rollout: { steps: [50, 10] }\n', 'flags.flagd.yaml': brokenFlags, 'src/a.ts': openFeatureSource(['a']) });
  const stopped = await analyzeWorkspace({ ...base, root: invalid });
  assert.equal(stopped.configErrors.length, 1);
  assert.match(stopped.configErrors[0].message, /strictly increasing/);
  assert.deepEqual([stopped.scan.references.length, stopped.state.flags.length, stopped.findings.length, stopped.flags.length], [0, 0, 0, 0]);

  const good = makeWorkspace({ 'flags.flagd.yaml': brokenFlags.replace('  b: [unclosed\n', ''), 'src/a.ts': openFeatureSource(['a', 'zz']) });
  const analysis = await analyzeWorkspace({ ...base, root: good });
  assert.deepEqual(analysis.configErrors, []);
  assert.equal(analysis.scan.references.length, 2);
  assert.deepEqual(analysis.state.flags.map((flag) => `${flag.key} ${flag.stage}`), ['a released']);
  assert.deepEqual(analysis.findings.map((finding) => `${finding.code} ${finding.key}`), ['FL003 zz']);
  assert.deepEqual(analysis.flags.map((flag) => `${flag.key} ${flag.references} ${flag.findings.join(',')}`), ['a 1 ', 'zz 1 FL003']);
});
