// Reading flagd files: percentages and stages for every targeting shape, metadata, positions of definitions,
// and bad input reported with file:line:column while everything readable is still returned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFlagdText } from '../../core/src/state/flagdDocument.js';
import { evaluatedShare } from './helpers.js';

const steps = [1, 10, 50, 100];
const analyze = (text: string, file = 'flags.flagd.yaml') => analyzeFlagdText(text, { file, steps });
const flagOf = (text: string, key: string) => {
  const analysis = analyze(text);
  const flag = analysis.flags.find((candidate) => candidate.key === key);
  assert.ok(flag, `flag ${key} is read`);
  return { analysis, flag, state: flag.state };
};

const booleanFlag = (extra: string) => `flags:\n  f:\n    state: ENABLED\n    variants: { on: true, off: false }\n${extra}`;

test('a boolean flag without targeting is 100% when the default is the true variant, else 0%', () => {
  assert.deepEqual(pick(flagOf(booleanFlag('    defaultVariant: on\n'), 'f').state), { percentage: 100, stage: 'released', enabled: true });
  assert.deepEqual(pick(flagOf(booleanFlag('    defaultVariant: off\n'), 'f').state), { percentage: 0, stage: 'off', enabled: true });
  assert.deepEqual(pick(flagOf(booleanFlag('    defaultVariant: "on"\n    targeting: {}\n'), 'f').state), { percentage: 100, stage: 'released', enabled: true });
});

test('a DISABLED flag is off at 0% whatever its variants and weights', () => {
  const text = `flags:\n  f:\n    state: DISABLED\n    variants: { on: true, off: false }\n    defaultVariant: on\n    targeting: { fractional: [["on", 50], ["off", 50]] }\n`;
  assert.deepEqual(pick(flagOf(text, 'f').state), { percentage: 0, stage: 'off', enabled: false });
});

test('fractional weights are relative and may be omitted (1 each), with or without a bucketing expression', () => {
  const cases: Array<[string, number, string]> = [
    ['[["on", 10], ["off", 90]]', 10, 'rolling'],
    ['[["off", 99], ["on", 1]]', 1, 'canary'],
    ['[["on", 1], ["off", 7]]', 12.5, 'rolling'],
    ['[["on"], ["off"]]', 50, 'rolling'],
    ['[["on"], ["off"], ["off"]]', 33.33, 'rolling'],
    ['[{ "cat": [{ "var": "$flagd.flagKey" }, { "var": "email" }] }, ["on", 5], ["off", 995]]', 0.5, 'canary'],
    ['[{ "var": "email" }, ["on", 100], ["off", 0]]', 100, 'released'],
    ['[["on", 0], ["off", 100]]', 0, 'off'],
  ];
  for (const [split, percentage, stage] of cases) {
    const text = booleanFlag(`    defaultVariant: off\n    targeting: { fractional: ${split} }\n`);
    const { state } = flagOf(text, 'f');
    assert.equal(state.percentage, percentage, split);
    assert.equal(state.stage, stage, split);
    // flagd itself agrees with the computed share.
    assert.ok(Math.abs(evaluatedShare(text, 'f', 4000) - percentage) <= 2.5, `flagd-core agrees for ${split}`);
  }
});

test('targeting with rules is "targeted" with no percentage, and refuses rewrites', () => {
  const text = booleanFlag(`    defaultVariant: off\n    targeting:\n      if:\n        - { in: ["@example.com", { var: email }] }\n        - "on"\n        - "off"\n`);
  const { state, flag } = flagOf(text, 'f');
  assert.equal(state.percentage, null);
  assert.equal(state.stage, 'targeted');
  assert.match(flag.writeBlocked ?? '', /targeted by rules \("if"\)/);
});

test('targeting through $ref to $evaluators is resolved for reading, but marked as not rewritable', () => {
  const text = `{
  "$evaluators": { "half": { "fractional": [["on", 50], ["off", 50]] }, "staff": { "in": ["@acme.com", { "var": "email" }] } },
  "flags": {
    "shared": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "off", "targeting": { "$ref": "half" } },
    "rules": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "off", "targeting": { "if": [{ "$ref": "staff" }, "on", "off"] } },
    "broken": { "state": "ENABLED", "variants": { "on": true, "off": false }, "defaultVariant": "off", "targeting": { "$ref": "nope" } }
  }
}`;
  const analysis = analyze(text, 'f.flagd.json');
  const shared = analysis.flags.find((flag) => flag.key === 'shared')!;
  assert.equal(shared.state.percentage, 50);
  assert.match(shared.writeBlocked ?? '', /shared \$evaluators entry/);
  assert.equal(analysis.flags.find((flag) => flag.key === 'rules')!.state.stage, 'targeted');
  const error = analysis.errors.find((e) => e.message.includes("'broken'"));
  assert.ok(error, 'a missing $ref is an error naming the flag');
  assert.match(error.message, /"\$ref": "nope"/);
  assert.equal(error.line, 6);
});

test('non-boolean flags: a two-variant split against the default has a percentage; a static value is targeted', () => {
  const text = `flags:
  color:
    state: ENABLED
    variants: { blue: "#00f", red: "#f00" }
    defaultVariant: blue
    targeting: { fractional: [["red", 25], ["blue", 75]] }
  size:
    state: ENABLED
    variants: { s: 1, m: 2, l: 3 }
    defaultVariant: m
`;
  const analysis = analyze(text);
  const color = analysis.flags[0];
  assert.equal(color.state.valueType, 'string');
  assert.equal(color.state.percentage, 25);
  assert.equal(color.onVariant, 'red');
  assert.equal(color.offVariant, 'blue');
  assert.equal(analysis.flags[1].state.percentage, null);
  assert.equal(analysis.flags[1].state.stage, 'targeted');
  assert.ok(analysis.flags[1].writeBlocked);
});

test('metadata is read: owner, type, dates (normalized to ISO), abort facts; flag-set metadata gives defaults', () => {
  const text = `metadata: { owner: platform, type: operational }
flags:
  f:
    state: ENABLED
    variants: { on: true, off: false }
    defaultVariant: on
    metadata:
      owner: team-checkout
      type: release
      createdAt: "2026-01-05"
      releasedAt: 2026-02-01T10:00:00Z
      expiresAt: "2026-06-01"
      abortedAt: "2026-01-20T08:00:00Z"
      abortReason: error rate
  g:
    state: ENABLED
    variants: { on: true, off: false }
    defaultVariant: off
`;
  const analysis = analyze(text);
  assert.deepEqual(analysis.errors, []);
  const f = analysis.flags[0].state;
  assert.equal(f.owner, 'team-checkout');
  assert.equal(f.type, 'release');
  assert.equal(f.createdAt, '2026-01-05T00:00:00.000Z');
  assert.equal(f.releasedAt, '2026-02-01T10:00:00.000Z');
  assert.equal(f.releasedAtSource, 'metadata');
  assert.equal(f.expiresAt, '2026-06-01T00:00:00.000Z');
  assert.equal(f.abortedAt, '2026-01-20T08:00:00.000Z');
  assert.equal(f.abortReason, 'error rate');
  const g = analysis.flags[1].state;
  assert.equal(g.owner, 'platform');
  assert.equal(g.type, 'operational');
  assert.equal(g.releasedAt, null, 'a flag that is not released has no releasedAt');
});

test('each definition has its position (the key), in YAML and in JSON', () => {
  const yaml = analyze('# c\nflags:\n  first:\n    state: ENABLED\n    variants: { on: true }\n    defaultVariant: on\n  "sécond":\n    state: DISABLED\n    variants: { on: true }\n    defaultVariant: on\n');
  assert.deepEqual(yaml.flags.map((flag) => [flag.key, flag.state.definition?.line, flag.state.definition?.column]), [
    ['first', 3, 3],
    ['sécond', 7, 3],
  ]);
  const json = analyze('{\n\t"flags": {\n\t\t"a": { "state": "ENABLED", "variants": { "on": true }, "defaultVariant": "on" }\n\t}\n}\n', 'a.flagd.json');
  assert.deepEqual(json.errors, []);
  const at = json.flags[0].state.definition!;
  assert.deepEqual([at.file, at.line, at.column, at.start, at.end], ['a.flagd.json', 3, 3, 16, 19]);
});

test('malformed JSON and YAML are errors with file:line:column and no flags', () => {
  const json = analyze('{\n  "flags": {\n    "a": { "state": "ENABLED",, }\n  }\n}\n', 'bad.flagd.json');
  assert.equal(json.malformed, true);
  assert.equal(json.flags.length, 0);
  assert.deepEqual([json.errors[0].file, json.errors[0].line, json.errors[0].column, json.errors[0].code], ["bad.flagd.json", 3, 31, "flagd-syntax"]);
  assert.match(json.errors[0].message, /invalid JSON/);
  const yaml = analyze('flags:\n  a:\n    state: ENABLED\n   variants: [\n');
  assert.equal(yaml.malformed, true);
  assert.ok(yaml.errors[0].line >= 3, 'the YAML error points into the file');
  const duplicate = analyze('{"flags": {"a": {}, "a": {}}}', 'dup.flagd.json');
  assert.equal(duplicate.malformed, true);
  assert.match(duplicate.errors[0].message, /unique/);
});

test('invalid flagd names the flag and its position; the other flags are still read', () => {
  const text = `flags:
  mixed:
    state: ENABLED
    variants: { on: true, off: "no" }
    defaultVariant: on
  missing-default:
    state: ENABLED
    variants: { on: true, off: false }
    defaultVariant: maybe
  weights:
    state: ENABLED
    variants: { on: true, off: false }
    defaultVariant: off
    targeting: { fractional: [["on", "ten"], ["off", 90]] }
  fraction:
    state: ENABLED
    variants: { on: true, off: false }
    defaultVariant: off
    targeting: { fractional: [["on", 12.5], ["off", 87.5]] }
  too-heavy:
    state: ENABLED
    variants: { on: true, off: false }
    defaultVariant: off
    targeting: { fractional: [["on", 2000000000], ["off", 2000000000]] }
  odd-state:
    state: PAUSED
    variants: { on: true, off: false }
    defaultVariant: off
  bad-type:
    state: ENABLED
    variants: { on: true, off: false }
    defaultVariant: off
    metadata: { type: temporary, expiresAt: soon }
  good:
    state: ENABLED
    variants: { on: true, off: false }
    defaultVariant: on
`;
  const analysis = analyze(text);
  const messages = analysis.errors.map((error) => `${error.line}:${error.column} ${error.message}`);
  const expect = (pattern: RegExp) => assert.ok(messages.some((message) => pattern.test(message)), `${pattern} in\n${messages.join('\n')}`);
  expect(/^4:15 flag 'mixed': variants mix value types \(boolean, string\)/);
  expect(/^9:21 flag 'missing-default': defaultVariant "maybe" is not one of the variants \(on, off\)/);
  expect(/^14:38 flag 'weights': fractional weight "ten" of variant "on" must be a finite number/);
  expect(/^19:38 flag 'fraction': fractional weight 12.5 .* must be a whole number/);
  expect(/^24:30 flag 'too-heavy': the fractional weights add up to 4000000000, more than flagd accepts \(2147483647\)/);
  expect(/^26:12 flag 'odd-state': unknown state "PAUSED"/);
  expect(/^33:23 flag 'bad-type': metadata.type "temporary" must be one of release, experiment, operational, kill-switch, permission/);
  expect(/flag 'bad-type': metadata.expiresAt "soon" must be an ISO-8601 date/);
  assert.ok(analysis.errors.every((error) => error.code === 'flagd-invalid' && error.file === 'flags.flagd.yaml'));
  // Invalid flags are still listed (so code referring to them is not "unknown"), without a percentage.
  assert.deepEqual(analysis.flags.map((flag) => [flag.key, flag.invalid]), [
    ['mixed', true],
    ['missing-default', true],
    ['weights', true],
    ['fraction', true],
    ['too-heavy', true],
    ['odd-state', true],
    ['bad-type', true],
    ['good', false],
  ]);
  assert.equal(analysis.flags[0].state.percentage, null);
  assert.equal(analysis.flags[7].state.stage, 'released');
});

test('a file without a flags mapping is reported, not guessed at', () => {
  const analysis = analyze('version: 1\nitems: []\n');
  assert.equal(analysis.isFlagdFile, false);
  assert.match(analysis.errors[0].message, /top-level "flags" mapping/);
});

function pick(state: { percentage: number | null; stage: string; enabled: boolean }) {
  return { percentage: state.percentage, stage: state.stage, enabled: state.enabled };
}

test('YAML anchors and aliases are read like written-out values; merge keys are reported', () => {
  const text = `defaults: &bool { on: true, off: false }
flags:
  a:
    state: ENABLED
    variants: *bool
    defaultVariant: on
  b:
    state: ENABLED
    variants: { <<: *bool }
    defaultVariant: off
`;
  const analysis = analyze(text);
  assert.deepEqual(analysis.flags[0].state.variants, { on: true, off: false });
  assert.equal(analysis.flags[0].state.percentage, 100);
  assert.equal(analysis.errors.length, 1);
  assert.match(analysis.errors[0].message, /flag 'b': YAML merge keys \(<<\) are not supported/);
  assert.equal(analysis.errors[0].line, 9);
});

test('an alias bomb is refused at the first alias before anything expands it; moderate reuse of anchors is fine', () => {
  // Ten levels of ten aliases each: under 1 KB of text that would expand to 10^10 nodes.
  const levels = ['metadata:', '  a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level <= 10; level++) levels.push(`  a${level}: &a${level} [${Array(10).fill(`*a${level - 1}`).join(', ')}]`);
  const bomb = `${levels.join('\n')}\nflags:\n  f:\n    state: ENABLED\n    variants: { on: true, off: false }\n    defaultVariant: on\n`;
  assert.ok(bomb.length < 1000);
  const analysis = analyze(bomb);
  assert.equal(analysis.malformed, true, 'nothing may be written to it');
  assert.deepEqual(analysis.flags, []);
  assert.equal(analysis.errors.length, 1);
  assert.deepEqual([analysis.errors[0].line, analysis.errors[0].column, analysis.errors[0].code], [3, 12, 'flagd-syntax']);
  assert.match(analysis.errors[0].message, /aliases here would expand the file by more than 100,000 nodes \(an alias bomb\?\)/);
  // A shared variants mapping used by 200 flags is ordinary reuse.
  const shared = ['defaults: &bool { on: true, off: false }', 'flags:'];
  for (let index = 0; index < 200; index++) shared.push(`  f${index}:`, '    state: ENABLED', '    variants: *bool', '    defaultVariant: on');
  const reused = analyze(`${shared.join('\n')}\n`);
  assert.deepEqual(reused.errors, []);
  assert.equal(reused.flags.length, 200);
});

test('thousands of nested brackets are a syntax error with a reason, never a stack overflow', () => {
  const deep = `flags:\n  f: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
  const analysis = analyze(deep);
  assert.equal(analysis.malformed || analysis.errors.length > 0, true);
  assert.ok(analysis.errors.every((error) => error.line >= 1 && error.column >= 1));
});

test('invalid values are errors at their position, not another stage: a non-list fractional, $ref cycles, non-finite weights', () => {
  const fractional = analyze(booleanFlag('    defaultVariant: off\n    targeting: { fractional: "abc" }\n'));
  assert.match(fractional.errors[0]?.message ?? '', /flag 'f': "fractional" must be a list of \[variant, weight\] entries, got "abc"/);
  assert.deepEqual([fractional.errors[0].line, fractional.errors[0].column], [6, 30]);
  assert.equal(fractional.flags[0].state.percentage, null);
  assert.match(String(fractional.flags[0].state.fields.invalid), /must be a list/);

  const cycle = analyze(`$evaluators:\n  a: { $ref: b }\n  b: { $ref: a }\nflags:\n  f:\n    state: ENABLED\n    variants: { on: true, off: false }\n    defaultVariant: off\n    targeting: { $ref: a }\n`);
  assert.match(cycle.errors[0]?.message ?? '', /flag 'f': targeting's "\$ref"s form a cycle \(a → b → a\)/);
  assert.equal(cycle.errors[0].line, 9);
  const selfCycle = analyze(`$evaluators:\n  a: { if: [true, { $ref: a }, false] }\nflags:\n  f:\n    state: ENABLED\n    variants: { on: true, off: false }\n    defaultVariant: off\n    targeting: { $ref: a }\n`);
  assert.match(selfCycle.errors[0]?.message ?? '', /cycle \(a → a\)/);

  for (const [written, shown] of [['.nan', '.nan'], ['.inf', '.inf'], ['-.inf', '-.inf']]) {
    const weights = analyze(booleanFlag(`    defaultVariant: off\n    targeting:\n      fractional:\n        - ["on", ${written}]\n        - ["off", 50]\n`));
    assert.match(weights.errors[0]?.message ?? '', new RegExp(`fractional weight ${shown.replace('.', '\\.')} of variant "on" must be a finite number`), written);
    assert.doesNotMatch(weights.errors[0].message, /weight null/);
    assert.deepEqual([weights.errors[0].line, weights.errors[0].column], [8, 18]);
  }
});
