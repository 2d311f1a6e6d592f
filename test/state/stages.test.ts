// The rollout ladder: stage names for percentages and the next step, with the default and a custom ladder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stageFor, nextStep, roundRolloutPercentage, formatRolloutPercentage } from '../../core/src/state/stages.js';

const ladder = [1, 10, 50, 100];

test('stageFor names every stage of the default ladder', () => {
  assert.equal(stageFor(0, true, ladder), 'off');
  assert.equal(stageFor(50, false, ladder), 'off', 'disabled is off whatever the weights say');
  assert.equal(stageFor(0.5, true, ladder), 'canary');
  assert.equal(stageFor(1, true, ladder), 'canary', 'the first step itself is still canary');
  assert.equal(stageFor(1.5, true, ladder), 'rolling');
  assert.equal(stageFor(99.99, true, ladder), 'rolling');
  assert.equal(stageFor(100, true, ladder), 'released');
  assert.equal(stageFor(null, true, ladder), 'targeted');
  assert.equal(stageFor(null, false, ladder), 'off');
});

test('stageFor follows a custom ladder', () => {
  assert.equal(stageFor(5, true, [5, 25, 100]), 'canary');
  assert.equal(stageFor(6, true, [5, 25, 100]), 'rolling');
});

test('nextStep is the smallest step above the current percentage', () => {
  assert.equal(nextStep(0, ladder), 1);
  assert.equal(nextStep(1, ladder), 10);
  assert.equal(nextStep(12.5, ladder), 50);
  assert.equal(nextStep(50, ladder), 100);
  assert.equal(nextStep(100, ladder), undefined);
  assert.equal(nextStep(null, ladder), undefined);
  assert.equal(nextStep(30, [5, 25]), 100, 'a ladder that stops short still ends at 100');
});

test('percentages keep sensible decimals', () => {
  assert.equal(roundRolloutPercentage(12.5), 12.5);
  assert.equal(roundRolloutPercentage(100 / 3), 33.33);
  assert.equal(formatRolloutPercentage(12.5), '12.5%');
  assert.equal(formatRolloutPercentage(null), 'targeted');
});
