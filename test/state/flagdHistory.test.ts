// releasedAt and removedKeys from a state file's real git history (a temporary repository with dated commits),
// and the pure history walk over revisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlagdFileProvider } from '../../core/src/state/flagdProvider.js';
import { flagdHistoryFacts } from '../../core/src/state/flagdHistory.js';
import { fixedClock, gitRepository, providerContext, temporaryWorkspace } from './helpers.js';

const flag = (key: string, percentage: number, extra = '') =>
  `  ${key}:\n    state: ENABLED\n    variants: { on: true, off: false }\n    defaultVariant: off\n    targeting: { fractional: [["on", ${percentage}], ["off", ${100 - percentage}]] }\n${extra}`;
const file = (...flags: string[]) => `flags:\n${flags.join('')}`;

test('releasedAt comes from the first commit after which the flag stayed at 100%; removed keys are listed', async (t) => {
  const ws = temporaryWorkspace({});
  t.after(ws.cleanup);
  const repo = gitRepository(ws.root);
  const path = 'flags.flagd.yaml';
  ws.write(path, file(flag('checkout', 10), flag('search', 50), flag('old-banner', 100)));
  repo.commit('start', '2026-01-01T10:00:00Z');
  ws.write(path, file(flag('checkout', 100), flag('search', 50), flag('old-banner', 100)));
  repo.commit('checkout released', '2026-01-10T10:00:00Z');
  ws.write(path, file(flag('checkout', 50), flag('search', 100), flag('old-banner', 100)));
  repo.commit('checkout back to 50 (incident), search released', '2026-01-15T10:00:00Z');
  ws.write(path, file(flag('checkout', 100), flag('search', 100)));
  repo.commit('checkout released again, banner removed', '2026-02-01T10:00:00Z');
  // Uncommitted: a comment only (still released) and a new flag released only in the working copy.
  ws.write(path, '# working copy\n' + file(flag('checkout', 100), flag('search', 100), flag('fresh', 100), flag('noted', 100, '    metadata: { releasedAt: "2025-12-24" }\n')));
  const provider = new FlagdFileProvider(providerContext(ws.root, { clock: fixedClock('2026-03-01T00:00:00Z') }));
  const snapshot = await provider.load();
  const byKey = Object.fromEntries(snapshot.flags.map((state) => [state.key, state]));
  assert.deepEqual([byKey.checkout.releasedAt, byKey.checkout.releasedAtSource], ['2026-02-01T10:00:00.000Z', 'git'], 'the incident broke the run: the later commit counts');
  assert.deepEqual([byKey.search.releasedAt, byKey.search.releasedAtSource], ['2026-01-15T10:00:00.000Z', 'git']);
  assert.deepEqual([byKey.fresh.releasedAt, byKey.fresh.releasedAtSource], [null, 'unknown'], 'released only in the working copy: unknown, never "now"');
  assert.deepEqual([byKey.noted.releasedAt, byKey.noted.releasedAtSource], ['2025-12-24T00:00:00.000Z', 'metadata']);
  assert.deepEqual(snapshot.removedKeys, ['old-banner']);
});

test('a file outside git gives unknown releasedAt and no removed keys', async (t) => {
  const ws = temporaryWorkspace({ 'flags.flagd.yaml': file(flag('a', 100)) });
  t.after(ws.cleanup);
  const snapshot = await new FlagdFileProvider(providerContext(ws.root)).load();
  assert.deepEqual([snapshot.flags[0].releasedAt, snapshot.flags[0].releasedAtSource], [null, 'unknown']);
  assert.deepEqual(snapshot.removedKeys, []);
});

test('the history walk: a deleted file breaks the run; the oldest revision of an unbroken run is the date', () => {
  const steps = [1, 10, 50, 100];
  const facts = flagdHistoryFacts(
    [
      { commit: 'c4', date: '2026-01-04T00:00:00Z', content: file(flag('a', 100), flag('b', 100)) },
      { commit: 'c3', date: '2026-01-03T00:00:00Z', content: file(flag('a', 100), flag('b', 100)) },
      { commit: 'c2', date: '2026-01-02T00:00:00Z', content: undefined },
      { commit: 'c1', date: '2026-01-01T00:00:00Z', content: file(flag('a', 100), flag('gone', 5)) },
    ],
    { file: 'f.flagd.yaml', steps, releasedNow: new Set(['a', 'b']) },
  );
  assert.deepEqual(Object.fromEntries(facts.releasedSince), { a: '2026-01-03T00:00:00.000Z', b: '2026-01-03T00:00:00.000Z' });
  assert.deepEqual([...facts.everDefined].sort(), ['a', 'b', 'gone']);
});

test('a malformed working copy does not turn its flags into removed keys', async (t) => {
  const ws = temporaryWorkspace({});
  t.after(ws.cleanup);
  const repo = gitRepository(ws.root);
  ws.write('flags.flagd.yaml', file(flag('kept', 100), flag('dropped', 5)));
  repo.commit('one', '2026-01-01T10:00:00Z');
  ws.write('flags.flagd.yaml', file(flag('kept', 100)));
  repo.commit('drop a flag', '2026-01-02T10:00:00Z');
  ws.write('flags.flagd.yaml', file(flag('kept', 100)) + '  broken: [\n');
  const snapshot = await new FlagdFileProvider(providerContext(ws.root)).load();
  assert.equal(snapshot.errors[0]?.code, 'flagd-syntax');
  assert.deepEqual(snapshot.removedKeys, ['dropped'], 'kept is hidden by the syntax error, not removed');
});

test('JSON revisions (read without positions) give the same facts as YAML ones', () => {
  const json = (percentage: number, extra = '') =>
    `{"flags": {"a": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off", "targeting": {"fractional": [["on", ${percentage}], ["off", ${100 - percentage}]]}}${extra}}}`;
  const facts = flagdHistoryFacts(
    [
      { commit: 'c3', date: '2026-01-03T00:00:00Z', content: json(100) },
      { commit: 'c2', date: '2026-01-02T00:00:00Z', content: json(100, ', "old": {"state": "DISABLED", "variants": {"on": true}, "defaultVariant": "on"}') },
      { commit: 'c1', date: '2026-01-01T00:00:00Z', content: json(50) },
    ],
    { file: 'f.flagd.json', steps: [1, 10, 50, 100], releasedNow: new Set(['a']) },
  );
  assert.deepEqual(Object.fromEntries(facts.releasedSince), { a: '2026-01-02T00:00:00.000Z' });
  assert.deepEqual([...facts.everDefined].sort(), ['a', 'old']);
  assert.deepEqual([...facts.lastCommittedKeys], ['a']);
});
