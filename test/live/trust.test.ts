// A token goes only to an origin trusted outside the repository. Against a loopback listener speaking the
// Unleash Admin API: a flaglens.yaml that sends AWS_SECRET_ACCESS_KEY to it gets no request at all from any
// command (exit 2, saying how to trust it); FLAGLENS_TRUST or the user config file lets exactly that pair
// through; a pair for another origin or variable does not.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWorkspace, runFlaglens } from '../cli/cliHarness.js';
import { parseTrustEntry, parseTrustList, parseUserConfig } from '../../core/src/trust.js';

let listener: Server;
let origin: string;
const seen: Array<{ method: string; url: string; authorization?: string }> = [];
let rollout = '10';
const homes: string[] = [];

const feature = () => ({
  name: 'new-checkout',
  type: 'release',
  environments: [{ name: 'development', enabled: true, lastSeenAt: null, strategies: [{ id: 's1', name: 'flexibleRollout', constraints: [], segments: [], parameters: { rollout } }] }],
});

before(async () => {
  listener = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    res.setHeader('content-type', 'application/json');
    const url = req.url ?? '';
    if (req.method === 'PATCH') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        rollout = JSON.parse(body)[0].value;
        res.end('{}');
      });
      return;
    }
    if (url.startsWith('/api/admin/search/events')) return void res.end('{"events":[]}');
    if (url.startsWith('/api/admin/search/features')) return void res.end('{"features":[]}');
    if (url === '/api/admin/projects/default/features') return void res.end('{"features":[{"name":"new-checkout"}]}');
    if (url === '/api/admin/projects/default/features/new-checkout') return void res.end(JSON.stringify(feature()));
    res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
});

after(async () => {
  listener.closeAllConnections();
  await new Promise((resolve) => listener.close(resolve));
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
});

/** A workspace whose flaglens.yaml (the repository's file) points AWS_SECRET_ACCESS_KEY at the listener. */
function hostileWorkspace(): string {
  return makeWorkspace({
    'flaglens.yaml': `state:\n  unleash:\n    url: ${origin}\n    token: { env: AWS_SECRET_ACCESS_KEY }\n`,
    'src/app.ts': "import { OpenFeature } from '@openfeature/server-sdk';\nexport const on = OpenFeature.getClient().getBooleanValue('new-checkout', false);\n",
  });
}

/** A HOME with no user config (so the developer's own file never leaks into the test). */
function emptyHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'flaglens-home-'));
  homes.push(home);
  return home;
}

const SECRET = 'aws-secret-do-not-send';

test('untrusted: no command sends a request, each exits 2 and says how to trust the pair', async () => {
  const root = hostileWorkspace();
  const env = { AWS_SECRET_ACCESS_KEY: SECRET, HOME: emptyHome(), XDG_CONFIG_HOME: '' };
  const commands = [
    ['check', root],
    ['flags', root],
    ['bump', 'new-checkout', root, '--yes'],
    ['abort', 'new-checkout', root, '--reason', 'x', '--yes'],
    ['cleanup', '--stale', root],
  ];
  for (const argv of commands) {
    const run = await runFlaglens(argv, { env });
    assert.equal(run.code, 2, `${argv[0]}: ${run.stderr}`);
    assert.match(run.stderr, new RegExp(`flaglens\\.yaml:3:10: AWS_SECRET_ACCESS_KEY is not trusted for ${origin.replace(/\./g, '\\.')}, so it was not sent`));
    assert.match(run.stderr, new RegExp(`FLAGLENS_TRUST=AWS_SECRET_ACCESS_KEY@${origin.replace(/\./g, '\\.')}`));
    assert.ok(!run.stdout.includes(SECRET) && !run.stderr.includes(SECRET));
  }
  assert.deepEqual(seen, [], 'not one request reached the listener');
});

test('FLAGLENS_TRUST lets exactly the trusted pair through: flags reads, bump patches, with the token', async () => {
  const root = hostileWorkspace();
  const env = { AWS_SECRET_ACCESS_KEY: SECRET, HOME: emptyHome(), FLAGLENS_TRUST: `OTHER_TOKEN@https://x.example, AWS_SECRET_ACCESS_KEY@${origin}` };
  const flags = await runFlaglens(['flags', root, '--format', 'json'], { env });
  assert.equal(flags.code, 0, flags.stderr);
  assert.deepEqual(JSON.parse(flags.stdout).flags.map((flag: { key: string; percentage: number }) => [flag.key, flag.percentage]), [['new-checkout', 10]]);
  rollout = '10';
  const bump = await runFlaglens(['bump', 'new-checkout', root, '--to', '50', '--yes'], { env });
  assert.equal(bump.code, 0, bump.stderr);
  assert.equal(rollout, '50');
  assert.ok(seen.length > 0);
  assert.ok(seen.every((request) => request.authorization === SECRET), 'every request carried the token');
  assert.ok(seen.some((request) => request.method === 'PATCH'));
});

test('a pair trusted for another origin or another variable sends nothing', async () => {
  const root = hostileWorkspace();
  for (const trust of [`AWS_SECRET_ACCESS_KEY@http://127.0.0.1:1`, `UNLEASH_TOKEN@${origin}`, `AWS_SECRET_ACCESS_KEY@https://127.0.0.1:${new URL(origin).port}`]) {
    const run = await runFlaglens(['flags', root], { env: { AWS_SECRET_ACCESS_KEY: SECRET, HOME: emptyHome(), FLAGLENS_TRUST: trust } });
    assert.equal(run.code, 2, trust);
  }
  assert.deepEqual(seen, []);
});

test('the user config file ($XDG_CONFIG_HOME/flaglens/config.yaml) trusts a pair the same way; its errors have file:line:column', async () => {
  const root = hostileWorkspace();
  const config = mkdtempSync(join(tmpdir(), 'flaglens-xdg-'));
  homes.push(config);
  mkdirSync(join(config, 'flaglens'));
  writeFileSync(join(config, 'flaglens', 'config.yaml'), `# my own machine\ntrust:\n  - AWS_SECRET_ACCESS_KEY@${origin}\n`);
  const trusted = await runFlaglens(['flags', root], { env: { AWS_SECRET_ACCESS_KEY: SECRET, XDG_CONFIG_HOME: config } });
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.ok(seen.length > 0 && seen.every((request) => request.authorization === SECRET));
  writeFileSync(join(config, 'flaglens', 'config.yaml'), 'trust:\n  - AWS_SECRET_ACCESS_KEY\n  - { env: X }\n');
  const broken = await runFlaglens(['flags', root], { env: { AWS_SECRET_ACCESS_KEY: SECRET, XDG_CONFIG_HOME: config } });
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /flaglens\/config\.yaml:2:5: 'AWS_SECRET_ACCESS_KEY' must be VARIABLE@origin/);
  assert.match(broken.stderr, /flaglens\/config\.yaml:3:5: each trust entry must be a string VARIABLE@origin/);
  const malformed = await runFlaglens(['flags', root], { env: { AWS_SECRET_ACCESS_KEY: SECRET, HOME: emptyHome(), FLAGLENS_TRUST: 'AWS_SECRET_ACCESS_KEY@ftp://x' } });
  assert.equal(malformed.code, 2);
  assert.match(malformed.stderr, /^flaglens flags: FLAGLENS_TRUST: 'AWS_SECRET_ACCESS_KEY@ftp:\/\/x': only http and https origins can be trusted$/m);
});

test('without the token in the environment nothing is sent and the command still runs (no state, exit 0)', async () => {
  const root = hostileWorkspace();
  const run = await runFlaglens(['flags', root], { env: { HOME: emptyHome() } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /no Unleash token: set the environment variable AWS_SECRET_ACCESS_KEY/);
  assert.deepEqual(seen, []);
});

test('trust entries: origins normalized, paths and user-info refused', () => {
  assert.deepEqual(parseTrustEntry('UNLEASH_TOKEN@HTTPS://Unleash.ACME.com:443'), { variable: 'UNLEASH_TOKEN', origin: 'https://unleash.acme.com' });
  assert.deepEqual(parseTrustEntry('T@http://127.0.0.1:4242/'), { variable: 'T', origin: 'http://127.0.0.1:4242' });
  assert.match(String(parseTrustEntry('T@https://unleash.acme.com/api')), /without a path/);
  assert.match(String(parseTrustEntry('T@https://user:pw@unleash.acme.com')), /without a path/);
  assert.match(String(parseTrustEntry('1T@https://a.example')), /not an environment variable name/);
  assert.deepEqual(parseTrustList(' A@https://a.example ,, B@http://b.example:81').entries.map((entry) => entry.origin), ['https://a.example', 'http://b.example:81']);
  assert.deepEqual(parseUserConfig('', '/c.yaml'), { trust: [], errors: [] });
  assert.match(parseUserConfig('trusts: []\n', '/c.yaml').errors[0]?.message ?? '', /unknown setting 'trusts'/);
});
