// Bump and abort rewrites: golden texts (only the lines that must change do; comments, key order, quoting and
// indentation survive) for YAML and JSON, and flagd's own evaluator confirming the written percentages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFlagdText } from '../../core/src/state/flagdDocument.js';
import { flagdAbortEdits, applyFlagdEdits, flagdBumpEdits, fractionalWeightsFor } from '../../core/src/state/flagdEdit.js';
import { evaluatedShare, flagdCoreFor } from './helpers.js';

const steps = [1, 10, 50, 100];
const now = '2026-03-01T12:00:00.000Z';

function bump(text: string, key: string, to: number, file = 'flags.flagd.yaml'): string {
  const analysis = analyzeFlagdText(text, { file, steps });
  const flag = analysis.flags.find((candidate) => candidate.key === key)!;
  return applyFlagdEdits(text, flagdBumpEdits(analysis, flag, { to, now }));
}

function abort(text: string, key: string, reason: string, file = 'flags.flagd.yaml'): string {
  const analysis = analyzeFlagdText(text, { file, steps });
  const flag = analysis.flags.find((candidate) => candidate.key === key)!;
  return applyFlagdEdits(text, flagdAbortEdits(analysis, flag, { reason, now }));
}

function percentageOf(text: string, key: string, file = 'flags.flagd.yaml') {
  const analysis = analyzeFlagdText(text, { file, steps });
  assert.deepEqual(analysis.errors, [], 'the written file is valid flagd');
  return analysis.flags.find((candidate) => candidate.key === key)!.state;
}

const YAML = `# Shop flags: owned by the web team.
flags:
  # The new checkout flow (JIRA-123).
  new-checkout:
    state: DISABLED   # not yet
    variants:
      on: true
      off: false
    defaultVariant: 'off'
    metadata:
      owner: team-pay # slack: #pay

  dark-mode:
    state: ENABLED
    variants: { enabled: true, disabled: false }
    defaultVariant: disabled
    targeting:
      fractional:
        - cat: [{ var: $flagd.flagKey }, { var: email }] # bucket by email
        - [enabled, 10]
        - [disabled, 90]
    # trailing comment of dark-mode
`;

test('YAML bump from DISABLED adds a split, enables the flag, and changes nothing else', () => {
  const after = bump(YAML, 'new-checkout', 10);
  assert.equal(
    after,
    YAML.replace('state: DISABLED   # not yet', 'state: ENABLED   # not yet').replace(
      '      owner: team-pay # slack: #pay\n',
      '      owner: team-pay # slack: #pay\n    targeting:\n      fractional:\n        - ["on", 10]\n        - ["off", 90]\n',
    ),
  );
  assert.equal(percentageOf(after, 'new-checkout').percentage, 10);
  assert.equal(percentageOf(after, 'dark-mode').percentage, 10, 'the other flag is untouched');
});

test('YAML bump of an existing split changes only the weights, keeping the bucketing expression', () => {
  const after = bump(YAML, 'dark-mode', 50);
  assert.equal(after, YAML.replace('[enabled, 10]', '[enabled, 50]').replace('[disabled, 90]', '[disabled, 50]'));
  assert.ok(Math.abs(evaluatedShare(after, 'dark-mode') - 50) <= 1);
});

test('YAML bump to 100% makes the on variant the default and records releasedAt', () => {
  const after = bump(YAML, 'dark-mode', 100);
  assert.equal(
    after,
    YAML.replace('defaultVariant: disabled', 'defaultVariant: enabled')
      .replace('[enabled, 10]', '[enabled, 100]')
      .replace('[disabled, 90]', '[disabled, 0]')
      .replace('        - [disabled, 0]\n', `        - [disabled, 0]\n    metadata:\n      releasedAt: "${now}"\n`),
  );
  const state = percentageOf(after, 'dark-mode');
  assert.equal(state.stage, 'released');
  assert.equal(state.releasedAt, now);
  assert.equal(state.releasedAtSource, 'metadata');
  assert.equal(evaluatedShare(after, 'dark-mode'), 100);
});

test('YAML abort sends everyone to off without DISABLED, keeps the quote style, and records why', () => {
  const after = abort(bump(YAML, 'new-checkout', 50), 'new-checkout', 'error rate 5%');
  assert.match(after, /state: ENABLED {3}# not yet/);
  assert.match(after, /defaultVariant: 'off'/);
  assert.match(after, /- \["on", 0\]\n {8}- \["off", 100\]/);
  assert.match(after, / {6}owner: team-pay # slack: #pay\n {6}abortedAt: "2026-03-01T12:00:00.000Z"\n {6}abortReason: "error rate 5%"\n/);
  const state = percentageOf(after, 'new-checkout');
  assert.deepEqual([state.percentage, state.stage, state.enabled, state.abortReason], [0, 'off', true, 'error rate 5%']);
  assert.equal(evaluatedShare(after, 'new-checkout'), 0);
  // Users without a targeting key get the default variant, which is off too.
  assert.equal(flagdCoreFor(after).resolveBooleanEvaluation('new-checkout', true, {}).value, false);
});

const JSON_TEXT = `{
    "$schema": "https://flagd.dev/schema/v0/flags.json",
    "flags": {
        "new-checkout": {
            "state": "ENABLED",
            "variants": {
                "on": true,
                "off": false
            },
            "defaultVariant": "off"
        },
        "compact": {"state": "ENABLED", "variants": {"yes": true, "no": false}, "defaultVariant": "no", "targeting": {"fractional": [["yes", 1], ["no", 99]]}, "metadata": {}}
    }
}
`;

test('JSON bump keeps the 4-space indentation and key order, adding targeting after the last key', () => {
  const after = bump(JSON_TEXT, 'new-checkout', 12.5, 'flags.flagd.json');
  assert.equal(
    after,
    JSON_TEXT.replace(
      '            "defaultVariant": "off"\n',
      '            "defaultVariant": "off",\n            "targeting": {\n                "fractional": [["on", 125], ["off", 875]]\n            }\n',
    ),
  );
  JSON.parse(after);
  assert.equal(percentageOf(after, 'new-checkout', 'flags.flagd.json').percentage, 12.5);
  assert.ok(Math.abs(evaluatedShare(after, 'new-checkout') - 12.5) <= 1);
});

test('JSON bump to 100% and abort on a one-line definition stay on one line', () => {
  const released = bump(JSON_TEXT, 'compact', 100, 'flags.flagd.json');
  assert.equal(
    released,
    JSON_TEXT.replace(
      '"defaultVariant": "no", "targeting": {"fractional": [["yes", 1], ["no", 99]]}, "metadata": {}}',
      `"defaultVariant": "yes", "targeting": {"fractional": [["yes", 100], ["no", 0]]}, "metadata": {"releasedAt": "${now}"}}`,
    ),
  );
  const aborted = abort(released, 'compact', 'rollback "now"', 'flags.flagd.json');
  assert.match(aborted, /"defaultVariant": "no", "targeting": \{"fractional": \[\["yes", 0\], \["no", 100\]\]\}, "metadata": \{"releasedAt": "[^"]+", "abortedAt": "[^"]+", "abortReason": "rollback \\"now\\""\}\}/);
  assert.equal(JSON.parse(aborted).flags.compact.metadata.abortReason, 'rollback "now"');
  assert.equal(evaluatedShare(aborted, 'compact'), 0);
});

test('after a bump to p%, flagd-core serves p% ± 1 of 10,000 targeting keys, for every ladder step', () => {
  let text = JSON_TEXT;
  for (const to of [1, 10, 50, 100]) {
    text = bump(text, 'new-checkout', to, 'flags.flagd.json');
    const share = evaluatedShare(text, 'new-checkout');
    assert.ok(Math.abs(share - to) <= 1, `bump to ${to}%: flagd-core served ${share}%`);
  }
  text = abort(text, 'new-checkout', 'test', 'flags.flagd.json');
  assert.equal(evaluatedShare(text, 'new-checkout'), 0);
});

test('weights are whole numbers with the exact ratio', () => {
  assert.deepEqual(fractionalWeightsFor(10), [10, 90]);
  assert.deepEqual(fractionalWeightsFor(12.5), [125, 875]);
  assert.deepEqual(fractionalWeightsFor(0.25), [25, 9975]);
  assert.deepEqual(fractionalWeightsFor(100), [100, 0]);
});

test('a split entry without a weight gets one; CRLF files keep CRLF', () => {
  const text = 'flags:\r\n  f:\r\n    state: ENABLED\r\n    variants: { on: true, off: false }\r\n    defaultVariant: off\r\n    targeting: { fractional: [["on"], ["off"]] }\r\n';
  const after = bump(text, 'f', 100);
  assert.equal(after, 'flags:\r\n  f:\r\n    state: ENABLED\r\n    variants: { on: true, off: false }\r\n    defaultVariant: "on"\r\n    targeting: { fractional: [["on", 100], ["off", 0]] }\r\n    metadata:\r\n      releasedAt: "2026-03-01T12:00:00.000Z"\r\n');
  assert.equal(evaluatedShare(after, 'f'), 100);
});

test('non-boolean flags: bump and abort move the split between the default and the other variant', () => {
  const text = `flags:
  button-color:
    state: ENABLED
    variants: { blue: "#00f", green: "#0f0" }
    defaultVariant: blue
    targeting: { fractional: [["green", 10], ["blue", 90]] }
`;
  const released = bump(text, 'button-color', 100);
  assert.equal(released, text.replace('["green", 10], ["blue", 90]', '["green", 100], ["blue", 0]') + `    metadata:\n      releasedAt: "${now}"\n`);
  assert.match(released, /defaultVariant: blue/, 'the default stays the "off" variant of a non-boolean flag');
  const core = flagdCoreFor(released);
  for (let i = 0; i < 200; i++) assert.equal(core.resolveStringEvaluation('button-color', 'x', { targetingKey: `u${i}` }).value, '#0f0');
  const aborted = abort(released, 'button-color', 'contrast');
  const abortedCore = flagdCoreFor(aborted);
  for (let i = 0; i < 200; i++) assert.equal(abortedCore.resolveStringEvaluation('button-color', 'x', { targetingKey: `u${i}` }).value, '#00f');
});

test('YAML shapes: empty targeting, empty metadata, a flow-style definition, an abort of a released static flag', () => {
  const text = `flags:
  a:
    state: ENABLED
    variants: { on: true, off: false }
    defaultVariant: off
    targeting: {}
    metadata:
  b: { state: ENABLED, variants: { on: true, off: false }, defaultVariant: on }
`;
  const a = bump(text, 'a', 50);
  assert.equal(a, text.replace('    targeting: {}\n', '    targeting: { fractional: [["on", 50], ["off", 50]] }\n'));
  const aReleased = bump(a, 'a', 100);
  assert.match(aReleased, /\n {4}metadata: \{ releasedAt: "2026-03-01T12:00:00.000Z" \}\n/);
  assert.equal(percentageOf(aReleased, 'a').releasedAt, now);
  const b = abort(text, 'b', 'why');
  assert.equal(b, text.replace('defaultVariant: on }', `defaultVariant: "off", metadata: { abortedAt: "${now}", abortReason: "why" } }`));
  assert.equal(evaluatedShare(b, 'b', 500), 0);
  assert.equal(percentageOf(b, 'a').percentage, 0, 'the other flag still reads the same');
});

test('block-style YAML: weights in block sequences and block scalars are replaced in place; weightless block entries refuse', () => {
  const text = `flags:
  f:
    state: >-
      DISABLED
    variants:
      on: true
      off: false
    defaultVariant: off
    targeting:
      fractional:
        - - on
          - 5
        - - off
          - 95
    metadata:
      owner: me
`;
  const after = bump(text, 'f', 10);
  assert.equal(after, text.replace('state: >-\n      DISABLED\n', 'state: ENABLED\n').replace('- 5\n', '- 10\n').replace('- 95\n', '- 90\n'));
  assert.equal(percentageOf(after, 'f').percentage, 10);
  const weightless = analyzeFlagdText('flags:\n  g:\n    state: ENABLED\n    variants: { on: true, off: false }\n    defaultVariant: off\n    targeting:\n      fractional:\n        - - on\n        - - off\n', { file: 'f.yaml', steps });
  assert.equal(weightless.flags[0].state.percentage, 50);
  assert.match(weightless.flags[0].writeBlocked ?? '', /block-style fractional entry without a weight/);
});
