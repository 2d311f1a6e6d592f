// The pure bump/abort planners: the next ladder step, explicit targets, and every refusal with its reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planBump, planAbort, sameRolloutState } from '../../core/src/state/rollout.js';
import type { FlagState } from '../../core/src/model.js';
import { stageFor } from '../../core/src/state/stages.js';

const steps = [1, 10, 50, 100];
function flag(percentage: number | null, options: { enabled?: boolean; fields?: Record<string, unknown>; stage?: FlagState['stage'] } = {}): FlagState {
  const enabled = options.enabled ?? true;
  return {
    key: 'new-checkout',
    stage: options.stage ?? stageFor(enabled ? percentage : 0, enabled, steps),
    percentage: enabled ? percentage : 0,
    enabled,
    variants: { on: true, off: false },
    releasedAt: null,
    releasedAtSource: 'unknown',
    provider: 'flagd',
    fields: options.fields ?? {},
  };
}

test('a bump goes to the next ladder step and says from → to', () => {
  const plan = planBump(flag(10), steps);
  assert.deepEqual(plan, { ok: true, key: 'new-checkout', fromPercentage: 10, toPercentage: 50, fromStage: 'rolling', toStage: 'rolling', summary: 'rolling 10% → rolling 50%' });
  assert.equal((planBump(flag(0), steps) as { toPercentage: number }).toPercentage, 1);
  assert.equal((planBump(flag(12.5), steps) as { toPercentage: number }).toPercentage, 50);
  const release = planBump(flag(50), steps);
  assert.ok(release.ok);
  assert.equal(release.summary, 'rolling 50% → released 100%');
});

test('a disabled flag counts as 0%: the bump enables it at the first step', () => {
  const plan = planBump(flag(50, { enabled: false }), steps);
  assert.ok(plan.ok);
  assert.equal(plan.toPercentage, 1);
  assert.equal(plan.summary, 'off 0% → canary 1%');
});

test('an explicit target must be a number above the current percentage and at most 100', () => {
  assert.equal((planBump(flag(10), steps, 25) as { toPercentage: number }).toPercentage, 25);
  assert.equal((planBump(flag(10), steps, '12.5') as { toPercentage: number }).toPercentage, 12.5);
  assert.equal((planBump(flag(10), steps, '30%') as { toPercentage: number }).toPercentage, 30);
  for (const [to, pattern] of [
    ['abc', /must be a number from 0 to 100, got 'abc'/],
    [150, /from 0 to 100, got 150/],
    [-5, /from 0 to 100, got -5/],
    [Number.NaN, /must be a number/],
    [10, /not above the current 10%/],
    [5, /not above the current 10%.*abort/],
    ['1e3', /must be a number/],
  ] as Array<[number | string, RegExp]>) {
    const plan = planBump(flag(10), steps, to);
    assert.equal(plan.ok, false, String(to));
    if (!plan.ok) {
      assert.equal(plan.reason, 'invalid');
      assert.match(plan.message, pattern);
    }
  }
});

test('bump refusals: already released, targeted, not rewritable, unknown, removed', () => {
  const released = planBump(flag(100), steps);
  assert.deepEqual(released, { ok: false, reason: 'invalid', message: "flag 'new-checkout' is already at 100%" });
  const targeted = planBump(flag(null), steps);
  assert.equal(targeted.ok || targeted.reason, 'unsupported');
  const blocked = planBump(flag(10, { fields: { writeBlocked: 'shared evaluator' } }), steps);
  assert.deepEqual(blocked, { ok: false, reason: 'unsupported', message: 'shared evaluator' });
  assert.equal((planBump(undefined, steps) as { reason: string }).reason, 'not-found');
  assert.equal((planBump(flag(10, { stage: 'removed' }), steps) as { reason: string }).reason, 'not-found');
});

test('an abort goes to 0% from anywhere a percentage is known', () => {
  const plan = planAbort(flag(50), steps);
  assert.ok(plan.ok);
  assert.equal(plan.toPercentage, 0);
  assert.equal(plan.toStage, 'off');
  assert.equal(plan.summary, 'rolling 50% → off 0%');
  assert.equal(planAbort(flag(null), steps).ok, false);
  assert.equal((planAbort(flag(10, { fields: { writeBlocked: 'x' } }), steps) as { reason: string }).reason, 'unsupported');
});

test('sameRolloutState tells a changed rollout from an unchanged one', () => {
  assert.equal(sameRolloutState(flag(10), flag(10)), true);
  assert.equal(sameRolloutState(flag(10), flag(50)), false);
  assert.equal(sameRolloutState(flag(10), flag(10, { enabled: false })), false);
});
