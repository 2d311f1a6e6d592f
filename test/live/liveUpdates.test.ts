// The language server's background loop: health of the flags being rolled out reaches the host through
// setHealth without anyone waiting, and nothing is queried in an untrusted workspace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultConfig, type FlaglensConfig } from '../../core/src/config.js';
import { startLiveUpdates, type LiveUpdatesTarget } from '../../core/src/health/liveUpdates.js';
import type { FlagHealth, FlagState } from '../../core/src/model.js';

let server: Server;
let queries = 0;
let base: string;

before(async () => {
  // A Prometheus stand-in: every instant query returns one sample of 0.01.
  server = createServer((_req, res) => {
    queries++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, '0.01'] }] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function flag(key: string, stage: FlagState['stage']): FlagState {
  return { key, stage, percentage: 10, enabled: true, variants: {}, releasedAt: null, releasedAtSource: 'unknown', provider: 'test', fields: {} };
}

function target(trusted: boolean, updates: Array<Map<string, FlagHealth>>): LiveUpdatesTarget {
  const config: FlaglensConfig = {
    ...defaultConfig(),
    metrics: { prometheus: { url: base }, interval: '1m', evaluateEverySeconds: 30, checks: [{ name: 'error-rate', query: 'errors{flag="{{flag}}"}', max: 0.05 }], variants: { on: 'on', off: 'off' } },
  };
  return {
    config,
    writesAllowed: trusted,
    flags: () => [flag('rolling-flag', 'rolling'), flag('done-flag', 'released')],
    snapshot: () => ({ provider: 'test', flags: [], removedKeys: [], errors: [], fetchedAt: new Date().toISOString() }),
    now: () => new Date(),
    setHealth: (health) => void updates.push(health),
    reloadState: async () => undefined,
  };
}

test('health of the flags being rolled out is pushed to the host in the background', async () => {
  const updates: Array<Map<string, FlagHealth>> = [];
  const live = startLiveUpdates(target(true, updates));
  await live.evaluateHealthNow();
  live.dispose();
  assert.equal(updates.length >= 1, true);
  const last = updates[updates.length - 1];
  assert.deepEqual([...last.keys()], ['rolling-flag'], 'only canary/rolling flags are evaluated');
  assert.equal(last.get('rolling-flag')?.status, 'healthy');
});

test('an untrusted workspace never queries Prometheus', async () => {
  queries = 0;
  const updates: Array<Map<string, FlagHealth>> = [];
  const live = startLiveUpdates(target(false, updates));
  await live.evaluateHealthNow();
  live.dispose();
  assert.equal(queries, 0);
  assert.equal(updates.length, 0);
});
