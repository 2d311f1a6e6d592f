// flaglens.yaml's health settings: `compare: control` checks (ratio and latency), their defaults, the
// consecutive-error limit, bake times (for every step and per step), and errors at file:line:column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bakeSecondsFor, parseConfig, parseDurationSeconds } from '../../core/src/config.js';

const prometheus = 'metrics:\n  prometheus: { url: http://127.0.0.1:9090 }\n';

test('a ratio and a latency comparison with the control are read, with defaults for what is left out', () => {
  const text = [
    prometheus + '  consecutiveErrorLimit: 2',
    '  checks:',
    '    - name: error-rate',
    '      compare: control',
    `      errors: 'sum(increase(http_requests_total{flag="{{flag}}",variant="{{variant}}",status=~"5.."}[{{window}}]))'`,
    `      requests: 'sum(increase(http_requests_total{flag="{{flag}}",variant="{{variant}}"}[{{window}}]))'`,
    '      maxRelativeIncrease: 0.2',
    '      max: 0.05',
    '    - name: p99-latency',
    '      compare: control',
    `      histogram: 'sum by (le)(increase(http_request_duration_seconds_bucket{flag="{{flag}}",variant="{{variant}}"}[{{window}}]))'`,
    '      confidence: 0.99',
    '      minSamples: 500',
  ].join('\n');
  const { config, errors } = parseConfig(text, '/w/flaglens.yaml');
  assert.deepEqual(errors, []);
  assert.equal(config.metrics?.consecutiveErrorLimit, 2);
  const [ratio, latency] = config.metrics!.checks;
  assert.equal(ratio.max, 0.05);
  assert.deepEqual({ ...ratio.compare, errors: undefined, requests: undefined }, { kind: 'ratio', errors: undefined, requests: undefined, maxRelativeIncrease: 0.2, confidence: 0.95, minSamples: 100 });
  assert.match(ratio.compare!.kind === 'ratio' ? ratio.compare!.errors : '', /status=~"5\.\."/);
  assert.deepEqual({ ...latency.compare, histogram: undefined }, { kind: 'latency', histogram: undefined, quantile: 0.99, maxRelativeIncrease: 0, confidence: 0.99, minSamples: 500 });
});

test('without metrics.consecutiveErrorLimit the limit is 4', () => {
  const { config } = parseConfig(prometheus + '  checks:\n    - name: e\n      query: x\n      max: 1\n', '/w/flaglens.yaml');
  assert.equal(config.metrics?.consecutiveErrorLimit, 4);
});

test('comparison mistakes are errors at their line and column', () => {
  const cases: Array<[string, number, number, RegExp]> = [
    ['    - name: e\n      compare: baseline\n      errors: a\n      requests: b', 5, 16, /compare must be control, got 'baseline'/],
    ['    - name: e\n      compare: control\n      errors: a', 4, 7, /requests/],
    ['    - name: e\n      compare: control', 4, 7, /needs errors \+ requests \(a ratio\) or histogram/],
    ['    - name: e\n      compare: control\n      query: q\n      errors: a\n      requests: b', 6, 7, /not query/],
    ['    - name: e\n      compare: control\n      errors: a\n      requests: b\n      histogram: h', 8, 7, /both errors\/requests and histogram/],
    ['    - name: e\n      compare: control\n      errors: a\n      requests: b\n      confidence: 1.5', 8, 19, /confidence must be a number from 0\.5 to 0\.9999/],
    ['    - name: e\n      compare: control\n      histogram: h\n      minSamples: 2.5', 7, 19, /minSamples must be a whole number/],
    ['    - name: e\n      query: q\n      max: 1\n      maxRelativeIncrease: 0.2', 7, 7, /maxRelativeIncrease needs compare: control/],
  ];
  for (const [checks, line, column, message] of cases) {
    const { errors } = parseConfig(`${prometheus}  checks:\n${checks}\n`, '/w/flaglens.yaml');
    assert.ok(errors.length >= 1, checks);
    assert.match(errors[0].message, message, checks);
    assert.deepEqual([errors[0].file, errors[0].line, errors[0].column], ['/w/flaglens.yaml', line, column], `${checks}: ${errors[0].message}`);
  }
});

test('bake times: rollout.bake for every step, a step of its own, and the duration forms', () => {
  const { config, errors } = parseConfig('rollout:\n  bake: 30m\n  steps: [1, { percent: 10, bake: 1h30m }, 50, 100]\n', '/w/flaglens.yaml');
  assert.deepEqual(errors, []);
  assert.deepEqual(config.rollout.steps, [1, 10, 50, 100]);
  assert.equal(bakeSecondsFor(config.rollout, 1), 1800);
  assert.equal(bakeSecondsFor(config.rollout, 10), 5400);
  assert.equal(bakeSecondsFor(parseConfig('', 'f').config.rollout, 10), undefined);
  assert.equal(parseDurationSeconds('90s'), 90);
  assert.equal(parseDurationSeconds('1h30m'), 5400);
  assert.equal(parseDurationSeconds('500ms'), 0.5);
  assert.equal(parseDurationSeconds('0s'), 0);
  assert.equal(parseDurationSeconds('30'), undefined);
  assert.equal(parseDurationSeconds('half an hour'), undefined);
});

test('bake mistakes are errors at their position', () => {
  const bad = parseConfig('rollout:\n  bake: 30 minutes\n', '/w/flaglens.yaml').errors;
  assert.deepEqual([bad[0].line, bad[0].column], [2, 9]);
  assert.match(bad[0].message, /rollout\.bake must be a duration like 90s, 30m or 1h30m, got '30 minutes'/);
  const missing = parseConfig('rollout:\n  steps: [1, { bake: 1h }, 100]\n', '/w/flaglens.yaml').errors;
  assert.deepEqual([missing[0].line, missing[0].column], [2, 14]);
  assert.match(missing[0].message, /needs percent/);
  const unknown = parseConfig('rollout:\n  steps: [1, { percent: 10, wait: 1h }, 100]\n', '/w/flaglens.yaml').errors;
  assert.match(unknown[0].message, /unknown setting 'rollout\.steps\[\]\.wait' \(expected one of: percent, bake\)/);
});
