// The hostile-server matrix, on loopback listeners: closed, hanging, dripping headers, dripping body, garbage,
// huge, and a valid server with an invalid rollout. The HTTP client ends each with an error of the right kind
// naming the URL (the total deadline firing for the drips), and the CLI turns each into its documented exit
// code with a one-line message, no stack trace, and no hang (one case also as a real child process).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { HttpClient, HttpError } from '../../core/src/http.js';
import { makeWorkspace, runFlaglens } from '../cli/cliHarness.js';

type Mode = 'closed' | 'hanging' | 'drip-headers' | 'drip-body' | 'garbage' | 'huge' | 'invalid-rollout';
const bases = new Map<Mode, string>();
const sockets = new Set<Socket>();
const timers = new Set<ReturnType<typeof setInterval>>();
let tcp: TcpServer[] = [];
let http: HttpServer[] = [];

function track(socket: Socket): void {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => undefined);
}

async function listenTcp(onConnection: (socket: Socket) => void): Promise<string> {
  const server = createTcpServer((socket) => {
    track(socket);
    onConnection(socket);
  });
  tcp.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Writes `text` one byte every `ms` until the socket closes. */
function drip(socket: Socket, text: string, ms: number): void {
  let index = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) return void clearInterval(timer);
    socket.write(text[index % text.length]!);
    index++;
  }, ms);
  timers.add(timer);
  socket.on('close', () => clearInterval(timer));
}

const feature = (rollout: string) =>
  JSON.stringify({
    name: 'new-checkout',
    type: 'release',
    environments: [{ name: 'development', enabled: true, lastSeenAt: null, strategies: [{ id: 's1', name: 'flexibleRollout', constraints: [], segments: [], parameters: { rollout } }] }],
  });

before(async () => {
  // closed: a port that was just released (nothing listens).
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  bases.set('closed', `http://127.0.0.1:${closedPort}`);
  bases.set('hanging', await listenTcp(() => undefined));
  bases.set('drip-headers', await listenTcp((socket) => drip(socket, 'HTTP/1.1 200 OK\r\nX-Slow: ', 100)));
  bases.set('drip-body', await listenTcp((socket) => {
    socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
    drip(socket, '1\r\n \r\n', 50);
  }));
  bases.set('garbage', await listenTcp((socket) => socket.end('this is not HTTP at all\r\n\r\n\u0000\u0001')));
  const huge = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  const invalid = createHttpServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    const url = req.url ?? '';
    if (url.startsWith('/api/admin/search/events')) return void res.end('{"events":[]}');
    if (url.startsWith('/api/admin/search/features')) return void res.end('{"features":[]}');
    if (url === '/api/admin/projects/default/features') return void res.end('{"features":[{"name":"new-checkout"}]}');
    if (url === '/api/admin/projects/default/features/new-checkout') return void res.end(feature('150'));
    res.writeHead(404).end('{}');
  });
  for (const [mode, server] of [['huge', huge], ['invalid-rollout', invalid]] as const) {
    http.push(server);
    server.on('connection', track);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    bases.set(mode, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
});

after(async () => {
  for (const timer of timers) clearInterval(timer);
  for (const socket of sockets) socket.destroy();
  await Promise.all([...tcp, ...http].map((server) => new Promise((resolve) => server.close(resolve))));
  tcp = [];
  http = [];
});

const expectations: Record<Exclude<Mode, 'invalid-rollout'>, { kind: HttpError['kind']; message: RegExp; deadline?: boolean }> = {
  closed: { kind: 'network', message: /cannot reach .*: ECONNREFUSED/ },
  hanging: { kind: 'timeout', message: /did not answer completely within 0\.5 s \(the total deadline/, deadline: true },
  'drip-headers': { kind: 'timeout', message: /did not answer completely within 0\.5 s/, deadline: true },
  'drip-body': { kind: 'timeout', message: /did not answer completely within 0\.5 s/, deadline: true },
  garbage: { kind: 'network', message: /cannot reach .*/ },
  huge: { kind: 'too-large', message: /is too large \(more than 1048576 bytes\)/ },
};

test('the HTTP client ends every hostile server with an error of the right kind naming the URL; the drips end by the total deadline', async () => {
  for (const [mode, expected] of Object.entries(expectations) as Array<[Exclude<Mode, 'invalid-rollout'>, (typeof expectations)['closed']]>) {
    // Idle timeouts far above the deadline: only the total deadline can end the drips.
    const client = new HttpClient({ totalTimeoutMs: 500, headersTimeoutMs: 60_000, bodyTimeoutMs: 60_000, maxRetries: 0, maxResponseBytes: 1024 * 1024 });
    const url = `${bases.get(mode)}/api/admin/projects/default/features`;
    await assert.rejects(client.json(url), (error: unknown) => {
      assert.ok(error instanceof HttpError, `${mode}: ${String(error)}`);
      assert.equal(error.kind, expected.kind, `${mode}: ${error.message}`);
      assert.match(error.message, expected.message, mode);
      assert.ok(error.message.includes(url), `${mode}: the message names the URL`);
      assert.equal(error.deadline, expected.deadline === true, `${mode}: ended by the deadline`);
      return true;
    });
    await client.close();
  }
});

test('retries never outlive the deadline: a retry that cannot finish in time is not started', async () => {
  const waits: number[] = [];
  const client = new HttpClient({
    totalTimeoutMs: 300,
    headersTimeoutMs: 100,
    maxRetries: 5,
    retryBaseDelayMs: 1000,
    random: () => 0.5,
    timers: { schedule: (ms, callback) => { const t = setTimeout(callback, ms); return () => clearTimeout(t); }, sleep: async (ms) => void waits.push(ms), monotonicMs: () => performance.now() },
  });
  await assert.rejects(client.json(`${bases.get('hanging')}/x`), (error: unknown) => error instanceof HttpError && error.kind === 'timeout');
  assert.deepEqual(waits, [], 'a 750 ms backoff does not fit in the 200 ms left');
  await client.close();
});

function unleashWorkspace(mode: Mode): string {
  return makeWorkspace({
    'flaglens.yaml': `state:\n  unleash:\n    url: ${bases.get(mode)}\n    token: { env: UNLEASH_TOKEN }\n    timeout: 0.5\n`,
    'src/app.ts': "import { OpenFeature } from '@openfeature/server-sdk';\nexport const on = OpenFeature.getClient().getBooleanValue('new-checkout', false);\n",
  });
}

const envFor = (mode: Mode) => ({ UNLEASH_TOKEN: 'tok-hostile-1234567', FLAGLENS_TRUST: `UNLEASH_TOKEN@${bases.get(mode)}`, HOME: '/nonexistent' });
const stackTrace = /\n\s+at .+[:(]\d+:\d+\)?/;

test('flags, check and bump against each hostile server: documented exit codes, one-line errors naming the URL, no stack trace', async () => {
  for (const mode of Object.keys(expectations) as Mode[]) {
    const root = unleashWorkspace(mode);
    const env = envFor(mode);
    const flags = await runFlaglens(['flags', root], { env });
    assert.equal(flags.code, 0, `${mode} flags: ${flags.stderr}`);
    assert.match(flags.stderr, new RegExp(`unleash: cannot read the rollout state: Unleash unreachable: .*${bases.get(mode)!.replace(/\./g, '\\.')}`), mode);
    const check = await runFlaglens(['check', root, '--format', 'json'], { env });
    assert.equal(check.code, 1, `${mode} check: a state error fails the check`);
    assert.equal(JSON.parse(check.stdout).errors[0].code, 'state-unavailable');
    const bump = await runFlaglens(['bump', 'new-checkout', root, '--yes'], { env });
    assert.equal(bump.code, 1, `${mode} bump: refused`);
    for (const run of [flags, check, bump]) {
      assert.doesNotMatch(run.stdout + run.stderr, stackTrace, mode);
      assert.ok(!(run.stdout + run.stderr).includes('tok-hostile-1234567'), `${mode}: the token is never shown`);
    }
  }
});

test('an Unleash rollout of "150" is an error at the configured URL, and bump says invalid rollout (must be 0–100)', async () => {
  const root = unleashWorkspace('invalid-rollout');
  const env = envFor('invalid-rollout');
  const flags = await runFlaglens(['flags', root], { env });
  assert.equal(flags.code, 0);
  assert.match(flags.stderr, /flaglens\.yaml:3:10: flag 'new-checkout': invalid rollout "150" \(must be 0–100\)/);
  const bump = await runFlaglens(['bump', 'new-checkout', root, '--yes'], { env });
  assert.equal(bump.code, 1);
  assert.match(bump.stderr, /refused: flag 'new-checkout' has an invalid rollout "150" \(must be 0–100\)/);
  assert.doesNotMatch(bump.stderr, /targeted by rules/);
});

test('a drip-feeding server cannot hold a real CLI process: it exits on its own well within a child deadline', async () => {
  const root = unleashWorkspace('drip-body');
  const cli = join(__dirname, '..', '..', 'cli', 'src', 'main.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'flags', root], { env: { ...process.env, ...envFor('drip-body') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const deadline = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])));
  clearTimeout(deadline);
  assert.equal(signal, null, 'the process ended by itself, not by the deadline');
  assert.equal(code, 0);
  assert.match(stderr, /did not answer completely within 0\.5 s/);
});
