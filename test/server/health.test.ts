// Health in the language server, over the real JSON-RPC stream pair on a copy of examples/shop with
// compare: control metrics: the background loop queries Prometheus through the HTTP client the server is
// given (a stand-in here; the real Prometheus is in test/integration), and the hover, FL006 and the flag
// list carry the evidence; a live `flaglens watch` lease makes the hover say the flag is under watch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol';
import type { HttpTransport } from '../../core/src/http.js';
import { instantPrometheus } from '../helpers/instantPrometheus.js';
import { watchLeaseFile } from '../../core/src/health/watchLease.js';
import { EXAMPLE_NOW, EXAMPLE_SHOP, positionOf, TestClient } from './testClient.js';

const SEARCH = 'src/server/search.ts';

const metrics = [
  'metrics:',
  '  prometheus: { url: http://prometheus.test:9090 }',
  '  evaluateEvery: 1',
  '  checks:',
  '    - name: error-rate',
  '      compare: control',
  `      errors: 'sum(increase(http_requests_total{flag="{{flag}}",variant="{{variant}}",status=~"5.."}[{{window}}]))'`,
  `      requests: 'sum(increase(http_requests_total{flag="{{flag}}",variant="{{variant}}"}[{{window}}]))'`,
  '',
].join('\n');

/** Prometheus as far as instant queries go: fast-search's on-variant fails 3% of requests, every control 0.3%; other flags are fine. */
function prometheus(): HttpTransport & { queries: string[] } {
  return instantPrometheus((promql) => {
    const on = /variant="on"/.test(promql);
    const errorsOn = promql.includes('flag="fast-search"') ? 120 : 12;
    return promql.includes('status=~') ? (on ? errorsOn : 108) : on ? 4000 : 36000;
  });
}

test('hover, FL006 and the flag list carry the evidence; a live watch lease shows in the hover', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'flaglens-health-'));
  cpSync(EXAMPLE_SHOP, workspace, { recursive: true, filter: (source) => !source.includes('node_modules') });
  appendFileSync(join(workspace, 'flaglens.yaml'), metrics);
  const lease = watchLeaseFile(join(workspace, '.flaglens'), 'fast-search');
  mkdirSync(join(workspace, '.flaglens', 'watch'), { recursive: true });
  const refreshed = new Date(EXAMPLE_NOW.getTime() - 10_000);
  writeFileSync(lease, JSON.stringify({ version: 1, key: 'fast-search', mode: 'advance', pid: 4242, hostname: 'ci-1', startedAt: '2026-11-27T11:00:00.000Z', refreshedAt: refreshed.toISOString(), expiresAt: new Date(EXAMPLE_NOW.getTime() + 60_000).toISOString() }));
  const http = prometheus();
  const client = await TestClient.start({ workspace, server: { http }, initializationOptions: { trusted: true } });
  try {
    const { uri, text } = await client.open(SEARCH);
    const position = positionOf(text, 'FLAGS.FAST_SEARCH', 3);
    const evidence = 'error-rate 3% vs 0.3% control (n = 4,000 / 36,000), regression at 95%: at least';
    // The first health round runs about a second after start; the hover answers from memory meanwhile.
    let hover = '';
    for (const deadline = Date.now() + 15_000; !hover.includes('health: **failing**'); ) {
      assert.ok(Date.now() < deadline, `the hover shows the health verdict in time: ${hover}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const answer = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
      hover = (answer?.contents as { value?: string } | undefined)?.value ?? '';
    }
    assert.ok(hover.includes(`health: **failing** — ${evidence}`), hover);
    assert.match(hover, /- window: the last 5m \(when this step began is not recorded\)/);
    assert.match(hover, /_under flaglens watch --advance \(pid 4242 on ci-1, since 2026-11-27T11:00:00\.000Z; last seen 10 s ago\)_/);
    assert.ok(http.queries.some((q) => q.includes('flag="fast-search"')), 'queries went through the HTTP client the server was given');

    const diagnostics = await client.waitFor(() => client.diagnostics.get(uri)?.filter((d: Diagnostic) => d.code === 'FL006'), 10_000, 'FL006');
    assert.equal(diagnostics.length, 1);
    const message = diagnostics[0].message;
    assert.ok(typeof message === 'string' && message.includes(evidence), JSON.stringify(message));
    const list = await client.request<{ flags: Array<{ key: string; health: string; healthSummary?: string }> }>('flaglens/listFlags', {});
    const row = list.flags.find((flag) => flag.key === 'fast-search')!;
    assert.equal(row.health, 'failing');
    assert.ok(row.healthSummary?.startsWith(evidence), row.healthSummary);
  } finally {
    await client.stop();
  }
});
