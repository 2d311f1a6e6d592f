// flaglens.yaml parsing: defaults, every check form, and errors that name file:line:column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, defaultConfig } from '../../core/src/config.js';

test('an empty file gives the defaults', () => {
  const { config, errors } = parseConfig('', '/w/flaglens.yaml');
  assert.deepEqual(errors, []);
  assert.deepEqual(config.rollout.steps, defaultConfig().rollout.steps);
  assert.equal(config.stale.releasedDays, 14);
});

test('every check form is read', () => {
  const text = [
    'checks:',
    '  - call: useUiFlag',
    '  - call: flagResolver.isEnabled',
    '    key: 0',
    '  - call: GetFeatureFlagCommand.create',
    '    key: 0.key',
    '  - property: uiConfig.flags',
    '  - jsx: BetaFlag',
    '    attribute: flagName',
    'exclude: ["**/fixtures/**"]',
    'rollout: { steps: [5, 25, 100] }',
    'stale: { releasedDays: 30, lifetimes: { operational: never } }',
    'state: { flagd: flags/app.flagd.yaml }',
  ].join('\n');
  const { config, errors } = parseConfig(text, '/w/flaglens.yaml');
  assert.deepEqual(errors, []);
  assert.deepEqual(config.checks, [
    { kind: 'call', call: 'useUiFlag', key: '0' },
    { kind: 'call', call: 'flagResolver.isEnabled', key: '0' },
    { kind: 'call', call: 'GetFeatureFlagCommand.create', key: '0.key' },
    { kind: 'property', property: 'uiConfig.flags' },
    { kind: 'jsx', jsx: 'BetaFlag', attribute: 'flagName' },
  ]);
  assert.deepEqual(config.exclude, ['**/fixtures/**']);
  assert.deepEqual(config.rollout.steps, [5, 25, 100]);
  assert.equal(config.stale.releasedDays, 30);
  assert.equal(config.stale.lifetimes.operational, null);
  assert.deepEqual(config.state.flagd, ['flags/app.flagd.yaml']);
});

test('malformed YAML is an error with line and column', () => {
  const { errors } = parseConfig('checks:\n  - call: [unclosed\n', '/w/flaglens.yaml');
  assert.ok(errors.length > 0);
  assert.equal(errors[0].file, '/w/flaglens.yaml');
  assert.ok(errors[0].line >= 2, `line ${errors[0].line}`);
});

test('an invalid value names the exact position', () => {
  const { errors } = parseConfig('checks:\n  - call: useFlag\n    key: first\n', '/w/flaglens.yaml');
  assert.equal(errors.length, 1);
  assert.equal(errors[0].line, 3);
  assert.equal(errors[0].column, 10);
  assert.match(errors[0].message, /argument index/);
});

test('an unknown setting is reported, not ignored', () => {
  const { errors } = parseConfig('chekcs: []\n', '/w/flaglens.yaml');
  assert.equal(errors.length, 1);
  assert.deepEqual([errors[0].line, errors[0].column], [1, 1]);
  assert.match(errors[0].message, /unknown setting 'chekcs'/);
});

test('a token written into the file is refused', () => {
  const { errors } = parseConfig('state:\n  unleash:\n    url: http://127.0.0.1:4242\n    token: "*:*.secret"\n', '/w/flaglens.yaml');
  assert.equal(errors.length, 1);
  assert.equal(errors[0].line, 4);
  assert.match(errors[0].message, /env/);
});

test('rollout steps must rise to 100', () => {
  assert.match(parseConfig('rollout: { steps: [10, 5, 100] }', 'f').errors[0].message, /increasing/);
  assert.match(parseConfig('rollout: { steps: [10, 50] }', 'f').errors[0].message, /end at 100/);
});

// The schema (syntaxes/flaglens.schema.json) is the one definition of the file: the validator is the schema,
// its messages are the schema's own (the ones VS Code shows), and every setting it declares is read.
import { CONFIG_SCHEMA } from '../../core/src/configSchema.js';

const schemaProperties = (path: string[]): string[] => {
  let node = CONFIG_SCHEMA as Record<string, unknown>;
  for (const segment of path) node = (node.properties as Record<string, Record<string, unknown>>)[segment];
  return Object.keys(node.properties as object);
};

test('an unknown setting lists the settings the schema declares there ("expected one of")', () => {
  const cases: Array<[string, string[], string]> = [
    ['chekcs: []\n', [], 'chekcs'],
    ['state:\n  launchdarkly: {}\n', ['state'], 'state.launchdarkly'],
    ['metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  window: 5m\n', ['metrics'], 'metrics.window'],
  ];
  for (const [text, path, shown] of cases) {
    const { errors } = parseConfig(text, '/w/flaglens.yaml');
    assert.equal(errors.length, 1, text);
    assert.equal(errors[0].message, `unknown setting '${shown}' (expected one of: ${schemaProperties(path).join(', ')})`);
  }
});

test('messages come from the schema (patternErrorMessage, errorMessage), with the value found and its position', () => {
  const url = (CONFIG_SCHEMA.properties as any).state.properties.unleash.properties.url.patternErrorMessage as string;
  const { errors } = parseConfig('state:\n  unleash:\n    url: ftp://flags.internal\n', '/w/flaglens.yaml');
  assert.deepEqual(errors.map((error) => [error.line, error.column, error.message]), [[3, 10, `state.unleash.url ${url}, got 'ftp://flags.internal'`]]);
  const lifetime = (CONFIG_SCHEMA.definitions as any).lifetime.errorMessage as string;
  const bad = parseConfig('stale:\n  lifetimes:\n    release: sometimes\n', '/w/flaglens.yaml').errors;
  assert.deepEqual(bad.map((error) => [error.line, error.column, error.message]), [[3, 14, `stale.lifetimes.release ${lifetime}, got 'sometimes'`]]);
  // A setting that does not belong is pointed at by its key, with the words of the rule it breaks.
  const misplaced = parseConfig('metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n  checks:\n    - name: e\n      query: q\n      max: 1\n      confidence: 0.99\n', 'f').errors;
  assert.deepEqual(misplaced.map((error) => [error.line, error.column, error.message]), [[7, 7, 'metrics.checks[].confidence needs compare: control']]);
});

test('every setting the schema declares is read into the typed config', () => {
  const text = [
    'checks:',
    '  - { call: flags.isOn, key: 0.key, default: 1 }',
    '  - { property: appConfig.flags }',
    '  - { jsx: FeatureGate, attribute: flag }',
    'exclude: dist/**',
    'state:',
    '  flagd: [a.flagd.yaml, "config/*.flagd.json"]',
    '  unleash: { url: "https://unleash.example.com/", project: 7, environment: prod, token: { env: ADMIN }, pollInterval: 5, timeout: 2.5, insecureSkipTlsVerify: true }',
    'rollout: { bake: 30m, steps: [5, { percent: 25, bake: 1h }, 100] }',
    'stale: { releasedDays: 30, lifetimes: { release: 60, experiment: null, operational: 3, kill-switch: never, permission: 9 } }',
    'metrics:',
    '  prometheus: { url: "http://127.0.0.1:9090/" }',
    '  interval: 2m',
    '  evaluateEvery: 15',
    '  consecutiveErrorLimit: 2',
    '  minSamples: { query: "sum(x)", min: 50 }',
    '  variants: { on: treatment, off: 0 }',
    '  checks:',
    '    - { name: errors, query: "q", max: 0.1, min: 0, maxRatioToControl: 2 }',
    '    - { name: 5, compare: control, errors: e, requests: r, maxRelativeIncrease: 0.2, confidence: 0.9, minSamples: 10 }',
    '    - { name: p99, compare: control, histogram: h, quantile: 0.95, max: 3 }',
  ].join('\n');
  const { config, errors } = parseConfig(text, '/w/flaglens.yaml');
  assert.deepEqual(errors, []);
  assert.deepEqual(config.checks, [
    { kind: 'call', call: 'flags.isOn', key: '0.key', defaultArgument: 1 },
    { kind: 'property', property: 'appConfig.flags' },
    { kind: 'jsx', jsx: 'FeatureGate', attribute: 'flag' },
  ]);
  assert.deepEqual(config.exclude, ['dist/**']);
  assert.deepEqual(config.state.flagd, ['a.flagd.yaml', 'config/*.flagd.json']);
  assert.deepEqual(config.state.flagdAt, { 'a.flagd.yaml': { line: 7, column: 11 }, 'config/*.flagd.json': { line: 7, column: 25 } });
  assert.deepEqual(config.state.unleash, { url: 'https://unleash.example.com', project: '7', environment: 'prod', token: { env: 'ADMIN' }, pollIntervalSeconds: 5, timeoutSeconds: 2.5, insecureSkipTlsVerify: true, urlAt: { line: 8, column: 19 } });
  assert.deepEqual(config.rollout, { steps: [5, 25, 100], bakeSeconds: 1800, stepBakeSeconds: { 25: 3600 } });
  assert.deepEqual(config.stale, { releasedDays: 30, lifetimes: { release: 60, experiment: null, operational: 3, 'kill-switch': null, permission: 9 } });
  assert.deepEqual(config.metrics, {
    prometheus: { url: 'http://127.0.0.1:9090' },
    interval: '2m',
    evaluateEverySeconds: 15,
    consecutiveErrorLimit: 2,
    minSamples: { query: 'sum(x)', min: 50 },
    variants: { on: 'treatment', off: '0' },
    checks: [
      { name: 'errors', query: 'q', max: 0.1, min: 0, maxRatioToControl: 2 },
      { name: '5', query: '', compare: { kind: 'ratio', errors: 'e', requests: 'r', maxRelativeIncrease: 0.2, confidence: 0.9, minSamples: 10 } },
      { name: 'p99', query: '', max: 3, compare: { kind: 'latency', histogram: 'h', quantile: 0.95, maxRelativeIncrease: 0, confidence: 0.95, minSamples: 100 } },
    ],
  });
  // Every top-level setting of the schema appears in this sample: a setting added to the schema must be read here too.
  assert.deepEqual(schemaProperties([]).filter((name) => !new RegExp(`^${name}:`, 'm').test(text)), []);
});

test('an alias bomb is refused before it expands', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
  const { errors } = parseConfig(bomb, '/w/flaglens.yaml');
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /alias bomb/);
});
