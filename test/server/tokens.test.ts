// In the editor a token goes only to the origin it was stored for: with a token stored for another server the
// language server sends nothing to the server flaglens.yaml names, shows why on flaglens.yaml (at the URL) and
// asks the client for that origin's token (flaglens/tokenRequired); once it is stored, it is sent there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient } from './testClient.js';

let listener: Server;
let origin: string;
const seen: Array<{ url: string; authorization?: string }> = [];
let workspace: string;

before(async () => {
  listener = createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/api/admin/search/events')) return void res.end('{"events":[]}');
    if (req.url?.startsWith('/api/admin/search/features')) return void res.end('{"features":[]}');
    if (req.url === '/api/admin/projects/default/features') return void res.end('{"features":[]}');
    res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  workspace = mkdtempSync(join(tmpdir(), 'flaglens-editor-tokens-'));
  mkdirSync(join(workspace, 'src'));
  writeFileSync(join(workspace, 'flaglens.yaml'), `state:\n  unleash:\n    url: ${origin}\n    token: { env: UNLEASH_TOKEN }\n`);
  writeFileSync(join(workspace, 'src', 'app.ts'), "import { OpenFeature } from '@openfeature/server-sdk';\nexport const on = OpenFeature.getClient().getBooleanValue('new-checkout', false);\n");
});

after(async () => {
  listener.closeAllConnections();
  await new Promise((resolve) => listener.close(resolve));
  rmSync(workspace, { recursive: true, force: true });
});

const tokenRequired = (client: TestClient) =>
  client.notifications.filter((n) => n.method === 'flaglens/tokenRequired').map((n) => (n.params as { missing: Array<{ variable: string; origin: string; message: string }> }).missing);

test('a token stored for another origin is not sent; the client is asked for this origin; once stored, it is sent there only', async () => {
  const client = await TestClient.start({ workspace });
  try {
    await client.notify('flaglens/setSecrets', { tokens: [{ variable: 'UNLEASH_TOKEN', origin: 'https://unleash.elsewhere.example', value: 'token-for-elsewhere' }], trusted: true });
    const missing = await client.waitFor(() => tokenRequired(client).find((list) => list.length > 0), 10_000, 'flaglens/tokenRequired');
    assert.deepEqual(missing.map((entry) => [entry.variable, entry.origin]), [['UNLEASH_TOKEN', origin]]);
    assert.match(missing[0].message, /the UNLEASH_TOKEN stored for https:\/\/unleash\.elsewhere\.example is not sent to another server/);
    const configUri = client.uri('flaglens.yaml');
    const diagnostic = await client.waitFor(
      () => client.diagnostics.get(configUri)?.find((d: Diagnostic) => d.code === 'token-untrusted'),
      10_000,
      'a token-untrusted diagnostic on flaglens.yaml',
    );
    assert.deepEqual(diagnostic.range.start, { line: 2, character: 9 }, 'at the URL');
    assert.equal(seen.length, 0, 'nothing was requested from the configured server');

    await client.notify('flaglens/setSecrets', { tokens: [{ variable: 'UNLEASH_TOKEN', origin, value: 'token-for-this-server' }], trusted: true });
    await client.waitFor(() => seen.length > 0, 10_000, 'a request to the configured server');
    assert.ok(seen.every((request) => request.authorization === 'token-for-this-server'), JSON.stringify(seen));
    await client.waitFor(() => tokenRequired(client).at(-1)?.length === 0, 10_000, 'an empty flaglens/tokenRequired');
    await client.waitFor(() => !client.diagnostics.get(configUri)?.some((d: Diagnostic) => d.code === 'token-untrusted'), 10_000, 'the diagnostic to clear');
  } finally {
    await client.stop();
  }
});

test('a client that cannot send stored tokens (initializationOptions.trusted) gets the environment token where FLAGLENS_TRUST trusts it, as the CLI does', async () => {
  const home = mkdtempSync(join(tmpdir(), 'flaglens-editor-home-'));
  seen.length = 0;
  try {
    // Not trusted for this origin: nothing is sent, and flaglens.yaml says why.
    const untrusted = await TestClient.start({ workspace, initializationOptions: { trusted: true }, server: { env: { HOME: home, UNLEASH_TOKEN: 'token-from-environment' } } });
    try {
      const configUri = untrusted.uri('flaglens.yaml');
      const diagnostic = await untrusted.waitFor(() => untrusted.diagnostics.get(configUri)?.find((d: Diagnostic) => d.code === 'token-untrusted'), 10_000, 'token-untrusted');
      assert.match(String(diagnostic.message), /FLAGLENS_TRUST=UNLEASH_TOKEN@/);
      assert.equal(seen.length, 0);
    } finally {
      await untrusted.stop();
    }
    seen.length = 0;
    const trusted = await TestClient.start({
      workspace,
      initializationOptions: { trusted: true },
      server: { env: { HOME: home, UNLEASH_TOKEN: 'token-from-environment', FLAGLENS_TRUST: `UNLEASH_TOKEN@${origin}` } },
    });
    try {
      await trusted.waitFor(() => seen.length > 0, 10_000, 'a request to the configured server');
      assert.ok(seen.every((request) => request.authorization === 'token-from-environment'), JSON.stringify(seen));
    } finally {
      await trusted.stop();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
