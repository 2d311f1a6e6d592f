// `flaglens init`: on a workspace whose flags go through the team's own helpers (a hook, a service method, a
// flags object, a gating component), the proposal is exactly those helpers, with a flagd file (by its keys) and
// without one (by shape); plain collection reads (`array.includes('x')`, `map.get('x')`), setters, events and
// translations are never proposed. The written file is valid against the schema, reads back through the
// config parser, and scanning with it finds every check of the helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { parseConfig, type CustomCheck } from '../../core/src/config.js';
import { makeWorkspace, runFlaglens } from './cliHarness.js';
import { EXPECTED, flagd, helpers } from './initFixture.js';

function sortChecks(checks: CustomCheck[]): string[] {
  return checks.map((check) => JSON.stringify(check)).sort();
}

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'syntaxes', 'flaglens.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

async function proposal(files: Record<string, string>): Promise<{ root: string; yaml: string; stderr: string; checks: CustomCheck[] }> {
  const root = makeWorkspace(files);
  const run = await runFlaglens(['init', root, '--yes', '--print']);
  assert.equal(run.code, 0, run.stderr);
  const parsed = parseConfig(run.stdout, join(root, 'flaglens.yaml'));
  assert.deepEqual(parsed.errors, [], 'the printed proposal reads back without errors');
  assert.ok(validate(parse(run.stdout) ?? null), `valid against the schema: ${JSON.stringify(validate.errors)}`);
  return { root, yaml: run.stdout, stderr: run.stderr, checks: parsed.config.checks };
}

test('with a flagd file, init proposes exactly the team helpers, accepted because their keys are the defined flags', async () => {
  const { yaml, stderr, checks } = await proposal({ ...helpers, 'flags.flagd.yaml': flagd });
  assert.deepEqual(sortChecks(checks), sortChecks(EXPECTED));
  assert.match(stderr, /accepted when their keys are the flag definitions' keys \(flags\.flagd\.yaml\)/);
  // Ranked with counts and two examples each.
  assert.match(stderr, /\+ {2}\d\. useFeature: 3 checks, 3 keys/);
  assert.match(stderr, /src\/web\/Header\.tsx:\d+ {2}useFeature\(FLAGS\.ONE_CLICK_PAY\)/);
  assert.match(yaml, /# useFeature: 3 checks, 3 keys; all 3 of its keys are defined flags/);
  assert.doesNotMatch(yaml, /^\s*- call: (\S+\.)?(includes|get|has|getItem|on|track|t|setFeatureFlag|mockFeature)\b/m);
});

test('without flag definitions, init still proposes exactly the helpers, by their names, keys and use', async () => {
  const { yaml, stderr, checks } = await proposal(helpers);
  assert.deepEqual(sortChecks(checks), sortChecks(EXPECTED));
  assert.match(stderr, /no flag definitions found \(flagd files, Unleash\): judged by their names, keys and use/);
  assert.match(yaml, /No flag definitions were found/);
  // Never a plain collection read, anywhere in the proposal (not even commented out).
  assert.doesNotMatch(yaml, /call: (tags|prices|searchParams)\.(includes|get|has)/);
  assert.doesNotMatch(stderr, /\b(tags|prices|searchParams)\.(includes|get|has)\b.*checks?,/);
});

test('scanning with the printed proposal finds every check of the helpers, and nothing else', async () => {
  const { root, yaml } = await proposal(helpers);
  const configFile = join(root, 'proposed.yaml');
  writeFileSync(configFile, yaml);
  const scan = await runFlaglens(['scan', root, '--config', configFile, '--format', 'json']);
  assert.equal(scan.code, 0, scan.stderr);
  const references = (JSON.parse(scan.stdout) as { references: Array<{ file: string; line: number; key: string | null }> }).references;
  const found = references.map((reference) => `${reference.file}:${reference.line} ${reference.key}`).sort();
  assert.deepEqual(found, [
    'src/server/checkout.ts:4 new-checkout',
    'src/server/checkout.ts:5 express-delivery',
    'src/server/orders.ts:5 one-click-pay',
    'src/web/Header.tsx:16 betaSearch',
    'src/web/Header.tsx:17 beta-search',
    'src/web/Header.tsx:5 one-click-pay',
    'src/web/Header.tsx:6 darkMode',
    'src/web/Header.tsx:9 new-checkout',
    'src/web/Header.tsx:11 beta-search',
  ].sort());
});

test('init writes a commented flaglens.yaml, never replaces one without --force, and asks on a terminal', async () => {
  const root = makeWorkspace(helpers);
  const headless = await runFlaglens(['init', root]);
  assert.equal(headless.code, 2);
  assert.match(headless.stderr, /^flaglens init: not writing .*flaglens\.yaml without confirmation: run it on a terminal, pass --yes, or --print to see it$/m);
  assert.equal(existsSync(join(root, 'flaglens.yaml')), false);

  const declined = await runFlaglens(['init', root], { interactive: { answers: ['n'] } });
  assert.equal(declined.code, 1);
  assert.match(declined.prompts[0], /Write .*flaglens\.yaml with 4 checks\? \[Y\/n\]/);
  assert.equal(existsSync(join(root, 'flaglens.yaml')), false);

  const written = await runFlaglens(['init', root], { interactive: { answers: [''] } });
  assert.equal(written.code, 0, written.stderr);
  assert.match(written.stdout, /Wrote .*flaglens\.yaml with 4 checks\.\nNext: npx flaglens check \S+ {3}\(the flag report with these checks\)/);
  const text = readFileSync(join(root, 'flaglens.yaml'), 'utf8');
  assert.deepEqual(sortChecks(parseConfig(text, 'flaglens.yaml').config.checks), sortChecks(EXPECTED));
  assert.match(text, /^# flaglens\.yaml: the flag checks of this codebase, proposed by `flaglens init`\./);

  writeFileSync(join(root, 'flaglens.yaml'), '# mine\nchecks: []\n');
  const refused = await runFlaglens(['init', root, '--yes']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^flaglens init: .*flaglens\.yaml exists: pass --force to replace it, or --print to see the proposal$/m);
  assert.equal(readFileSync(join(root, 'flaglens.yaml'), 'utf8'), '# mine\nchecks: []\n');

  const forced = await runFlaglens(['init', root, '--yes', '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(parseConfig(readFileSync(join(root, 'flaglens.yaml'), 'utf8'), 'flaglens.yaml').config.checks.length, 4);
  // Started as `flaglens` (on PATH), the hint names it so.
  const onPath = await runFlaglensAs('flaglens', ['init', root, '--yes', '--force']);
  assert.match(onPath.stdout, /\nNext: flaglens check /);
});

test('a workspace with nothing but SDK checks gets an empty, valid proposal', async () => {
  const { checks, stderr } = await proposal({
    'src/app.ts': "import { OpenFeature } from '@openfeature/server-sdk';\nconst client = OpenFeature.getClient();\nexport const on = client.getBooleanValue('new-checkout', false);\n",
  });
  assert.deepEqual(checks, []);
  assert.match(stderr, /1 check through known SDKs need no configuration/);
});

async function runFlaglensAs(programName: string, argv: string[]) {
  const { runCli } = await import('../../cli/src/main.js');
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { cwd: process.cwd(), env: {}, programName, stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), isInteractive: false, prompt: async () => '' });
  return { code, stdout, stderr };
}
