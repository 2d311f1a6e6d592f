// One file that defeats the parser (20,000 nested parentheses or ternaries, 10,000 nested arrows) is skipped
// with its reason and counted, and every other file's references are still reported — by scan, check, flags
// and cleanup, in text and JSON, without a stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeWorkspace, runFlaglens } from '../cli/cliHarness.js';

const header = "import { OpenFeature } from '@openfeature/server-sdk';\nconst client = OpenFeature.getClient();\n";
const deepSources = {
  'src/parens.ts': `${header}export const a = ${'('.repeat(20_000)}client.getBooleanValue('deep-a', false)${')'.repeat(20_000)};\n`,
  'src/ternaries.ts': `${header}export const b = ${"client.getBooleanValue('deep-b', false) ? 1 : ".repeat(20_000)}0;\n`,
  'src/arrows.ts': `${header}export const c = ${'() => '.repeat(10_000)}client.getBooleanValue('deep-c', false);\n`,
};
const fine = `${header}export async function go() {\n  if (await client.getBooleanValue('fine', false)) return 1;\n  return 0;\n}\n`;
const flags = 'flags:\n  fine:\n    state: ENABLED\n    variants: { "on": true, "off": false }\n    defaultVariant: "on"\n    metadata: { releasedAt: "2020-01-01T00:00:00Z" }\n';
const stackTrace = /\n\s+at .+[:(]\d+:\d+\)?/;

test('scan skips files nested too deeply with a reason and a count, and reports every other file', async () => {
  const root = makeWorkspace({ ...deepSources, 'src/fine.ts': fine });
  const json = await runFlaglens(['scan', root, '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const result = JSON.parse(json.stdout);
  assert.deepEqual(result.references.map((reference: { key: string; file: string }) => [reference.key, reference.file]), [['fine', 'src/fine.ts']]);
  assert.equal(result.skipped.failed, 3);
  assert.deepEqual(result.failures.map((failure: { file: string }) => failure.file), ['src/arrows.ts', 'src/parens.ts', 'src/ternaries.ts']);
  for (const failure of result.failures) assert.match(failure.reason, /nested too deeply to analyse/);
  const text = await runFlaglens(['scan', root]);
  assert.match(text.stdout, /^ {2}src\/parens\.ts: skipped: nested too deeply to analyse/m);
  assert.match(text.stdout, /skipped 0 binary, 0 too large, 0 unreadable, 3 failed/);
  assert.doesNotMatch(text.stdout + text.stderr, stackTrace);
});

test('check, flags and cleanup go on past such a file; cleanup leaves it alone and keeps the definition it may still check', async () => {
  const root = makeWorkspace({ ...deepSources, 'src/fine.ts': fine, 'flags.flagd.yaml': flags });
  const check = await runFlaglens(['check', root, '--format', 'json']);
  assert.equal(check.code, 1, 'FL001 on the fine file, as without the deep files');
  assert.deepEqual(JSON.parse(check.stdout).findings.map((finding: { code: string; file: string }) => [finding.code, finding.file]), [['FL001', 'src/fine.ts']]);
  assert.match(check.stderr, /src\/parens\.ts:1:1: skipped: nested too deeply to analyse/);
  const list = await runFlaglens(['flags', root, '--format', 'json']);
  assert.equal(list.code, 0);
  assert.equal(JSON.parse(list.stdout).flags[0].references, 1);
  const cleanup = await runFlaglens(['cleanup', 'fine', root, '--format', 'json']);
  assert.equal(cleanup.code, 0, cleanup.stderr);
  const report = JSON.parse(cleanup.stdout);
  assert.deepEqual(report.skippedFiles.map((skipped: { file: string }) => skipped.file), ['src/arrows.ts', 'src/parens.ts', 'src/ternaries.ts']);
  assert.equal(report.flags[0].status, 'cleaned');
  assert.deepEqual(report.files.map((file: { file: string }) => file.file), ['src/fine.ts'], 'the deep files and the definition are untouched');
  assert.equal(report.flags[0].definition.status, 'kept');
  assert.match(report.flags[0].definition.reason, /could not be analysed and may still check the flag/);
  for (const run of [check, list, cleanup]) assert.doesNotMatch(run.stdout + run.stderr, stackTrace);
});

test('cleanup refuses with the place when tsconfig.json is malformed or extends a missing file; never a raw Error', async () => {
  const root = makeWorkspace({ 'src/fine.ts': fine, 'flags.flagd.yaml': flags, 'tsconfig.json': '{ "compilerOptions": { "strict": true, }\n  "include": [src/**] \n' });
  const malformed = await runFlaglens(['cleanup', 'fine', root]);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /^ {2}tsconfig\.json:\d+:\d+: error TS\d+: /m);
  assert.doesNotMatch(malformed.stdout + malformed.stderr, stackTrace);
  const missing = makeWorkspace({ 'src/fine.ts': fine, 'flags.flagd.yaml': flags, 'tsconfig.json': '{ "extends": "./base/missing.json", "include": ["src"] }\n' });
  const extended = await runFlaglens(['cleanup', 'fine', missing]);
  assert.equal(extended.code, 1);
  assert.match(extended.stderr, /tsconfig\.json:1:1: error TS5083: Cannot read file '.*missing\.json'/);
});
