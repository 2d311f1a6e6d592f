// Unleash flag → FlagState: percentage validation (a string in the API), stages, targeting, the abort
// note, release date from the audit log, and the human age of a stale snapshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planAbort, planBump } from '../../core/src/state/rollout.js';
import type { UnleashFeature } from '../../core/src/providers/unleash/api.js';
import { parseRollout, unleashFeatureToFlagState, formatAbortNote } from '../../core/src/providers/unleash/mapping.js';
import { unleashStageOf } from '../../core/src/providers/unleash/provider.js';
import { describeStaleness } from '../../core/src/state/staleness.js';

const steps = [1, 10, 50, 100];
const options = { environment: 'development', project: 'default', stageOf: unleashStageOf(steps) };

function feature(rollout: unknown, extra: Partial<UnleashFeature> = {}, strategy: Record<string, unknown> = {}): UnleashFeature {
  return {
    name: 'new-checkout',
    type: 'release',
    createdAt: '2026-01-01T00:00:00Z',
    environments: [
      { name: 'development', enabled: true, lastSeenAt: null, strategies: [{ id: 's1', name: 'flexibleRollout', constraints: [], segments: [], parameters: { rollout }, ...strategy }] },
    ],
    ...extra,
  };
}

test('rollout strings are validated 0–100', () => {
  assert.equal(parseRollout('10'), 10);
  assert.equal(parseRollout('0'), 0);
  assert.equal(parseRollout('100'), 100);
  assert.equal(parseRollout('150'), null);
  assert.equal(parseRollout('abc'), null);
  assert.equal(parseRollout('-1'), null);
});

test('percentages map to stages', () => {
  const stage = (rollout: string) => unleashFeatureToFlagState(feature(rollout), options).flag.stage;
  assert.equal(stage('0'), 'off');
  assert.equal(stage('1'), 'canary');
  assert.equal(stage('50'), 'rolling');
  assert.equal(stage('100'), 'released');
});

test('an invalid rollout is an error naming the flag, the value and the field, at the configured URL; bump and abort say so', () => {
  const { flag, errors } = unleashFeatureToFlagState(feature('150'), { ...options, errorFile: '/ws/flaglens.yaml', errorAt: { line: 4, column: 10 } });
  assert.equal(flag.percentage, null);
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /flag 'new-checkout': invalid rollout "150" \(must be 0–100\) in strategy s1 \(parameters\.rollout\)/);
  assert.deepEqual([errors[0].file, errors[0].line, errors[0].column], ['/ws/flaglens.yaml', 4, 10]);
  for (const plan of [planBump(flag, [1, 10, 50, 100]), planAbort(flag, [1, 10, 50, 100])]) {
    assert.equal(plan.ok, false);
    assert.match(plan.ok ? '' : plan.message, /invalid rollout "150" \(must be 0–100\)/, 'not "targeted by rules"');
  }
});

test('constraints or segments make a flag targeted', () => {
  const { flag } = unleashFeatureToFlagState(feature('50', {}, { constraints: [{ contextName: 'userId' }] }), options);
  assert.equal(flag.stage, 'targeted');
  assert.equal(flag.percentage, null);
});

test('the abort note in the description is read back while the flag is at 0%', () => {
  const description = `Checkout\n${formatAbortNote('2026-01-02T00:00:00.000Z', 'error-rate 0.2 > 0.01')}`;
  const { flag } = unleashFeatureToFlagState(feature('0', { description }), options);
  assert.equal(flag.abortReason, 'error-rate 0.2 > 0.01');
  assert.equal(flag.abortedAt, '2026-01-02T00:00:00.000Z');
});

test('releasedAt comes from the audit log with source provider', () => {
  const events = [
    { type: 'feature-strategy-update', createdBy: 'alice', createdAt: '2026-02-01T00:00:00Z', environment: 'development', data: { parameters: { rollout: '100' } }, preData: null },
    { type: 'feature-strategy-update', createdBy: 'bob', createdAt: '2026-01-15T00:00:00Z', environment: 'development', data: { parameters: { rollout: '50' } }, preData: null },
  ];
  const { flag } = unleashFeatureToFlagState(feature('100'), { ...options, events });
  assert.equal(flag.releasedAt, '2026-02-01T00:00:00Z');
  assert.equal(flag.releasedAtSource, 'provider');
  assert.equal(flag.fields.lastChangedBy, 'alice');
});

test('a stale snapshot says how old it is and why', () => {
  const text = describeStaleness({ fetchedAt: '2026-01-01T00:00:00Z', staleness: { since: '2026-01-01T00:00:00Z', reason: 'Unleash unreachable' } }, new Date('2026-01-01T00:04:00Z'));
  assert.equal(text, 'state from 4 min ago, Unleash unreachable');
});
