// The JSON schemas contributed for flaglens.yaml and flagd files (syntaxes/*.schema.json): the bundled
// example validates, bad files are rejected, and the flaglens.yaml schema agrees with core/src/config.ts.
// The schema is the config's one definition (the parser validates with it); the table of samples checks that
// what the parser adds beyond it (steps strictly increasing) never accepts what the schema rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseConfig } from '../../core/src/config.js';
import Ajv from 'ajv';

const root = join(__dirname, '..', '..');
const readJson = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'));

function validators() {
  // Formats (date-time) are hints for editors; the flagd provider validates dates itself.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  return { config: ajv.compile(readJson('syntaxes/flaglens.schema.json')), flagd: ajv.compile(readJson('syntaxes/flagd.schema.json')) };
}
const { config: validateConfig, flagd: validateFlagd } = validators();

test('the bundled example validates against both schemas', () => {
  const config = parse(readFileSync(join(root, 'examples/shop/flaglens.yaml'), 'utf8'));
  assert.ok(validateConfig(config), JSON.stringify(validateConfig.errors));
  const flagd: { flags: Record<string, unknown> } = parse(readFileSync(join(root, 'examples/shop/flags.flagd.yaml'), 'utf8'));
  assert.ok(validateFlagd(flagd), JSON.stringify(validateFlagd.errors));
  assert.ok(Object.keys(flagd.flags).length > 3);
});

test('flaglens.yaml schema agrees with the config parser on valid and invalid samples', () => {
  const samples = [
    '',
    'exclude: ["test/**"]',
    'exclude: dist/**',
    'checks:\n  - call: isEnabled\n  - call: flags.check\n    key: 0.key\n    default: 1\n  - property: features\n  - jsx: FeatureGate\n    attribute: flag',
    'checks:\n  - call: isEnabled\n    property: x',
    'checks:\n  - jsx: FeatureGate',
    'checks:\n  - call: "not valid("',
    'checks:\n  - call: f\n    key: first',
    'state:\n  flagd: [flags.flagd.yaml, more.flagd.json]',
    'state:\n  unleash:\n    url: http://127.0.0.1:4242\n    project: default\n    environment: production\n    token: { env: UNLEASH_ADMIN }\n    pollInterval: 10',
    'state:\n  unleash:\n    url: http://127.0.0.1:4242\n    token: "*:*.abc"',
    'state:\n  unleash:\n    url: ftp://x',
    'state:\n  launchdarkly: {}',
    'rollout:\n  steps: [5, 25, 100]',
    'rollout:\n  steps: [5, 25, 101]',
    'rollout:\n  steps: [5, 25]',
    'stale:\n  releasedDays: 30\n  lifetimes:\n    release: 60\n    kill-switch: never\n    permission: null',
    'stale:\n  releasedDays: -1',
    'stale:\n  lifetimes:\n    feature: 3',
    'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  interval: 30s\n  evaluateEvery: 15\n  minSamples: { query: "sum(x)", min: 100 }\n  checks:\n    - name: error-rate\n      query: "sum(rate(x[{{interval}}]))"\n      max: 0.01\n  variants: { on: treatment, off: control }',
    'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  checks:\n    - name: error-rate\n      query: "x"',
    'metrics:\n  interval: 5m',
    'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  consecutiveErrorLimit: 3\n  checks:\n    - name: error-rate\n      compare: control\n      errors: "sum(increase(e[{{window}}]))"\n      requests: "sum(increase(r[{{window}}]))"\n      maxRelativeIncrease: 0.2\n      confidence: 0.99\n      minSamples: 500\n      max: 0.05\n    - name: p99\n      compare: control\n      histogram: "sum by (le)(increase(b[{{window}}]))"\n      quantile: 0.99\n      maxRelativeIncrease: 0.2',
    'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  consecutiveErrorLimit: 0',
    'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  checks:\n    - name: error-rate\n      compare: baseline\n      errors: e\n      requests: r',
    'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  checks:\n    - name: error-rate\n      compare: control\n      errors: e',
    'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  checks:\n    - name: error-rate\n      compare: control\n      errors: e\n      requests: r\n      histogram: h',
    'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  checks:\n    - name: error-rate\n      compare: control\n      query: q\n      errors: e\n      requests: r',
    'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  checks:\n    - name: error-rate\n      compare: control\n      errors: e\n      requests: r\n      quantile: 0.9',
    'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  checks:\n    - name: error-rate\n      compare: control\n      errors: e\n      requests: r\n      confidence: 1',
    'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  checks:\n    - name: error-rate\n      compare: control\n      errors: e\n      requests: r\n      minSamples: 10.5',
    'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  checks:\n    - name: error-rate\n      query: q\n      max: 0.1\n      maxRelativeIncrease: 0.2',
    'rollout:\n  bake: 30m\n  steps: [1, { percent: 10, bake: 1h30m }, 50, { percent: 100 }]',
    'rollout:\n  bake: half an hour',
    'rollout:\n  steps: [1, { percent: 10, wait: 1h }, 100]',
    'rollout:\n  steps: [1, { bake: 1h }, 100]',
    'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  interval: five minutes',
    'unknown: 1',
  ];
  const disagreements: string[] = [];
  for (const text of samples) {
    const parserValid = parseConfig(text, 'flaglens.yaml').errors.length === 0;
    const schemaValid = validateConfig(parse(text) ?? null) as boolean;
    if (parserValid !== schemaValid) disagreements.push(`${JSON.stringify(text)}: parser ${parserValid ? 'accepts' : 'rejects'}, schema ${schemaValid ? 'accepts' : 'rejects'}`);
  }
  assert.deepEqual(disagreements, []);
});

test('flagd schema rejects malformed definitions', () => {
  const good = { flags: { a: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: { fractional: [['on', 10], ['off', 90]] } } } };
  assert.ok(validateFlagd(good), JSON.stringify(validateFlagd.errors));
  const bad: Array<[string, unknown]> = [
    ['no flags', {}],
    ['state ON', { flags: { a: { ...good.flags.a, state: 'ON' } } }],
    ['no variants', { flags: { a: { state: 'ENABLED', defaultVariant: 'on' } } }],
    ['empty variants', { flags: { a: { state: 'ENABLED', variants: {}, defaultVariant: 'on' } } }],
    ['negative weight', { flags: { a: { ...good.flags.a, targeting: { fractional: [['on', -10]] } } } }],
    ['unknown type', { flags: { a: { ...good.flags.a, metadata: { type: 'temporary' } } } }],
    ['misspelt field', { flags: { a: { ...good.flags.a, defaultVarient: 'on' } } }],
  ];
  for (const [name, value] of bad) assert.equal(validateFlagd(value), false, name);
});

test('package.json contributes the schemas and the grammar for the right files', () => {
  const { contributes } = readJson('package.json');
  const yamlFor = (name: string) => contributes.yamlValidation.filter((v: { fileMatch: string | string[] }) => [v.fileMatch].flat().includes(name)).map((v: { url: string }) => v.url);
  assert.deepEqual(yamlFor('flaglens.yaml'), ['./syntaxes/flaglens.schema.json']);
  assert.deepEqual(yamlFor('*.flagd.yaml'), ['./syntaxes/flagd.schema.json']);
  assert.deepEqual(yamlFor('*.flagd.yml'), ['./syntaxes/flagd.schema.json']);
  assert.deepEqual(contributes.jsonValidation, [{ fileMatch: '*.flagd.json', url: './syntaxes/flagd.schema.json' }]);
  for (const entry of [...contributes.yamlValidation, ...contributes.jsonValidation]) assert.ok(existsSync(join(root, entry.url)), entry.url);
  for (const grammar of contributes.grammars) assert.ok(existsSync(join(root, grammar.path)), grammar.path);
});
