// The one backoff (exponential with equal jitter): the bound doubles per attempt up to the cap, the wait is
// drawn from [bound/2, bound], and the HTTP client and the background loop's Unleash polling both wait exactly what it says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs } from '../../core/src/backoff.js';
import { STATE_POLL_BACKOFF } from '../../core/src/health/liveUpdates.js';

test('equal jitter: half the bound is fixed, the other half random; the bound doubles and is capped', () => {
  const policy = { baseMs: 250, capMs: 5000 };
  assert.deepEqual([0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffDelayMs(attempt, policy, () => 1)), [250, 500, 1000, 2000, 4000, 5000, 5000]);
  assert.deepEqual([0, 1, 2].map((attempt) => backoffDelayMs(attempt, policy, () => 0)), [125, 250, 500], 'never less than half the bound');
  assert.equal(backoffDelayMs(2, policy, () => 0.5), 750);
  assert.equal(backoffDelayMs(10_000, policy, () => 1), 5000, 'huge attempt counts do not overflow');
  assert.equal(backoffDelayMs(-3, policy, () => 1), 250);
});

test('the background loop\'s Unleash poll backoff is the same function: 2 s … 5 min', () => {
  assert.equal(backoffDelayMs(0, STATE_POLL_BACKOFF, () => 1), 2000);
  assert.equal(backoffDelayMs(3, STATE_POLL_BACKOFF, () => 0), 8000);
  assert.equal(backoffDelayMs(40, STATE_POLL_BACKOFF, () => 1), 300_000);
});
