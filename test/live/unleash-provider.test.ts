// The Unleash provider against a small local node:http server speaking the few Admin API routes it uses:
// ETag reuse, untrusted workspaces (no request, snapshot only, writes refused), a rejected token, an
// unexpected response shape, and polling backoff. The real server is covered in test/integration.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeFileSystem, nodeFileWriter } from '../../core/src/nodeIo.js';
import { environmentTokenVault } from '../../core/src/trust.js';
import { RolloutRefusedError } from '../../core/src/model.js';
import { HttpClient } from '../../core/src/http.js';
import { UnleashStateProvider } from '../../core/src/providers/unleash/provider.js';

const TOKEN = 'tok-abc-123';
let server: Server;
let base: string;
const requests: Array<{ url: string; auth?: string; ifNoneMatch?: string }> = [];
let mode: 'ok' | 'reject' | 'odd' = 'ok';
/** The project's newest event id the stand-in reports; undefined: the events endpoint is missing (404). */
let eventId: number | undefined;
let dir: string;

const feature = {
  name: 'new-checkout',
  type: 'release',
  environments: [{ name: 'development', enabled: true, lastSeenAt: null, strategies: [{ id: 's1', name: 'flexibleRollout', constraints: [], segments: [], parameters: { rollout: '10' } }] }],
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flaglens-unleash-unit-'));
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', auth: req.headers.authorization, ifNoneMatch: req.headers['if-none-match'] as string | undefined });
    if (mode === 'reject') return void res.writeHead(401).end('{"message":"invalid token"}');
    if (req.method === 'PATCH') return void res.writeHead(403).end('{"message":"read-only token"}');
    const url = req.url ?? '';
    res.setHeader('content-type', 'application/json');
    if (url === '/api/admin/projects/default/features') return void res.end(JSON.stringify({ features: mode === 'odd' ? [{ name: 7 }] : [{ name: 'new-checkout' }] }));
    if (url === '/api/admin/projects/default/features/new-checkout') {
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
      res.setHeader('etag', '"v1"');
      return void res.end(JSON.stringify(feature));
    }
    if (url.startsWith('/api/admin/search/features')) return void res.end('{"features":[]}');
    if (url.startsWith('/api/admin/search/events')) {
      if (eventId === undefined) return void res.writeHead(404).end('{}');
      return void res.end(JSON.stringify({ events: [{ id: eventId, type: 'feature-strategy-update' }] }));
    }
    res.writeHead(404).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function provider(options: { allowNetwork?: boolean; token?: string } = {}) {
  return new UnleashStateProvider({
    config: { url: base, project: 'default', environment: 'development', token: { env: 'UNLEASH_TOKEN' }, pollIntervalSeconds: 30, insecureSkipTlsVerify: false },
    steps: [1, 10, 50, 100],
    clock: { now: () => new Date() },
    tokens: environmentTokenVault({ UNLEASH_TOKEN: options.token ?? TOKEN }, [{ variable: 'UNLEASH_TOKEN', origin: base }]),
    allowNetwork: options.allowNetwork ?? true,
    workspace: { root: dir, fs: nodeFileSystem, writer: nodeFileWriter },
    snapshotDir: dir,
    reuseWithinMs: 0,
    http: new HttpClient({ credentials: [{ origin: base, header: 'authorization', value: options.token ?? TOKEN }], maxRetries: 0 }),
  });
}

test('reads flags with the token, and an unchanged flag is not transferred again (ETag → 304)', async () => {
  mode = 'ok';
  requests.length = 0;
  const p = provider();
  const first = await p.load();
  const second = await p.load();
  p.dispose();
  assert.equal(first.flags[0].percentage, 10);
  assert.equal(second.flags[0].percentage, 10, 'a 304 reuses the cached flag');
  const detail = requests.filter((r) => r.url.endsWith('/features/new-checkout'));
  assert.deepEqual(detail.map((r) => r.ifNoneMatch), [undefined, '"v1"']);
  assert.ok(requests.every((r) => r.auth === TOKEN));
  assert.ok(!readFileSync(join(dir, 'unleash-snapshot.json'), 'utf8').includes(TOKEN), 'no token in the snapshot');
});

test('when the project\'s newest event is unchanged, a poll is one small request', async () => {
  mode = 'ok';
  eventId = 41;
  const p = provider();
  await p.load();
  requests.length = 0;
  await p.load();
  assert.deepEqual(requests.map((r) => r.url.split('?')[0]), ['/api/admin/search/events']);
  eventId = 42;
  requests.length = 0;
  const after = await p.load();
  p.dispose();
  eventId = undefined;
  assert.ok(requests.some((r) => r.url.endsWith('/features/new-checkout')), 'a new event means a full read');
  assert.equal(after.flags[0].percentage, 10);
});

test('an untrusted workspace makes no request, shows the snapshot, and refuses writes', async () => {
  requests.length = 0;
  const p = provider({ allowNetwork: false });
  const snapshot = await p.load();
  await assert.rejects(p.bump({ key: 'new-checkout' }), (error: unknown) => error instanceof RolloutRefusedError && error.reason === 'unavailable');
  p.dispose();
  assert.equal(requests.length, 0);
  assert.equal(snapshot.flags[0]?.key, 'new-checkout');
  assert.match(snapshot.staleness?.reason ?? '', /workspace not trusted/);
});

test('a rejected token keeps the last state and says so, without the token', async () => {
  mode = 'reject';
  const p = provider();
  const snapshot = await p.load();
  p.dispose();
  mode = 'ok';
  assert.match(snapshot.staleness?.reason ?? '', new RegExp(`token rejected by ${base.replace(/\./g, '\\.')}`));
  assert.ok(!JSON.stringify(snapshot).includes(TOKEN));
});

test('an unexpected shape is reported with the URL and the field', async () => {
  mode = 'odd';
  const p = provider();
  rmSync(join(dir, 'unleash-snapshot.json'), { force: true });
  await assert.rejects(p.load(), /Unleash unreachable: unexpected response from http:\/\/127\.0\.0\.1:\d+\/api\/admin\/projects\/default\/features: field 'features\[0\]\.name' should be a string, got number/);
  p.dispose();
  mode = 'ok';
});

test('a token without write access turns a bump into a clear refusal, not a crash', async () => {
  mode = 'ok';
  const p = provider();
  const expected = (await p.load()).flags[0];
  await assert.rejects(p.bump({ key: 'new-checkout', expected }), (error: unknown) => {
    assert.ok(error instanceof RolloutRefusedError);
    assert.equal(error.reason, 'unavailable');
    assert.match(error.message, new RegExp(`Unleash did not accept the change: token rejected by ${base.replace(/\./g, '\\.')}`));
    assert.ok(!error.message.includes(TOKEN));
    return true;
  });
  p.dispose();
});
