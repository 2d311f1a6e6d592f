// The protocol-free IDE features (core/src/features) on an in-memory workspace view: fixture sources
// with a `$0` cursor, hand-written references and state, so each feature is checked without a scanner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../core/src/config.js';
import type { Finding, FlagHealth, FlagReference, FlagState, StateSnapshot } from '../../core/src/model.js';
import type { FeatureWorkspace } from '../../core/src/features/workspaceView.js';
import type { WatchLease } from '../../core/src/health/watchLease.js';
import { flagHover } from '../../core/src/features/hover.js';
import { inlineLabels } from '../../core/src/features/inlayHints.js';
import { completeFlagKeys } from '../../core/src/features/completion.js';
import { flagCodeActions } from '../../core/src/features/codeActions.js';
import { flagDefinition, flagReferences, flagSymbols } from '../../core/src/features/navigation.js';
import { stateFileLenses } from '../../core/src/features/stateFile.js';
import { listFlags, previewRollout } from '../../core/src/features/flagList.js';
import { ladderMarkdown } from '../../core/src/features/describe.js';

const NOW = new Date('2026-11-27T12:00:00Z');

function flag(key: string, overrides: Partial<FlagState>): FlagState {
  return { key, stage: 'rolling', percentage: 10, enabled: true, variants: {}, releasedAt: null, releasedAtSource: 'unknown', provider: 'flagd', fields: {}, ...overrides };
}

/** A fixture source with `$0` marking the cursor; every `check('key')` call becomes a reference. */
function fixture(source: string): { text: string; cursor: number; references: FlagReference[] } {
  const cursor = source.indexOf('$0');
  const text = source.replace('$0', '');
  const references: FlagReference[] = [];
  for (const match of text.matchAll(/getBooleanValue\((['"])([^'"]*)\1, (\w+)\)/g)) {
    const start = match.index! + 'getBooleanValue('.length;
    const end = start + match[2].length + 2;
    const line = text.slice(0, start).split('\n').length;
    const column = start - text.lastIndexOf('\n', start - 1);
    references.push({
      key: match[2], file: 'src/app.ts', line, column, endLine: line, endColumn: column + (end - start), start, end,
      checkStart: match.index!, checkEnd: match.index! + match[0].length, sdk: 'openfeature', call: 'getBooleanValue',
      keyExpression: text.slice(start, end), resolved: true, default: match[3] === 'true',
    });
  }
  return { text, cursor, references };
}

function workspace(options: { references: FlagReference[]; flags: FlagState[]; findings?: Finding[]; health?: Map<string, FlagHealth>; leases?: Map<string, WatchLease> }): FeatureWorkspace {
  const snapshot: StateSnapshot = { provider: 'flagd', flags: options.flags, removedKeys: ['old-flag'], errors: [], fetchedAt: NOW.toISOString() };
  const findings = options.findings ?? [];
  return {
    config: defaultConfig(),
    staleReleasedDays: () => 14,
    now: () => NOW,
    flags: () => options.flags,
    flag: (key) => options.flags.find((candidate) => candidate.key === key),
    snapshot: () => snapshot,
    allReferences: () => options.references,
    referencesInFile: (file) => options.references.filter((reference) => reference.file === file),
    referencesForKey: (key) => options.references.filter((reference) => reference.key === key),
    flagKeyOf: (reference) => reference.key,
    findingsInFile: (file) => findings.filter((finding) => finding.file === file),
    findingsForKey: (key) => findings.filter((finding) => finding.key === key),
    health: (key) => options.health?.get(key),
    watchLease: (key) => options.leases?.get(key),
    inputErrorsInFile: () => [],
    isStateFile: (file) => file === 'flags.flagd.yaml',
    indexComplete: () => true,
    sourceText: () => undefined,
  };
}

const FLAGS = [
  flag('fast-search', { stage: 'rolling', percentage: 10, owner: 'team-search', type: 'release', createdAt: '2026-11-02T00:00:00Z', definition: { file: 'flags.flagd.yaml', line: 3, column: 3 } }),
  flag('new-checkout', { stage: 'released', percentage: 100, releasedAt: '2026-10-17T00:00:00Z', releasedAtSource: 'metadata', definition: { file: 'flags.flagd.yaml', line: 9, column: 3 } }),
  flag('dark-mode', { stage: 'off', percentage: 0, enabled: false }),
];

test('the ladder marks where the flag sits, between steps too', () => {
  assert.equal(ladderMarkdown([1, 10, 50, 100], 10), '1 → **10** → 50 → 100');
  assert.equal(ladderMarkdown([1, 10, 50, 100], 25), '1 → 10 → **25** → 50 → 100');
});

test('hover: stage, ladder, owner, age, health with its checks, findings; nothing off a check', () => {
  const { text, cursor, references } = fixture(`const a = await client.getBooleanValue('fast-$0search', false);\nconst b = 1;\n`);
  const health = new Map<string, FlagHealth>([
    ['fast-search', { key: 'fast-search', status: 'failing', summary: 'error-rate 0.20 > 0.01', evaluatedAt: NOW.toISOString(), checks: [{ name: 'error-rate', value: 0.2, max: 0.01, passed: false, message: 'error-rate 0.20 > 0.01' }] }],
  ]);
  const view = workspace({ references, flags: FLAGS, health });
  const hover = flagHover(view, 'src/app.ts', text, cursor);
  assert.ok(hover);
  assert.match(hover.markdown, /^\*\*flag\*\* `fast-search` — \*\*rolling 10%\*\*/);
  assert.match(hover.markdown, /rollout: 1 → \*\*10\*\* → 50 → 100/);
  assert.match(hover.markdown, /owner: team-search · type: release · age: 25d/);
  assert.match(hover.markdown, /health: \*\*failing\*\* — error-rate 0\.20 > 0\.01\n- ✗ error-rate 0\.20 > 0\.01/);
  assert.deepEqual(hover.range, { start: references[0].start, end: references[0].end });
  assert.deepEqual(hover.links.definition, FLAGS[0].definition);
  assert.equal(flagHover(view, 'src/app.ts', text, text.indexOf('const b')), undefined);
});

test('hover: a compare: control verdict with its evidence and window, and the watch that holds the flag', () => {
  const { text, cursor, references } = fixture(`const a = await client.getBooleanValue('fast-$0search', false);\n`);
  const evidence = 'error-rate 2.1% vs 0.3% control (n = 4,210 / 38,900), regression at 95%: at least +370% (tolerance +20%)';
  const window = { range: '1834s', seconds: 1834, source: 'step' as const, since: '2026-11-27T11:29:26.000Z' };
  const comparison = { kind: 'ratio' as const, samples: { on: 4210, control: 38900 }, on: 0.021, control: 0.003, relativeIncrease: 6, maxRelativeIncrease: 0.2, confidence: 0.95, regression: true, window };
  const health = new Map<string, FlagHealth>([
    ['fast-search', { key: 'fast-search', status: 'failing', summary: evidence, evaluatedAt: NOW.toISOString(), checks: [{ name: 'error-rate', value: 0.021, control: 0.003, passed: false, message: evidence, comparison }] }],
  ]);
  const live: WatchLease = { version: 1, key: 'fast-search', mode: 'advance', pid: 4242, hostname: 'ci-1', startedAt: '2026-11-27T11:00:00.000Z', refreshedAt: '2026-11-27T11:59:50.000Z', expiresAt: '2026-11-27T12:01:20.000Z' };
  const hover = flagHover(workspace({ references, flags: FLAGS, health, leases: new Map([['fast-search', live]]) }), 'src/app.ts', text, cursor)!;
  assert.ok(hover.markdown.includes(`health: **failing** — ${evidence}\n- ✗ ${evidence}\n- window: since this step began (2026-11-27T11:29:26.000Z, 31 min)`), hover.markdown);
  assert.match(hover.markdown, /_under flaglens watch --advance \(pid 4242 on ci-1, since 2026-11-27T11:00:00\.000Z; last seen 10 s ago\)_/);
  const expired = { ...live, expiresAt: '2026-11-27T11:59:59.000Z' };
  const later = flagHover(workspace({ references, flags: FLAGS, health, leases: new Map([['fast-search', expired]]) }), 'src/app.ts', text, cursor)!;
  assert.doesNotMatch(later.markdown, /under flaglens watch/, 'an expired lease is a watch that is gone');
  const kept = new Map<string, FlagHealth>([['fast-search', { ...health.get('fast-search')!, providerErrors: { count: 2, limit: 4, message: 'Prometheus unavailable: ECONNREFUSED', at: NOW.toISOString() } }]]);
  assert.match(flagHover(workspace({ references, flags: FLAGS, health: kept }), 'src/app.ts', text, cursor)!.markdown, /\(Prometheus failed 2 of 4 times in a row; verdict from 2026-11-27T12:00:00\.000Z\)/);
});

test('hover in the state file: on the definition line', () => {
  const view = workspace({ references: [], flags: FLAGS });
  const text = 'flags:\n\n  fast-search:\n    state: ENABLED\n';
  assert.match(flagHover(view, 'flags.flagd.yaml', text, text.indexOf('fast-search'))?.markdown ?? '', /rolling 10%/);
});

test('inlay labels: stage and percentage, health, staleness in days; unknown and removed keys say so', () => {
  const { references } = fixture(
    `a(client.getBooleanValue('fast-search', false));\nb(client.getBooleanValue('new-checkout', false));\nc(client.getBooleanValue('nope', false));\nd(client.getBooleanValue('old-flag', false));\n`,
  );
  const health = new Map<string, FlagHealth>([['fast-search', { key: 'fast-search', status: 'healthy', summary: '', evaluatedAt: NOW.toISOString(), checks: [] }]]);
  const labels = inlineLabels(workspace({ references, flags: FLAGS, health }), 'src/app.ts').map((label) => label.label);
  assert.deepEqual(labels, ['rolling 10% · healthy', 'released 100% · stale 41d', 'unknown flag', 'removed flag']);
});

test('completion: keys inside a check key argument, replacing the partial key; not elsewhere', () => {
  const { text, cursor, references } = fixture(`const a = await client.getBooleanValue('fa$0', false);\n`);
  const items = completeFlagKeys(workspace({ references, flags: FLAGS }), 'src/app.ts', text, cursor);
  assert.ok(items);
  assert.deepEqual(items.map((item) => item.key).sort(), ['dark-mode', 'fast-search', 'new-checkout']);
  assert.equal(items.find((item) => item.key === 'fast-search')?.detail, 'rolling 10% · owner team-search');
  assert.deepEqual(items[0].replace, { start: text.indexOf("'fa'") + 1, end: text.indexOf("'fa'") + 3 });
  // While typing: the call is not a complete check yet, but the callee is a known check function.
  const typing = `const a = await client.getBooleanValue("ne`;
  assert.ok(completeFlagKeys(workspace({ references: [], flags: FLAGS }), 'src/app.ts', typing, typing.length));
  assert.equal(completeFlagKeys(workspace({ references: [], flags: FLAGS }), 'src/app.ts', `console.log('ne`, 15), undefined);
});

test('definition, references (with the definition first) and workspace symbols', () => {
  const { text, cursor, references } = fixture(`x(client.getBooleanValue('new-che$0ckout', false));\ny(client.getBooleanValue('new-checkout', true));\n`);
  const view = workspace({ references, flags: FLAGS });
  assert.deepEqual(flagDefinition(view, 'src/app.ts', text, cursor), FLAGS[1].definition);
  const locations = flagReferences(view, 'src/app.ts', text, cursor, { includeDefinition: true });
  assert.deepEqual(locations?.map((location) => `${location.file}:${location.line}`), ['flags.flagd.yaml:9', 'src/app.ts:1', 'src/app.ts:2']);
  assert.deepEqual(flagSymbols(view, 'nck').map((symbol) => symbol.key), ['new-checkout']);
});

test('code actions: suppress inserts the ignore comment with the line indentation; bump/abort commands with the key', () => {
  const { text, cursor, references } = fixture(`function f() {\n    if (client.getBooleanValue('new-$0checkout', false)) return;\n}\n`);
  const finding: Finding = { code: 'FL001', severity: 'warning', key: 'new-checkout', file: 'src/app.ts', line: 2, column: 33, message: 'stale', data: {} };
  const actions = flagCodeActions(workspace({ references, flags: FLAGS, findings: [finding] }), 'src/app.ts', text, { start: cursor, end: cursor });
  const suppress = actions.find((action) => action.kind === 'suppress');
  assert.ok(suppress && suppress.kind === 'suppress');
  assert.equal(suppress.insert.line, 2);
  assert.equal(suppress.insert.snippet, '    // flaglens-ignore FL001 ${1:reason}\n');
  assert.deepEqual(
    actions.filter((action) => action.kind === 'rollout').map((action) => action.kind === 'rollout' && [action.action, action.key]),
    [['bump', 'new-checkout'], ['abort', 'new-checkout']],
  );
});

test('code actions: in JSX children the suppression is a JSX comment', () => {
  const text = `export const A = () => (\n  <div>\n    <FeatureGate flag="nope">x</FeatureGate>\n  </div>\n);\n`;
  const finding: Finding = { code: 'FL003', severity: 'warning', key: 'nope', file: 'src/app.tsx', line: 3, column: 23, message: 'unknown', data: {} };
  const view = workspace({ references: [], flags: FLAGS, findings: [finding] });
  const offset = text.indexOf('nope');
  const suppress = flagCodeActions(view, 'src/app.tsx', text, { start: offset, end: offset }).find((action) => action.kind === 'suppress');
  assert.ok(suppress && suppress.kind === 'suppress');
  assert.equal(suppress.insert.text, '    {/* flaglens-ignore FL003 reason */}\n');
});

test('state file lenses, flag list attention counts, and rollout previews', () => {
  const { references } = fixture(`a(client.getBooleanValue('new-checkout', false));\n`);
  const view = workspace({ references, flags: FLAGS });
  assert.deepEqual(stateFileLenses(view, 'flags.flagd.yaml').map((lens) => lens.title), ['0 references · rolling 10%', '1 reference · released 100%']);
  const list = listFlags(view);
  assert.deepEqual(list.attention, { stale: 1, unhealthy: 0 });
  assert.deepEqual(previewRollout(view, { key: 'fast-search', action: 'bump', writesAllowed: true }), { key: 'fast-search', from: 'rolling 10%', to: 'rolling 50%', health: 'unknown', healthSummary: undefined });
  assert.match(previewRollout(view, { key: 'new-checkout', action: 'bump', writesAllowed: true }).refused ?? '', /last rollout step/);
  assert.match(previewRollout(view, { key: 'fast-search', action: 'abort', writesAllowed: false }).refused ?? '', /not trusted/);
});
