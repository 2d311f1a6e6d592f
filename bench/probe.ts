// temporary probe (not committed)
import { join } from 'node:path';
import { BenchClient, sleep } from './serverClient.js';
const root = '/work/main/bench/.work/server-corpus/twenty';
const file = 'packages/twenty-front/src/modules/settings/integrations/hooks/useSettingsIntegrationCategories.ts';
async function main() {
  const t0 = performance.now();
  const client = await BenchClient.start({ folders: [root], env: { XDG_CACHE_HOME: process.argv[2] ?? '/tmp/probe/cache-' + Date.now() }, nodeArgs: process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/probe/prof'] : [] });
  const rel = (t: number) => Math.round(t - client.initializedAt);
  console.log('initialize roundtrip', Math.round(client.initializedAt - t0), 'initialized @', Math.round(performance.timeOrigin + client.initializedAt), 'spawn @', Math.round(performance.timeOrigin + t0));
  const { uri, text } = await client.open(join(root, file));
  const lines = text.split('\n');
  const slow: Array<[number, number]> = [];
  let done = false;
  const loop = (async () => { while (!done) { const s = performance.now(); await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 0 } }); const ms = performance.now() - s; if (ms > 15) slow.push([rel(s), Math.round(ms)]); await sleep(5); } })();
  const edited = text.replace('FeatureFlagKey.IsAirtableIntegrationEnabled,', "'zz-unknown',");
  const sent = performance.now();
  await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: edited }] });
  await client.until(() => JSON.stringify(client.diagnostics.get(uri) ?? []).includes('zz-unknown'), 60000, 'diag');
  console.log('first keystroke sent at', rel(sent), 'diagnostics after', Math.round(performance.now() - sent));
  await client.until(() => client.indexEnded(), 600000, 'index');
  done = true; await loop;
  console.log('index', client.progress.filter(p => p.kind !== 'report').map(p => `${p.kind}@${rel(p.at)}`).join(' '));
  for (const n of client.notifications) if (n.method === 'window/logMessage') console.log('log@' + rel(n.at), JSON.stringify((n.params as any).message).slice(0, 200));
  console.log('slow hovers [sentAt, ms]', JSON.stringify(slow));
  await client.stop();
}
main();
