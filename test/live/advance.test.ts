// What `flaglens watch` decides after an evaluation, from the state and the step record alone: failing
// aborts (after N in a row), inconclusive and unavailable pause, healthy bakes and then advances one
// step, and nothing is done for flags that are off, targeted, missing or (advancing) complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideWatchStep, formatDuration, type WatchSettings } from '../../core/src/health/advance.js';
import type { FlagHealth, FlagState } from '../../core/src/model.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const advancing: WatchSettings = { advance: true, abortAfter: 1, steps: [1, 10, 50, 100], bakeSeconds: (percentage) => (percentage === 10 ? 3600 : 1800) };
const watching: WatchSettings = { ...advancing, advance: false, abortAfter: 3 };

function flag(percentage: number, overrides: Partial<FlagState> = {}): FlagState {
  const stage = percentage === 0 ? 'off' : percentage < 10 ? 'canary' : percentage < 100 ? 'rolling' : 'released';
  return { key: 'new-checkout', stage, percentage, enabled: percentage > 0, variants: {}, releasedAt: null, releasedAtSource: 'unknown', provider: 'flagd', fields: {}, ...overrides };
}

function health(status: FlagHealth['status'], summary = 'error-rate 0.3% vs 0.3% control (n = 4,210 / 38,900), no regression at 95%'): FlagHealth {
  const passed = status === 'healthy' ? true : status === 'failing' ? false : null;
  return { key: 'new-checkout', status, summary, evaluatedAt: NOW.toISOString(), checks: [{ name: 'error-rate', value: 0.003, passed, message: summary }] };
}

test('healthy while baking: wait, saying how long it has baked of how long', () => {
  const { decision, failures } = decideWatchStep({ flag: flag(1), health: health('healthy'), stepSince: minutesAgo(12), now: NOW, failures: 0 }, advancing);
  assert.deepEqual(decision, { action: 'wait', reason: 'healthy, baking 12 min of 30 min at 1%' });
  assert.equal(failures, 0);
});

test('healthy for the whole bake: advance to the next step of the ladder, with the step\'s own bake', () => {
  assert.deepEqual(decideWatchStep({ flag: flag(1), health: health('healthy'), stepSince: minutesAgo(31), now: NOW, failures: 0 }, advancing).decision, {
    action: 'advance',
    to: 10,
    reason: 'healthy for 31 min at 1% (bake 30 min): advancing to 10%',
  });
  assert.equal(decideWatchStep({ flag: flag(10), health: health('healthy'), stepSince: minutesAgo(45), now: NOW, failures: 0 }, advancing).decision.action, 'wait', 'the 10% step bakes an hour');
  assert.equal(decideWatchStep({ flag: flag(50), health: health('healthy'), stepSince: minutesAgo(30), now: NOW, failures: 0 }, advancing).decision.action, 'advance');
});

test('failing aborts with the evidence as the reason; with --abort-after 3 only the third in a row does', () => {
  const failing = health('failing', 'error-rate 2.1% vs 0.3% control (n = 4,210 / 38,900), regression at 95%');
  assert.deepEqual(decideWatchStep({ flag: flag(10), health: failing, stepSince: minutesAgo(5), now: NOW, failures: 0 }, advancing).decision, {
    action: 'abort',
    reason: 'flaglens watch: error-rate 2.1% vs 0.3% control (n = 4,210 / 38,900), regression at 95%',
  });
  let failures = 0;
  const reasons: string[] = [];
  for (let i = 0; i < 3; i++) {
    const step = decideWatchStep({ flag: flag(10), health: failing, stepSince: minutesAgo(5), now: NOW, failures }, watching);
    failures = step.failures;
    reasons.push(step.decision.action === 'abort' ? `abort: ${step.decision.reason}` : step.decision.reason);
  }
  assert.deepEqual(reasons, ['failing [1/3]', 'failing [2/3]', 'abort: flaglens watch: error-rate 2.1% vs 0.3% control (n = 4,210 / 38,900), regression at 95% in 3 consecutive evaluations']);
});

test('inconclusive and unavailable pause without touching the failing streak; healthy resets it', () => {
  const paused = decideWatchStep({ flag: flag(10), health: health('inconclusive', 'too few samples'), stepSince: minutesAgo(90), now: NOW, failures: 2 }, advancing);
  assert.deepEqual(paused, { decision: { action: 'wait', reason: 'paused: inconclusive' }, failures: 2 });
  assert.deepEqual(decideWatchStep({ flag: flag(10), health: health('unavailable'), stepSince: minutesAgo(90), now: NOW, failures: 2 }, advancing), { decision: { action: 'wait', reason: 'paused: health unavailable' }, failures: 2 });
  assert.equal(decideWatchStep({ flag: flag(10), health: health('healthy'), stepSince: minutesAgo(5), now: NOW, failures: 2 }, watching).failures, 0);
});

test('a verdict kept through Prometheus errors is not a new one: pause, even when it said healthy long enough', () => {
  const kept: FlagHealth = { ...health('healthy'), providerErrors: { count: 1, limit: 4, message: 'Prometheus unavailable: ECONNREFUSED', at: NOW.toISOString() } };
  const { decision } = decideWatchStep({ flag: flag(1), health: kept, stepSince: minutesAgo(60), now: NOW, failures: 0 }, advancing);
  assert.equal(decision.action, 'wait');
  assert.match((decision as { reason: string }).reason, /^paused: Prometheus failed 1 time\(s\) in a row/);
});

test('nothing to do: a missing, off or targeted flag stops the watch; advancing stops at 100%, watching does not', () => {
  assert.equal(decideWatchStep({ flag: undefined, health: health('healthy'), stepSince: undefined, now: NOW, failures: 0 }, advancing).decision.action, 'stop');
  assert.deepEqual(decideWatchStep({ flag: flag(0), health: health('healthy'), stepSince: undefined, now: NOW, failures: 0 }, watching).decision, { action: 'stop', reason: 'the rollout is off (0%)' });
  assert.equal(decideWatchStep({ flag: flag(10, { stage: 'targeted', percentage: null }), health: health('healthy'), stepSince: undefined, now: NOW, failures: 0 }, advancing).decision.action, 'stop');
  assert.deepEqual(decideWatchStep({ flag: flag(100), health: health('healthy'), stepSince: minutesAgo(60), now: NOW, failures: 0 }, advancing).decision, { action: 'stop', reason: 'the rollout is complete (100%)' });
  assert.equal(decideWatchStep({ flag: flag(100), health: health('failing'), stepSince: minutesAgo(60), now: NOW, failures: 2 }, watching).decision.action, 'abort', 'a released flag can still be aborted');
});

test('durations as people read them', () => {
  assert.deepEqual([formatDuration(42), formatDuration(1830), formatDuration(5400), formatDuration(7200)], ['42 s', '31 min', '1 h 30 min', '2 h']);
});
