// The undici HTTP client against a real local node:http server: down, hanging, token rejected,
// rate-limited, failing, oversized and garbage responses, and the token bound to its origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, HttpError, expectShape } from '../../core/src/http.js';
import { systemTimers } from '../../core/src/io.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const seen: Array<{ path: string; authorization?: string }> = [];
let server: Server;
let base: string;
let otherServer: Server;
let otherBase: string;

const TOKEN = 'secret-token-123';

before(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const handler = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (handler) handler(req, res);
    else res.writeHead(404).end('{"error":"not found"}');
  });
  otherServer = createServer((req, res) => {
    seen.push({ path: `other:${req.url}`, authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => otherServer.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  otherBase = `http://127.0.0.1:${(otherServer.address() as AddressInfo).port}`;
  routes.set('/ok', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"features":[{"name":"a"}]}'));
  routes.set('/hang', () => undefined);
  routes.set('/401', (_req, res) => res.writeHead(401).end('unauthorized'));
  routes.set('/403', (_req, res) => res.writeHead(403).end(`forbidden for ${TOKEN}`));
  routes.set('/garbage', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json'));
  routes.set('/big', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`"${'x'.repeat(5000)}"`);
  });
  let flaky = 0;
  routes.set('/flaky', (_req, res) => {
    flaky++;
    if (flaky < 3) res.writeHead(503).end('busy');
    else res.writeHead(200).end('{"attempts":' + flaky + '}');
  });
  let limited = 0;
  routes.set('/limited', (_req, res) => {
    limited++;
    if (limited === 1) res.writeHead(429, { 'retry-after': '1' }).end('slow down');
    else res.writeHead(200).end('{"ok":true}');
  });
  routes.set('/always500', (_req, res) => res.writeHead(500).end('boom'));
  routes.set('/patch500', (_req, res) => res.writeHead(500).end('boom'));
});

after(async () => {
  server.closeAllConnections();
  otherServer.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => otherServer.close(r));
});

function client(options: ConstructorParameters<typeof HttpClient>[0] = {}, waits: number[] = []) {
  return new HttpClient({
    credentials: [{ origin: base, header: 'Authorization', value: TOKEN }],
    timers: { ...systemTimers, sleep: async (ms: number) => void waits.push(ms) },
    random: () => 0.5,
    ...options,
  });
}

test('a healthy JSON response is parsed, and the token is sent to its own origin only', async () => {
  const http = client();
  seen.length = 0;
  const { value } = await http.json(`${base}/ok`);
  assert.deepEqual(value, { features: [{ name: 'a' }] });
  await http.json(`${otherBase}/ok`);
  assert.equal(seen.find((s) => s.path === '/ok')?.authorization, TOKEN);
  assert.equal(seen.find((s) => s.path.startsWith('other:'))?.authorization, undefined, 'token leaked to another origin');
  await http.close();
});

test('a server that is down gives a network error naming the URL, after bounded retries', async () => {
  const waits: number[] = [];
  const http = client({ maxRetries: 2 }, waits);
  const down = `http://127.0.0.1:1/api`;
  await assert.rejects(http.json(down), (error: unknown) => {
    assert.ok(error instanceof HttpError);
    assert.equal(error.kind, 'network');
    assert.match(error.message, /cannot reach http:\/\/127\.0\.0\.1:1\/api/);
    return true;
  });
  assert.equal(waits.length, 2, 'two retries, then give up');
  await http.close();
});

test('a hanging server times out instead of blocking: the client gives up and closes the request', { timeout: 30_000 }, async () => {
  // The server never answers; it records whether the client went away while the response was still open.
  let requests = 0;
  let closedByClient: Promise<boolean> | undefined;
  routes.set('/hang-observed', (_req, res) => {
    requests++;
    closedByClient = new Promise((resolve) => res.on('close', () => resolve(!res.writableEnded)));
  });
  const http = client({ headersTimeoutMs: 300, maxRetries: 0 });
  await assert.rejects(http.json(`${base}/hang-observed`), (error: unknown) => error instanceof HttpError && error.kind === 'timeout' && /timed out waiting for the response from http/.test(error.message));
  assert.equal(requests, 1, 'one attempt (maxRetries 0)');
  assert.equal(await closedByClient, true, 'the client closed the unanswered request: the headers timeout fired');
});

test('a hanging server times out instead of blocking: the headers timeout fires, not the total deadline', async () => {
  const http = client({ headersTimeoutMs: 300, totalTimeoutMs: 60_000, maxRetries: 0 });
  await assert.rejects(http.json(`${base}/hang`), (error: unknown) => {
    assert.ok(error instanceof HttpError);
    assert.equal(error.kind, 'timeout');
    assert.match(error.message, /timed out waiting for the response from http/);
    assert.equal(error.deadline, false);
    return true;
  });
  await http.close();
});

test('the default connect, headers and idle timeouts are at most 5 s, and every call has a 10 s total deadline', () => {
  const http = new HttpClient();
  const settings = (http as unknown as { settings: Record<string, number> }).settings;
  for (const name of ['connectTimeoutMs', 'headersTimeoutMs', 'bodyTimeoutMs']) assert.ok(settings[name] <= 5000, name);
  assert.equal(settings.totalTimeoutMs, 10_000);
  void http.close();
});

test('short secrets are masked only as whole tokens, long ones everywhere', () => {
  const http = new HttpClient({ credentials: [{ origin: base, header: 'authorization', value: 'tok' }, { origin: base, header: 'x-key', value: 'k3y-0123456789abcdef' }] });
  assert.equal(http.redact('Unexpected token tok in JSON'), 'Unexpected token *** in JSON');
  assert.equal(http.redact('auth=tok;'), 'auth=***;');
  assert.equal(http.redact('prefixk3y-0123456789abcdefsuffix'), 'prefix***suffix');
  void http.close();
});

test('401 and 403 say the token was rejected, by which origin, and never show the token', async () => {
  const http = client();
  for (const status of ['401', '403']) {
    await assert.rejects(http.json(`${base}/${status}`), (error: unknown) => {
      assert.ok(error instanceof HttpError);
      assert.equal(error.kind, 'auth');
      assert.match(error.message, new RegExp(`token rejected by ${base.replace(/\./g, '\\.')}`));
      assert.ok(!error.message.includes(TOKEN));
      return true;
    });
  }
  await http.close();
});

test('5xx responses are retried with growing backoff until success', async () => {
  const waits: number[] = [];
  const http = client({ maxRetries: 3, retryBaseDelayMs: 100 }, waits);
  const { value } = await http.json(`${base}/flaky`);
  assert.deepEqual(value, { attempts: 3 });
  assert.equal(waits.length, 2);
  assert.ok(waits[1] > waits[0], `backoff grows: ${waits}`);
  await http.close();
});

test('429 honours Retry-After', async () => {
  const waits: number[] = [];
  const http = client({}, waits);
  await http.json(`${base}/limited`);
  assert.deepEqual(waits, [1000]);
  await http.close();
});

test('retries are bounded, and a persistent 5xx is an error with the URL', async () => {
  const waits: number[] = [];
  const http = client({ maxRetries: 2 }, waits);
  await assert.rejects(http.json(`${base}/always500`), /HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/always500: boom/);
  assert.equal(waits.length, 2);
  await http.close();
});

test('non-idempotent writes are not retried', async () => {
  const waits: number[] = [];
  const http = client({ maxRetries: 3 }, waits);
  const response = await http.request({ method: 'PATCH', url: `${base}/patch500`, json: [] });
  assert.equal(response.status, 500);
  assert.equal(waits.length, 0);
  await http.close();
});

test('a garbage body is a parse error naming the URL', async () => {
  const http = client();
  await assert.rejects(http.json(`${base}/garbage`), (error: unknown) => error instanceof HttpError && error.kind === 'parse' && error.message.includes(`${base}/garbage`));
  await http.close();
});

test('a response above the size cap is refused', async () => {
  const http = client({ maxResponseBytes: 1000 });
  await assert.rejects(http.json(`${base}/big`), (error: unknown) => error instanceof HttpError && error.kind === 'too-large');
  await http.close();
});

test('an unexpected shape names the URL and the field', () => {
  assert.throws(
    () => expectShape({ features: [{ name: 3 }] }, 'features[0].name', 'string', 'http://h/api'),
    /unexpected response from http:\/\/h\/api: field 'features\[0\]\.name' should be a string, got number/,
  );
});

test('user-info in a URL is never shown in errors', async () => {
  const http = client({ maxRetries: 0 });
  await assert.rejects(http.json(`http://user:pw@127.0.0.1:1/x`), (error: unknown) => error instanceof Error && !error.message.includes('pw'));
  await http.close();
});
