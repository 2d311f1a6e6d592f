// What the client shows for the server's flag list: tree-row descriptions, stage order, health icons, the
// status-bar text (hidden without flags), and which refusals "Bump anyway" may override.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlagSummary } from '../../protocol/src/index.js';
import { describeFlag, flagsViewRoots, groupFlagsByStage, healthIconId, isHealthRefusal, redactSecretsInTrace, statusBarContent } from '../../client/src/present.js';

function flag(key: string, fields: Partial<FlagSummary> = {}): FlagSummary {
  return { key, stage: 'rolling', percentage: 50, enabled: true, health: 'unknown', references: [], findings: [], stale: false, ...fields };
}

test('a tree row says percentage, known health, stale and finding codes', () => {
  assert.equal(describeFlag(flag('a', { stage: 'canary', percentage: 1 })), '1%');
  assert.equal(describeFlag(flag('b', { health: 'failing' })), '50% · failing');
  assert.equal(describeFlag(flag('c', { stage: 'released', percentage: 100, stale: true, findings: ['FL001'] })), '100% · stale · FL001');
  assert.equal(describeFlag(flag('d', { stage: 'targeted', percentage: null })), 'targeted');
  assert.equal(describeFlag(flag('e', { findings: ['FL005', 'FL009'], health: 'inconclusive' })), '50% · inconclusive · FL005 FL009');
});

test('flags are grouped by stage in rollout order, unknown stages last, keys sorted', () => {
  const groups = groupFlagsByStage([
    flag('z', { stage: 'released' }),
    flag('b', { stage: 'canary' }),
    flag('a', { stage: 'released' }),
    flag('x', { stage: 'experimental' }),
    flag('m', { stage: 'off' }),
    flag('c', { stage: 'rolling' }),
  ]);
  assert.deepEqual(
    groups.map((group) => [group.stage, group.flags.map((f) => f.key)]),
    [['canary', ['b']], ['rolling', ['c']], ['released', ['a', 'z']], ['off', ['m']], ['experimental', ['x']]],
  );
  assert.deepEqual(groupFlagsByStage([]), []);
});

test('each health status has its own icon', () => {
  const icons = ['healthy', 'failing', 'inconclusive', 'unavailable', 'unknown'].map(healthIconId);
  assert.equal(new Set(icons).size, icons.length);
  assert.equal(healthIconId('failing'), 'error');
});

test('the status bar is hidden without flags and counts what needs attention', () => {
  assert.equal(statusBarContent(0, { stale: 0, unhealthy: 0 }).visible, false);
  assert.deepEqual(statusBarContent(11, { stale: 2, unhealthy: 0 }), {
    visible: true,
    text: '$(flag) 2 stale',
    tooltip: 'Flaglens: 2 stale of 11 flags need attention — show flags',
    warning: false,
  });
  const unhealthy = statusBarContent(3, { stale: 1, unhealthy: 1 });
  assert.equal(unhealthy.text, '$(flag) 1 stale · 1 unhealthy');
  assert.equal(unhealthy.warning, true);
  assert.equal(statusBarContent(1, { stale: 0, unhealthy: 0 }).text, '$(flag) 1');
});

test('only the health guard may be overridden with "Bump anyway"', () => {
  assert.equal(isHealthRefusal('unhealthy'), true);
  for (const reason of ['conflict', 'invalid', 'unsupported', 'not-found', 'unavailable', 'untrusted']) assert.equal(isHealthRefusal(reason), false, reason);
});

test('protocol traces never contain the tokens sent with setSecrets', () => {
  const traced = "Sending notification 'flaglens/setSecrets'.\nParams: {\n    \"tokens\": [\n        { \"variable\": \"UNLEASH_TOKEN\", \"origin\": \"http://127.0.0.1:4242\", \"value\": \"*:*.secret-admin-token\" }\n    ],\n    \"trusted\": true\n}\n";
  const written = redactSecretsInTrace(traced);
  assert.doesNotMatch(written, /secret-admin-token/);
  assert.match(written, /^Sending notification 'flaglens\/setSecrets'\./);
  const other = "Sending request 'textDocument/hover - (3)'.\nParams: {}";
  assert.equal(redactSecretsInTrace(other), other);
});

test('the Flags view groups by folder when the workspace has several, each folder with its own stages; one folder is not grouped', () => {
  const shop = { uri: 'file:///w/shop', name: 'shop', flags: [flag('new-checkout', { stage: 'released' }), flag('fast-search', { stage: 'rolling' })], attention: { stale: 1, unhealthy: 0 } };
  const admin = { uri: 'file:///w/admin', name: 'admin', flags: [flag('audit-log', { stage: 'canary' })], attention: { stale: 0, unhealthy: 1 } };
  const empty = { uri: 'file:///w/docs', name: 'docs', flags: [], attention: { stale: 0, unhealthy: 0 } };
  const single = flagsViewRoots([shop]);
  assert.equal(single.grouped, false);
  assert.deepEqual(single.grouped === false && single.stages.map((group) => group.stage), ['rolling', 'released']);
  const grouped = flagsViewRoots([shop, admin, empty]);
  assert.ok(grouped.grouped);
  assert.deepEqual(
    grouped.folders.map((entry) => [entry.folder.name, entry.description, entry.stages.map((group) => [group.stage, group.flags.map((f) => f.key)])]),
    [
      ['shop', '2 flags · 1 stale', [['rolling', ['fast-search']], ['released', ['new-checkout']]]],
      ['admin', '1 flag · 1 unhealthy', [['canary', ['audit-log']]]],
      ['docs', 'no flags', []],
    ],
  );
  const bar = statusBarContent(3, { stale: 1, unhealthy: 1 }, [shop, admin]);
  assert.equal(bar.text, '$(flag) 1 stale · 1 unhealthy');
  assert.match(bar.tooltip, /\nshop: 2 flags · 1 stale\nadmin: 1 flag · 1 unhealthy$/);
  assert.doesNotMatch(statusBarContent(2, { stale: 1, unhealthy: 0 }, [shop]).tooltip, /shop:/);
});
