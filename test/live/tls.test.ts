// TLS verification against a real HTTPS server with a self-signed certificate (made with openssl): refused
// by default, accepted only for the origin the user explicitly marked insecureSkipTlsVerify.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient, HttpError } from '../../core/src/http.js';

let server: Server;
let base: string;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flaglens-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

test('a self-signed certificate is refused by default', async () => {
  const http = new HttpClient({ maxRetries: 0 });
  await assert.rejects(http.json(`${base}/x`), (error: unknown) => error instanceof HttpError && error.kind === 'network' && /SELF_SIGNED|certificate/i.test(error.message));
  await http.close();
});

test('insecureSkipTlsVerify applies to its own origin only', async () => {
  const http = new HttpClient({ maxRetries: 0, insecureSkipTlsVerifyOrigins: [base] });
  assert.deepEqual((await http.json(`${base}/x`)).value, { ok: true });
  await http.close();
  const other = new HttpClient({ maxRetries: 0, insecureSkipTlsVerifyOrigins: ['https://127.0.0.1:1'] });
  await assert.rejects(other.json(`${base}/x`), HttpError);
  await other.close();
});
