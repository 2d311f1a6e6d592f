// The one background loop the language server runs, driven by recorded timers (no waiting on the wall
// clock): readers never wait on a round; health of the flags being rolled out reaches the host; a round
// waits on an unreachable Prometheus once; the health tick follows metrics.evaluateEvery; Unleash polling
// backs off 2 s, 4 s, 8 s … while the source fails and returns to its interval; windows come from the rollout
// step records; watch leases are read; an untrusted workspace never queries Prometheus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelayMs } from '../../core/src/backoff.js';
import { defaultConfig, type FlaglensConfig } from '../../core/src/config.js';
import { HttpError, type HttpTransport } from '../../core/src/http.js';
import { startLiveUpdates, STATE_POLL_BACKOFF, type LiveUpdatesTarget } from '../../core/src/health/liveUpdates.js';
import { rolloutStepFile } from '../../core/src/health/rolloutSteps.js';
import { watchLeaseFile, type WatchLease } from '../../core/src/health/watchLease.js';
import type { FlagHealth, FlagState, StateSnapshot } from '../../core/src/model.js';
import type { Timers } from '../../core/src/io.js';
import { memoryFileSystem } from '../scanner/fixture.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ROOT = '/w';

/** Timers that only record: `fire()` runs the earliest pending one, as the event loop would. */
function recordedTimers(): Timers & { pending: Array<{ id: number; ms: number; run: () => void }>; delays: number[]; fire(): Promise<void> } {
  let next = 1;
  const timers = {
    pending: [] as Array<{ id: number; ms: number; run: () => void }>,
    delays: [] as number[],
    schedule(ms: number, run: () => void) {
      const id = next++;
      timers.pending.push({ id, ms, run });
      timers.delays.push(ms);
      return () => {
        timers.pending = timers.pending.filter((timer) => timer.id !== id);
      };
    },
    sleep: async () => undefined,
    monotonicMs: () => 0,
    async fire() {
      const timer = timers.pending.shift();
      assert.ok(timer, 'a timer is pending');
      timer.run();
      // Let the async tick (round or state reload) run to its next timer.
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return timers;
}

/** An HTTP transport answering Prometheus instant queries with `answer(promql)`, recording each query. */
function prometheusHttp(answer: (promql: string) => number | undefined | 'down'): HttpTransport & { queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    async json(url: string) {
      const promql = decodeURIComponent(new URL(url).searchParams.get('query') ?? '');
      queries.push(promql);
      const value = answer(promql);
      if (value === 'down') throw new HttpError(`cannot reach ${url}: ECONNREFUSED`, 'network', url);
      const result = value === undefined ? [] : [{ metric: {}, value: [0, String(value)] }];
      return { value: { status: 'success', data: { resultType: 'vector', result } }, response: { status: 200, headers: {}, text: '', url } };
    },
    request: async () => assert.fail('only json() is used'),
    throwForStatus: () => undefined,
    redact: (text: string) => text,
    close: async () => undefined,
  };
}

function flag(key: string, stage: FlagState['stage'], percentage = 10): FlagState {
  return { key, stage, percentage, enabled: true, variants: {}, releasedAt: null, releasedAtSource: 'unknown', provider: 'test', fields: {} };
}

function target(options: { trusted?: boolean; flags?: FlagState[]; unleash?: boolean; stale?: () => boolean; updates?: Array<Map<string, FlagHealth>> } = {}) {
  const config: FlaglensConfig = {
    ...defaultConfig(),
    metrics: {
      prometheus: { url: 'http://prometheus.test:9090' },
      interval: '1m',
      evaluateEverySeconds: 15,
      consecutiveErrorLimit: 1,
      checks: [{ name: 'error-rate', query: 'errors{flag="{{flag}}",variant="{{variant}}"}[{{window}}]', max: 0.05 }],
      variants: { on: 'on', off: 'off' },
    },
  };
  if (options.unleash) config.state.unleash = { url: 'http://unleash.test', project: 'default', environment: 'development', token: { env: 'T' }, pollIntervalSeconds: 20, insecureSkipTlsVerify: false };
  const updates = options.updates ?? [];
  const leases: Array<Map<string, WatchLease>> = [];
  let reloads = 0;
  const host: LiveUpdatesTarget & { updates: typeof updates; leases: typeof leases; reloads(): number } = {
    config,
    writesAllowed: options.trusted ?? true,
    flags: () => options.flags ?? [flag('rolling-flag', 'rolling'), flag('done-flag', 'released', 100)],
    snapshot: (): StateSnapshot => ({ provider: 'test', flags: [], removedKeys: [], errors: [], fetchedAt: NOW.toISOString(), ...(options.stale?.() ? { staleness: { since: NOW.toISOString(), reason: 'down' } } : {}) }),
    now: () => NOW,
    setHealth: (health) => void updates.push(health),
    setWatchLeases: (map) => void leases.push(map),
    reloadState: async () => void reloads++,
    updates,
    leases,
    reloads: () => reloads,
  };
  return host;
}

test('health of the flags being rolled out reaches the host; readers see the last round at once', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const http = prometheusHttp(() => 0.01);
  const slow = { ...http, json: async (url: string) => { await gate; return http.json(url); } } as unknown as HttpTransport;
  const host = target();
  const live = startLiveUpdates(host, { http: slow, timers: recordedTimers() });
  const round = live.evaluateHealthNow();
  assert.equal(live.currentHealth().size, 0, 'no waiting on the network: the previous (empty) result is there at once');
  assert.equal(live.evaluateHealthNow(), round, 'a second request joins the round in flight');
  release();
  const result = await round;
  live.dispose();
  assert.deepEqual([...result.keys()], ['rolling-flag'], 'only canary/rolling flags are evaluated');
  assert.equal(result.get('rolling-flag')?.status, 'healthy');
  assert.equal(host.updates.length, 1);
  assert.equal(live.currentHealth().get('rolling-flag')?.status, 'healthy');
});

test('the health tick starts after the first delay and repeats every metrics.evaluateEvery seconds', async () => {
  const timers = recordedTimers();
  const http = prometheusHttp(() => 0.01);
  const host = target();
  const live = startLiveUpdates(host, { http, timers, firstHealthDelayMs: 1000 });
  assert.deepEqual(timers.delays, [1000, 30_000], 'first health round, first state poll (the default 30 s: no Unleash configured)');
  await timers.fire();
  assert.equal(host.updates.length, 1);
  assert.deepEqual(timers.delays.slice(2), [15_000], 'the next round in evaluateEvery');
  timers.pending.sort((a, b) => a.ms - b.ms);
  await timers.fire();
  assert.equal(host.updates.length, 2);
  live.dispose();
  assert.equal(timers.pending.length, 0, 'dispose cancels every timer');
});

test('when Prometheus is down, a round waits on it once, not once per flag', async () => {
  const http = prometheusHttp(() => 'down');
  const host = target({ flags: [flag('a', 'rolling'), flag('b', 'canary', 1), flag('c', 'rolling', 50)] });
  const live = startLiveUpdates(host, { http, timers: recordedTimers() });
  const result = await live.evaluateHealthNow();
  live.dispose();
  assert.equal(http.queries.length, 1);
  assert.deepEqual([...result.values()].map((h) => [h.key, h.status]), [['a', 'unavailable'], ['b', 'unavailable'], ['c', 'unavailable']]);
});

test('Unleash polling backs off 2 s, 4 s, 8 s while the source fails, and returns to its interval once it answers', async () => {
  const timers = recordedTimers();
  let failing = true;
  const host = target({ unleash: true, stale: () => failing });
  const live = startLiveUpdates(host, { http: prometheusHttp(() => 0.01), timers, random: () => 1 });
  // Fire the state timer (not the health one) and return the delay it scheduled next.
  const nextState = async () => {
    const index = timers.pending.findIndex((timer) => timer.ms !== 15_000 && timer.ms !== 1000);
    const [timer] = timers.pending.splice(index, 1);
    timers.pending.unshift(timer);
    await timers.fire();
    return timers.delays[timers.delays.length - 1];
  };
  assert.equal(timers.delays[1], 20_000, 'the first poll after pollInterval');
  assert.equal(await nextState(), 2000);
  assert.equal(await nextState(), 4000);
  assert.equal(await nextState(), 8000);
  failing = false;
  assert.equal(await nextState(), 20_000);
  assert.equal(host.reloads(), 4);
  live.dispose();
});

test('the state poll backoff: equal jitter between half and all of the doubling delay, capped', () => {
  assert.deepEqual([0, 1, 2, 3].map((n) => backoffDelayMs(n, STATE_POLL_BACKOFF, () => 1)), [2000, 4000, 8000, 16000]);
  assert.deepEqual([0, 1, 2].map((n) => backoffDelayMs(n, STATE_POLL_BACKOFF, () => 0)), [1000, 2000, 4000]);
  assert.equal(backoffDelayMs(30, STATE_POLL_BACKOFF, () => 1), 300_000);
  assert.equal(backoffDelayMs(5000, STATE_POLL_BACKOFF, () => 1), 300_000, 'no overflow for long outages');
});

test('windows come from the rollout step records: since the step began, else the interval', async () => {
  const fs = memoryFileSystem({}, ROOT);
  fs.files.set(rolloutStepFile(`${ROOT}/.flaglens`, 'stepped'), JSON.stringify({ version: 1, key: 'stepped', percentage: 10, since: '2026-03-01T11:30:00.000Z', by: 'bump' }));
  fs.files.set(rolloutStepFile(`${ROOT}/.flaglens`, 'moved'), JSON.stringify({ version: 1, key: 'moved', percentage: 1, since: '2026-03-01T11:00:00.000Z', by: 'bump' }));
  const http = prometheusHttp(() => 0.01);
  const host = target({ flags: [flag('stepped', 'canary'), flag('moved', 'canary'), flag('unrecorded', 'canary')] });
  const live = startLiveUpdates(host, { http, timers: recordedTimers(), files: { fs, stateDirectory: `${ROOT}/.flaglens` } });
  await live.evaluateHealthNow();
  live.dispose();
  const rangeOf = (key: string) => /\[(\w+)\]/.exec(http.queries.find((q) => q.includes(`flag="${key}"`))!)?.[1];
  assert.equal(rangeOf('stepped'), '1800s', 'thirty minutes since the 10% step began');
  assert.equal(rangeOf('moved'), '1m', 'the record is for 1%, the flag is at 10% now: start unknown');
  assert.equal(rangeOf('unrecorded'), '1m');
});

test('watch leases are read on every health tick, also in an untrusted workspace, which never queries Prometheus', async () => {
  const fs = memoryFileSystem({}, ROOT);
  const lease: WatchLease = { version: 1, key: 'rolling-flag', mode: 'advance', pid: 4242, hostname: 'ci-1', startedAt: NOW.toISOString(), refreshedAt: NOW.toISOString(), expiresAt: new Date(NOW.getTime() + 60_000).toISOString() };
  fs.files.set(watchLeaseFile(`${ROOT}/.flaglens`, 'rolling-flag'), JSON.stringify(lease));
  const http = prometheusHttp(() => 0.01);
  const host = target({ trusted: false });
  const live = startLiveUpdates(host, { http, timers: recordedTimers(), files: { fs, stateDirectory: `${ROOT}/.flaglens` } });
  await live.evaluateHealthNow();
  live.dispose();
  assert.equal(http.queries.length, 0);
  assert.equal(host.updates.length, 0);
  assert.deepEqual([...host.leases[0].values()], [lease]);
});
