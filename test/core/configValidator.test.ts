// flaglens.yaml's validator is generated ahead of time (scripts/generate-config-validator.mjs writes
// core/src/configValidator.generated.js from syntaxes/flaglens.schema.json): the committed file is what the schema
// generates now, it reports exactly what ajv compiling the schema at run time reports, and validating a config
// loads none of ajv's compiler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { CONFIG_SCHEMA_PATH, CONFIG_VALIDATOR_OPTIONS, CONFIG_VALIDATOR_PATH, configValidatorCode } from '../../scripts/generate-config-validator.mjs';
import validateConfigSchema from '../../core/src/configValidator.generated.js';

const root = join(__dirname, '..', '..');

test('the committed validator is what the schema generates now (deterministically)', () => {
  const generated = configValidatorCode();
  assert.equal(configValidatorCode(), generated, 'two generations of the same schema differ');
  const committed = readFileSync(join(root, CONFIG_VALIDATOR_PATH), 'utf8');
  assert.ok(committed === generated, `${CONFIG_VALIDATOR_PATH} is not what ${CONFIG_SCHEMA_PATH} generates: run npm run generate`);
  assert.match(committed, /^\/\/ Generated from syntaxes\/flaglens\.schema\.json by scripts\/generate-config-validator\.mjs \(`npm run generate`/);
});

test('the generator follows the schema it is given', () => {
  const schema = JSON.parse(readFileSync(join(root, CONFIG_SCHEMA_PATH), 'utf8'));
  schema.properties.exclude = { type: 'boolean' };
  assert.notEqual(configValidatorCode(schema), configValidatorCode());
});

/** Configs breaking the schema in every way it can be broken: each keyword, each combinator, nested and at the top. */
const INVALID_CONFIGS = [
  'chekcs: []',
  '- a list',
  'checks: {}',
  'checks:\n  - call: "not valid("',
  'checks:\n  - call: f\n    key: first',
  'checks:\n  - call: f\n    key: -1',
  'checks:\n  - call: isEnabled\n    property: x',
  'checks:\n  - jsx: FeatureGate',
  'checks:\n  - jsx: FeatureGate\n    attribute: 5\n  - {}\n  - 7',
  'exclude: 5',
  'exclude: [1, ""]',
  'state:\n  launchdarkly: {}',
  'state:\n  unleash:\n    url: ftp://flags.internal',
  'state:\n  unleash:\n    url: http://127.0.0.1:4242\n    token: "*:*.secret"',
  'state:\n  unleash:\n    url: http://127.0.0.1:4242\n    pollInterval: -1\n    timeout: abc',
  'state:\n  flagd: ["", {}]',
  'rollout: { steps: [] }',
  'rollout: { steps: [150, { percent: -5 }, { bake: 1h }], bake: soon }',
  'stale:\n  releasedDays: -3\n  lifetimes:\n    release: sometimes\n    unknown-kind: 3',
  'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  window: 5m',
  'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  checks:\n    - name: e\n      query: q\n      max: 1\n      confidence: 0.99',
  'metrics:\n  prometheus: { url: 9090 }\n  interval: often\n  minSamples: { min: -1 }\n  variants: { on: [] }\n  checks:\n    - { name: p99, compare: control, histogram: h, quantile: 2 }\n    - { compare: nothing }\n    - {}',
];

test('the generated validator reports exactly what ajv compiling the schema at run time reports', () => {
  const compiled = new Ajv(CONFIG_VALIDATOR_OPTIONS).compile(JSON.parse(readFileSync(join(root, CONFIG_SCHEMA_PATH), 'utf8')));
  let errorsSeen = 0;
  for (const text of INVALID_CONFIGS) {
    const value = parse(text);
    assert.equal(validateConfigSchema(value), false, `the generated validator accepts ${JSON.stringify(text)}`);
    assert.equal(compiled(value), false, text);
    // The errors with everything `verbose` adds (schema, parent schema, data): the messages are built from them.
    assert.deepEqual(validateConfigSchema.errors, compiled.errors, text);
    errorsSeen += compiled.errors!.length;
  }
  assert.ok(errorsSeen > INVALID_CONFIGS.length * 2, `only ${errorsSeen} errors`);
  const example = parse(readFileSync(join(root, 'examples/shop/flaglens.yaml'), 'utf8'));
  assert.equal(validateConfigSchema(example), true, JSON.stringify(validateConfigSchema.errors));
});

test('parsing a config, valid or not, loads none of ajv but its runtime helpers', () => {
  const script = [
    "const { parseConfig } = require('./core/src/config.ts');",
    "const bad = parseConfig('chekcs: []\\nrollout: { steps: [150] }\\n', 'flaglens.yaml').errors.length;",
    "const good = parseConfig(require('node:fs').readFileSync('examples/shop/flaglens.yaml', 'utf8'), 'flaglens.yaml').errors.length;",
    "const ajv = Object.keys(require.cache).filter((path) => /[\\\\/]node_modules[\\\\/]ajv[\\\\/]/.test(path)).map((path) => path.replace(/^.*[\\\\/]node_modules[\\\\/]ajv[\\\\/]/, ''));",
    "const generated = Object.keys(require.cache).some((path) => path.endsWith('configValidator.generated.js'));",
    'console.log(JSON.stringify({ bad, good, ajv, generated }));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const { bad, good, ajv, generated } = JSON.parse(run.stdout) as { bad: number; good: number; ajv: string[]; generated: boolean };
  assert.ok(bad >= 2, `${bad} errors for a config with two problems`);
  assert.equal(good, 0);
  // The loaded modules are seen (the generated validator among them), so an empty list of ajv's is no blind spot.
  assert.ok(generated, 'the generated validator is not among the loaded modules');
  assert.ok(ajv.every((path) => path.startsWith('dist/runtime/')), `ajv modules loaded: ${ajv.join(', ')}`);
});
