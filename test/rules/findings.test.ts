// The hygiene rules, one case per code, plus suppression comments, with hand-made references and state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../core/src/config.js';
import type { FlagHealth } from '../../core/src/model.js';
import { findingLines, findingsFor, flag, reference, snapshot } from './fixtures.js';
import { scanFixture } from '../scanner/fixture.js';

test('FL001: released for at least stale.releasedDays is a warning on every check site', () => {
  const state = snapshot([flag('new-checkout', { releasedAt: '2026-04-14T09:30:00Z' }), flag('fresh', { releasedAt: '2026-11-20T00:00:00Z' })]);
  const findings = findingsFor([reference('new-checkout', 'a.ts:3:10'), reference('new-checkout', 'b.ts:7:5'), reference('fresh', 'a.ts:9:1')], state);
  assert.deepEqual(findingLines(findings), ['a.ts:3:10 FL001 new-checkout', 'b.ts:7:5 FL001 new-checkout']);
  assert.equal(findings[0].severity, 'warning');
  assert.equal(findings[0].data.releasedDays, 227);
  assert.match(findings[0].message, /227 days .*remove the flag, keep the enabled branch/);
});

test('FL001 respects the configured threshold, unknown release dates and permanent flag types', () => {
  const config = defaultConfig();
  config.stale.releasedDays = 1;
  const state = snapshot([
    flag('recent', { releasedAt: '2026-11-25T00:00:00Z' }),
    flag('unknown-date', { releasedAt: null, releasedAtSource: 'unknown' }),
    flag('kill', { type: 'kill-switch', releasedAt: '2025-01-01T00:00:00Z' }),
  ]);
  const refs = [reference('recent', 'a.ts:1:1'), reference('unknown-date', 'a.ts:2:1'), reference('kill', 'a.ts:3:1')];
  assert.deepEqual(findingLines(findingsFor(refs, state, { config })), ['a.ts:1:1 FL001 recent']);
});

test('FL002: a key from state history, or an archived flag, is a removed-flag warning', () => {
  const state = snapshot([flag('archived-one', { stage: 'archived', enabled: false, percentage: 0 })], ['legacy-search']);
  const findings = findingsFor([reference('legacy-search', 'a.ts:4:8', { default: false }), reference('archived-one', 'a.ts:5:8')], state);
  assert.deepEqual(findingLines(findings), ['a.ts:4:8 FL002 legacy-search', 'a.ts:5:8 FL002 archived-one']);
  assert.match(findings[0].message, /removed from the flag definitions.*default \(false\)/);
  assert.equal(findings[1].data.stage, 'archived');
});

test('FL003: an undefined key is an error with did-you-mean suggestions', () => {
  const state = snapshot([flag('free-shipping'), flag('dark-mode')]);
  const findings = findingsFor([reference('free-shiping', 'w.tsx:5:34'), reference('free_shipping', 'w.tsx:6:1'), reference('zzz', 'w.tsx:7:1')], state);
  assert.deepEqual(findingLines(findings), ['w.tsx:5:34 FL003 free-shiping', 'w.tsx:6:1 FL003 free_shipping', 'w.tsx:7:1 FL003 zzz']);
  assert.equal(findings[0].severity, 'error');
  assert.deepEqual(findings[0].data.suggestions, ['free-shipping']);
  assert.match(findings[0].message, /did you mean 'free-shipping'\?/);
  assert.deepEqual(findings[1].data.suggestions, ['free-shipping'], 'snake_case variant of a kebab-case key');
  assert.deepEqual(findings[2].data.suggestions, []);
});

test('FL003 says when the flag definitions have errors (the key may be in an unreadable part)', () => {
  const state = { ...snapshot([flag('other')]), errors: [{ file: 'b.flagd.yaml', line: 3, column: 1, message: 'invalid YAML' }] };
  const [finding] = findingsFor([reference('in-broken-file', 'a.ts:1:1')], state);
  assert.equal(finding.code, 'FL003');
  assert.match(finding.message, /definitions have errors/);
  assert.equal(finding.data.stateErrors, 1);
});

test('FL003/FL002 stay silent when there is no state at all', () => {
  assert.deepEqual(findingsFor([reference('anything', 'a.ts:1:1')], snapshot([])), []);
});

test('FL004: an enabled flag without checks is info at its definition; off, referenced or remote flags are not', () => {
  const state = snapshot([
    flag('gift-wrapping', { stage: 'rolling', percentage: 50, definition: { file: 'flags.flagd.yaml', line: 141, column: 3 } }),
    flag('beta', { stage: 'targeted', percentage: null, definition: { file: 'flags.flagd.yaml', line: 80, column: 3 } }),
    flag('dark-mode', { stage: 'off', percentage: 0, enabled: false }),
    flag('used', { definition: { file: 'flags.flagd.yaml', line: 9, column: 3 } }),
    flag('remote-only', { stage: 'rolling', percentage: 10 }),
  ]);
  const findings = findingsFor([reference('used', 'a.ts:1:1')], state);
  assert.deepEqual(findingLines(findings), ['flags.flagd.yaml:80:3 FL004 beta', 'flags.flagd.yaml:141:3 FL004 gift-wrapping']);
  assert.equal(findings[1].severity, 'info');
  assert.match(findings[1].message, /rolling at 50% but no code checks it/);
});

test('FL005: call sites disagreeing on the default are warned on each site with a literal default', () => {
  const state = snapshot([flag('express-delivery', { stage: 'rolling', percentage: 25 })]);
  const refs = [
    reference('express-delivery', 'checkout.ts:16:55', { default: false }),
    reference('express-delivery', 'delivery.ts:16:41', { default: true }),
    reference('express-delivery', 'other.ts:1:1'),
  ];
  const findings = findingsFor(refs, state);
  assert.deepEqual(findingLines(findings), ['checkout.ts:16:55 FL005 express-delivery', 'delivery.ts:16:41 FL005 express-delivery']);
  assert.match(findings[0].message, /false here, true at delivery\.ts:16/);
  assert.equal((findings[0].data.defaults as unknown[]).length, 2);
  assert.deepEqual(findingsFor([refs[0], { ...refs[1], default: false }], state), [], 'agreeing defaults are fine');
});

test('FL006: a canary/rolling flag with failing health is an error on its checks (given health)', () => {
  const state = snapshot([flag('fast-search', { stage: 'canary', percentage: 1 }), flag('done', {})]);
  const failing: FlagHealth = { key: 'fast-search', status: 'failing', checks: [], summary: 'error-rate 0.20 > 0.01', evaluatedAt: '2026-11-27T11:59:00Z' };
  const health = new Map([
    ['fast-search', failing],
    ['done', { ...failing, key: 'done' }],
  ]);
  const refs = [reference('fast-search', 'a.ts:1:1'), reference('done', 'a.ts:2:1')];
  const findings = findingsFor(refs, state, { health });
  assert.deepEqual(findingLines(findings), ['a.ts:1:1 FL006 fast-search']);
  assert.equal(findings[0].severity, 'error');
  assert.match(findings[0].message, /canary at 1%.*error-rate 0\.20 > 0\.01.*abort/);
  const healthy = new Map([['fast-search', { ...failing, status: 'healthy' as const }]]);
  assert.deepEqual(findingsFor(refs, state, { health: healthy }), []);
  assert.deepEqual(findingsFor(refs, state), [], 'no health, no FL006');
});

test('FL007: an unresolved key is info, with the reason', () => {
  const findings = findingsFor([reference(null, 'search.ts:27:29', { unresolvedReason: 'dynamic expression', keyExpression: '`search-experiment-${name}`' })], snapshot([flag('x')]));
  assert.deepEqual(findingLines(findings), ['search.ts:27:29 FL007 -']);
  assert.equal(findings[0].severity, 'info');
  assert.match(findings[0].message, /dynamic expression: `search-experiment-\$\{name\}`/);
});

test('FL008: past expiresAt is a warning', () => {
  const state = snapshot([flag('holiday-sale', { expiresAt: '2026-11-26T00:00:00Z' }), flag('later', { expiresAt: '2027-01-01T00:00:00Z' })]);
  const findings = findingsFor([reference('holiday-sale', 'a.ts:1:1'), reference('later', 'a.ts:2:1')], state);
  assert.deepEqual(findingLines(findings), ['a.ts:1:1 FL008 holiday-sale']);
  assert.equal(findings[0].data.expiredDays, 1);
});

test('FL009: older than its type lifetime and not released is info; released and permanent types are not', () => {
  const state = snapshot([
    flag('one-click-pay', { type: 'experiment', stage: 'rolling', percentage: 50, createdAt: '2026-08-17T09:00:00Z' }),
    flag('young', { type: 'experiment', stage: 'rolling', percentage: 50, createdAt: '2026-11-01T00:00:00Z' }),
    flag('ops', { type: 'operational', stage: 'off', percentage: 0, enabled: false, createdAt: '2026-11-01T00:00:00Z' }),
    flag('perm', { type: 'permission', stage: 'targeted', percentage: null, createdAt: '2024-01-01T00:00:00Z' }),
  ]);
  const refs = ['one-click-pay', 'young', 'ops', 'perm'].map((key, index) => reference(key, `a.ts:${index + 1}:1`));
  const findings = findingsFor(refs, state);
  assert.deepEqual(findingLines(findings), ['a.ts:1:1 FL009 one-click-pay', 'a.ts:3:1 FL009 ops']);
  assert.equal(findings[0].data.ageDays, 102);
  assert.equal(findings[0].data.lifetimeDays, 40);
});

test('camelCase references from useFlags() map to the real key', () => {
  const state = snapshot([flag('new-checkout', { releasedAt: '2026-01-01T00:00:00Z' }), flag('beta_dashboard', { stage: 'targeted', percentage: null })]);
  const refs = [
    reference('newCheckout', 'app.tsx:3:11', { keyStyle: 'camelCase', sdk: 'launchdarkly', call: 'useFlags' }),
    reference('betaDashboard', 'app.tsx:4:11', { keyStyle: 'camelCase', sdk: 'launchdarkly', call: 'useFlags' }),
  ];
  const findings = findingsFor(refs, state);
  assert.deepEqual(findingLines(findings), ['app.tsx:3:11 FL001 new-checkout']);
  assert.equal(findings[0].data.writtenAs, 'newCheckout');
});

test('suppression: a comment with a reason on the line before suppresses (kept, marked); several codes allowed', () => {
  const source = [
    'const a = 1;',
    '// flaglens-ignore FL001, FL008 kept until the Q1 audit',
    "const on = await client.getBooleanValue('old', false);",
    "const on2 = await client.getBooleanValue('old', false);",
  ].join('\n');
  const state = snapshot([flag('old', { releasedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-02-01T00:00:00Z' })]);
  const findings = findingsFor([reference('old', 'a.ts:3:42'), reference('old', 'a.ts:4:43')], state, { readSource: (file) => (file === 'a.ts' ? source : undefined) });
  assert.deepEqual(findingLines(findings), ['a.ts:3:42 FL001 old (suppressed)', 'a.ts:3:42 FL008 old (suppressed)', 'a.ts:4:43 FL001 old', 'a.ts:4:43 FL008 old']);
  assert.deepEqual(findings[0].suppressed, { reason: 'kept until the Q1 audit' });
});

test('suppression: a comment without a reason does not suppress, and the finding says why', () => {
  const source = ['// flaglens-ignore FL001', "isOn('old')"].join('\n');
  const state = snapshot([flag('old', { releasedAt: '2026-01-01T00:00:00Z' })]);
  const [finding] = findingsFor([reference('old', 'a.ts:2:6')], state, { readSource: () => source });
  assert.equal(finding.suppressed, undefined);
  assert.match(finding.message, /needs a reason/);
  assert.match(String(finding.data.suppressionRejected), /line 1/);
});

test('suppression: JSX comments, the line before a multi-line check, and other codes are handled', () => {
  const source = [
    '{/* flaglens-ignore FL003 legacy partner key */}',
    "<FeatureGate flag='partner-x' />",
    '// flaglens-ignore FL001 audited',
    'const value = await client.getBooleanValue(',
    "  'old',",
    '  false);',
    '// flaglens-ignore FL005 not this rule',
    "isOn('old')",
  ].join('\n');
  const state = snapshot([flag('old', { releasedAt: '2026-01-01T00:00:00Z' }), flag('other')]);
  const checkStart = source.indexOf('client.getBooleanValue');
  const refs = [reference('partner-x', 'a.tsx:2:20'), reference('old', 'a.tsx:5:3', { checkStart }), reference('old', 'a.tsx:8:6')];
  const findings = findingsFor(refs, state, { readSource: () => source });
  assert.deepEqual(findingLines(findings), ['a.tsx:2:20 FL003 partner-x (suppressed)', 'a.tsx:5:3 FL001 old (suppressed)', 'a.tsx:8:6 FL001 old']);
  assert.deepEqual(findings[0].suppressed, { reason: 'legacy partner key' });
});

test('suppression: the scanner reads the comments with the text, so the rules need not read the file again', async () => {
  const source = [
    "import { OpenFeature } from '@openfeature/server-sdk';",
    'const client = OpenFeature.getClient();',
    '// flaglens-ignore FL001, FL008 kept until the Q1 audit',
    "const on = await client.getBooleanValue('old', false);",
    '// flaglens-ignore FL001',
    "const on2 = await client.getBooleanValue('old', false);",
    '// flaglens-ignore FL001 audited',
    'const value = await client.getBooleanValue(',
    "  'old',",
    '  false);',
    "const plain = await client.getBooleanValue('old', false);",
  ].join('\n');
  const { result } = await scanFixture(source);
  const references = result.references;
  assert.equal(references.length, 4);
  assert.ok(references.every((candidate) => Array.isArray(candidate.suppressions)), 'every scanned reference carries its comments');
  const state = snapshot([flag('old', { releasedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-02-01T00:00:00Z' })]);
  const read: string[] = [];
  const fromScanner = findingsFor(references, state, { readSource: (file) => (read.push(file), source) });
  assert.deepEqual(read, [], 'no file is read for findings on scanned references');
  // The same findings as the rules reading the file themselves (references without the scanner's comments).
  const bare = references.map(({ suppressions: _suppressions, ...rest }) => rest);
  const fromText = findingsFor(bare, state, { readSource: () => source });
  assert.deepEqual(fromScanner, fromText);
  assert.deepEqual(findingLines(fromScanner), [
    'src/main.ts:4:41 FL001 old (suppressed)',
    'src/main.ts:4:41 FL008 old (suppressed)',
    'src/main.ts:6:42 FL001 old',
    'src/main.ts:6:42 FL008 old',
    'src/main.ts:9:3 FL001 old (suppressed)',
    'src/main.ts:9:3 FL008 old',
    'src/main.ts:11:44 FL001 old',
    'src/main.ts:11:44 FL008 old',
  ]);
  assert.match(fromScanner[2]!.message, /line 5 does not suppress this: it needs a reason/);
});

test('suppression: a # comment above a flag definition suppresses FL004 in a YAML state file', () => {
  const yaml = ['flags:', '  # flaglens-ignore FL004 read by the mobile app, which is not in this repository', '  mobile-only:', '    state: ENABLED'].join('\n');
  const state = snapshot([flag('mobile-only', { stage: 'rolling', percentage: 10, definition: { file: 'flags.flagd.yaml', line: 3, column: 3 } })]);
  const [finding] = findingsFor([], state, { readSource: (file) => (file === 'flags.flagd.yaml' ? yaml : undefined) });
  assert.equal(finding.code, 'FL004');
  assert.deepEqual(finding.suppressed, { reason: 'read by the mobile app, which is not in this repository' });
});
