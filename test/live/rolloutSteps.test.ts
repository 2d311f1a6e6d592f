// The files Flaglens keeps for health in .flaglens/: rollout step records (a window since the step began,
// trusted only while the flag is still at the recorded percentage) and watch leases (live until they expire).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkspaceFileWriter } from '../../core/src/io.js';
import { currentStep, readRolloutStep, recordRolloutStep, rolloutStepFile, stepWindow } from '../../core/src/health/rolloutSteps.js';
import { describeWatchLease, isLeaseLive, readWatchLease, readWatchLeases, watchLeaseFile, watchLeaseLifetimeMs, writeWatchLease, type WatchLease } from '../../core/src/health/watchLease.js';
import type { FlagState } from '../../core/src/model.js';
import { memoryFileSystem } from '../scanner/fixture.js';

const DIR = '/w/.flaglens';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const metrics = { interval: '5m' };

function files() {
  const fs = memoryFileSystem({}, '/w');
  const writer: WorkspaceFileWriter = { writeFile: (path, content) => void fs.files.set(path, content), removeFile: (path) => void fs.files.delete(path) };
  return { fs, writer };
}

const at = (percentage: number | null, enabled = true): Pick<FlagState, 'percentage' | 'enabled'> => ({ percentage, enabled });

test('a recorded step gives the window since it began, in whole seconds', () => {
  const { fs, writer } = files();
  assert.equal(recordRolloutStep(writer, DIR, { key: 'new-checkout', percentage: 10, since: '2026-03-01T11:29:25.500Z', by: 'bump' }), true);
  const record = readRolloutStep(fs, DIR, 'new-checkout');
  assert.deepEqual(record, { version: 1, key: 'new-checkout', percentage: 10, since: '2026-03-01T11:29:25.500Z', by: 'bump' });
  assert.deepEqual(stepWindow(record, at(10), NOW, metrics), { range: '1835s', seconds: 1835, source: 'step', since: '2026-03-01T11:29:25.500Z' });
});

test('a record for another percentage, a disabled flag, or no record: the start is unknown and the window is the interval', () => {
  const { fs, writer } = files();
  recordRolloutStep(writer, DIR, { key: 'f', percentage: 1, since: '2026-03-01T11:00:00.000Z', by: 'bump' });
  const record = readRolloutStep(fs, DIR, 'f');
  assert.equal(currentStep(record, at(10)), undefined, 'someone moved it to 10% since');
  assert.equal(currentStep(record, at(1, false)), undefined);
  assert.deepEqual(stepWindow(record, at(10), NOW, metrics), { range: '5m', seconds: 300, source: 'interval' });
  assert.deepEqual(stepWindow(undefined, at(1), NOW, metrics), { range: '5m', seconds: 300, source: 'interval' });
});

test('any key is one file name, and a broken record is no record', () => {
  const { fs, writer } = files();
  assert.equal(rolloutStepFile(DIR, 'team/new checkout'), '/w/.flaglens/steps/team%2Fnew%20checkout.json');
  recordRolloutStep(writer, DIR, { key: 'team/new checkout', percentage: 50, since: NOW.toISOString(), by: 'watch' });
  assert.equal(readRolloutStep(fs, DIR, 'team/new checkout')?.percentage, 50);
  fs.files.set(rolloutStepFile(DIR, 'broken'), '{"version":1,"key":"broken","percentage":"ten"');
  assert.equal(readRolloutStep(fs, DIR, 'broken'), undefined);
  const failing: WorkspaceFileWriter = { writeFile: () => { throw new Error('EROFS'); }, removeFile: () => undefined };
  assert.equal(recordRolloutStep(failing, DIR, { key: 'f', percentage: 1, since: NOW.toISOString(), by: 'bump' }), false, 'a read-only folder loses the window, not the bump');
});

test('watch leases: written, listed, live until they expire, described for the hover', () => {
  const { fs, writer } = files();
  const lease: WatchLease = { version: 1, key: 'new-checkout', mode: 'advance', pid: 4242, hostname: 'ci-1', startedAt: '2026-03-01T11:00:00.000Z', refreshedAt: '2026-03-01T11:59:40.000Z', expiresAt: new Date(Date.parse('2026-03-01T11:59:40.000Z') + watchLeaseLifetimeMs(30)).toISOString() };
  writeWatchLease(writer, DIR, lease);
  assert.equal(watchLeaseFile(DIR, 'new-checkout'), '/w/.flaglens/watch/new-checkout.json');
  assert.deepEqual(readWatchLease(fs, DIR, 'new-checkout'), lease);
  assert.deepEqual([...readWatchLeases(fs, DIR).keys()], ['new-checkout']);
  assert.equal(isLeaseLive(lease, NOW), true);
  assert.equal(isLeaseLive(lease, new Date(NOW.getTime() + 91_000)), false, 'three 30 s intervals without a refresh: gone');
  assert.equal(describeWatchLease(lease, NOW), 'under flaglens watch --advance (pid 4242 on ci-1, since 2026-03-01T11:00:00.000Z; last seen 20 s ago)');
  assert.equal(watchLeaseLifetimeMs(1), 60_000, 'at least a minute');
  assert.deepEqual([...readWatchLeases(memoryFileSystem({}, '/x'), '/x/.flaglens').keys()], [], 'no folder: no leases');
});
