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
