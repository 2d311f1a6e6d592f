// Against a real Unleash 7.5.1 + PostgreSQL (started by scripts/services in a fresh database): flags
// created through the Admin API show their stage and percentage, bump and abort write through the API,
// a concurrent change is refused, an archived flag still referenced gives FL002, and with Unleash stopped
// the last state comes from the snapshot with its age.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { nodeFileSystem, nodeFileWriter, nodeGitHost } from '../../core/src/nodeIo.js';
import { systemClock, systemTimers } from '../../core/src/io.js';
import { environmentTokenVault, httpOrigin } from '../../core/src/trust.js';
import { loadConfig } from '../../core/src/config.js';
import { RolloutRefusedError, type StateSnapshot } from '../../core/src/model.js';
import { UnleashStateProvider } from '../../core/src/providers/unleash/provider.js';
import { createHttpClient, HttpError, originOf, type HttpTransport } from '../../core/src/http.js';
import { describeStaleness } from '../../core/src/state/staleness.js';
import { analyzeWorkspace } from '../../core/src/workspace.js';
import { runCli } from '../../cli/src/main.js';
import { admin, createRolloutFlag, makeWorkspace, readRollout, recordingIo, removeWorkspace, services, TOKEN_VARIABLE } from './liveHelpers.js';

let root: string;
// The token is trusted for the local Unleash outside the repository, as a developer or CI would (FLAGLENS_TRUST).
const env = { [TOKEN_VARIABLE]: services.UNLEASH_ADMIN_TOKEN, FLAGLENS_TRUST: `${TOKEN_VARIABLE}@${httpOrigin(services.UNLEASH_URL)}` };
const tokens = environmentTokenVault(env, [{ variable: TOKEN_VARIABLE, origin: httpOrigin(services.UNLEASH_URL)! }]);

const config = [
  'state:',
  '  unleash:',
  `    url: ${services.UNLEASH_URL}`,
  '    project: default',
  '    environment: development',
  `    token: { env: ${TOKEN_VARIABLE} }`,
  '    pollInterval: 5',
  '',
].join('\n');

const app = [
  "import { OpenFeature } from '@openfeature/server-sdk';",
  "const flags = OpenFeature.getClient('app');",
  'export async function render() {',
  "  const a = await flags.getBooleanValue('new-checkout', false);",
  "  const b = await flags.getBooleanValue('old-banner', false);",
  '  return a && b;',
  '}',
  '',
].join('\n');

function provider(options: { http?: HttpTransport } = {}): UnleashStateProvider {
  const { config: parsed } = loadConfig(nodeFileSystem, root);
  return new UnleashStateProvider({
    http: options.http,
    config: parsed.state.unleash!,
    steps: parsed.rollout.steps,
    clock: systemClock,
    tokens,
    allowNetwork: true,
    workspace: { root, fs: nodeFileSystem, writer: nodeFileWriter },
    snapshotDir: join(root, '.flaglens'),
    reuseWithinMs: 0,
  });
}

before(async () => {
  await services.startUnleash({ freshDatabase: true });
  root = makeWorkspace({ 'flaglens.yaml': config, 'src/app.ts': app });
  await createRolloutFlag('new-checkout', '10');
  await createRolloutFlag('search-v2', '100');
  await createRolloutFlag('beta-banner', '50', { constraints: [{ contextName: 'userId', operator: 'IN', values: ['1'] }] });
  await createRolloutFlag('bad-rollout', '150');
  await createRolloutFlag('old-banner', '100');
  await admin('DELETE', '/projects/default/features/old-banner');
  // An SDK reports usage of search-v2; Unleash records lastSeenAt ~20 s later (checked by a later test).
  const sdk = await admin('POST', '/api-tokens', { tokenName: 'sdk', type: 'backend', environment: 'development', projects: ['*'] });
  const now = new Date().toISOString();
  const usage = await fetch(`${services.UNLEASH_URL}/api/client/metrics`, {
    method: 'POST',
    headers: { authorization: sdk.secret, 'content-type': 'application/json' },
    body: JSON.stringify({ appName: 'shop', instanceId: 'test', bucket: { start: now, stop: now, toggles: { 'search-v2': { yes: 5, no: 0 } } } }),
  });
  assert.equal(usage.status, 202);
}, { timeout: 300_000 }); // a fresh machine installs unleash-server first (~1 min)

after(async () => {
  await services.stopUnleash();
  services.stopPostgres();
  if (root) removeWorkspace(root);
}, { timeout: 60_000 });

test('every flag of the project is read with its stage and percentage', async () => {
  const p = provider();
  const snapshot = await p.load();
  p.dispose();
  const byKey = new Map(snapshot.flags.map((f) => [f.key, f]));
  assert.equal(byKey.get('new-checkout')?.stage, 'rolling');
  assert.equal(byKey.get('new-checkout')?.percentage, 10);
  assert.equal(byKey.get('search-v2')?.stage, 'released');
  assert.equal(byKey.get('search-v2')?.releasedAtSource, 'provider', 'release date from the audit log');
  assert.ok(byKey.get('search-v2')?.releasedAt);
  assert.equal(byKey.get('beta-banner')?.stage, 'targeted');
  assert.equal(byKey.get('bad-rollout')?.percentage, null);
  assert.ok(snapshot.errors.some((e) => /'bad-rollout': invalid rollout "150" \(must be 0–100\)/.test(e.message)), JSON.stringify(snapshot.errors));
  assert.deepEqual(snapshot.removedKeys, ['old-banner']);
  assert.equal(byKey.has('old-banner'), false);
});

test('flaglens flags shows each flag\'s stage and percentage', async () => {
  const io = recordingIo(root, env);
  assert.equal(await runCli(['flags', '--format', 'json'], io), 0, io.err);
  const flags = new Map((JSON.parse(io.out).flags as Array<{ key: string; stage: string; percentage: number | null }>).map((f) => [f.key, f]));
  assert.deepEqual([flags.get('new-checkout')?.stage, flags.get('new-checkout')?.percentage], ['rolling', 10]);
  assert.deepEqual([flags.get('search-v2')?.stage, flags.get('search-v2')?.percentage], ['released', 100]);
  assert.equal(flags.get('beta-banner')?.stage, 'targeted');
  const text = recordingIo(root, env);
  assert.equal(await runCli(['flags'], text), 0, text.err);
  assert.match(text.out, /new-checkout\s+rolling 10%/);
});

test('flaglens bump moves a 10% rollout to 50%, as a fresh API read shows', async () => {
  const io = recordingIo(root, env);
  const code = await runCli(['bump', 'new-checkout', '--to', '50', '--yes'], io);
  assert.equal(code, 0, io.out + io.err);
  assert.match(io.out, /new-checkout: rolling 10% → rolling 50%/);
  assert.equal((await readRollout('new-checkout')).rollout, '50');
});

test('a change made in Unleash between read and write is refused, and nothing is written', async () => {
  const p = provider();
  const expected = (await p.load()).flags.find((f) => f.key === 'new-checkout')!;
  assert.equal(expected.percentage, 50);
  // Someone else moves the rollout after we showed 50%.
  const strategyId = expected.fields.strategyId as string;
  await admin('PATCH', `/projects/default/features/new-checkout/environments/development/strategies/${strategyId}`, [
    { op: 'replace', path: '/parameters/rollout', value: '20' },
  ]);
  await assert.rejects(p.bump({ key: 'new-checkout', expected, to: 100 }), (error: unknown) => {
    assert.ok(error instanceof RolloutRefusedError);
    assert.equal(error.reason, 'conflict');
    assert.match(error.message, /changed in Unleash since it was shown \(rollout 50% → 20%\)/);
    return true;
  });
  p.dispose();
  assert.equal((await readRollout('new-checkout')).rollout, '20');
});

test('flaglens abort sets the rollout to 0 and records the reason in Unleash', async () => {
  const io = recordingIo(root, env);
  assert.equal(await runCli(['abort', 'new-checkout', '--reason', 'error-rate 0.2 > 0.01', '--yes'], io), 0, io.out + io.err);
  const p = provider();
  const after = (await p.load()).flags.find((f) => f.key === 'new-checkout')!;
  p.dispose();
  const fresh = await readRollout('new-checkout');
  assert.equal(fresh.rollout, '0');
  assert.match(fresh.description ?? '', /\[flaglens\] rollout aborted at \S+: error-rate 0\.2 > 0\.01/);
  assert.equal(after.abortReason, 'error-rate 0.2 > 0.01');
  assert.equal(after.stage, 'off');
});

test('an archived flag still referenced in code gives FL002', async () => {
  const analysis = await analyzeWorkspace({ root, fs: nodeFileSystem, git: nodeGitHost, clock: systemClock, timers: systemTimers, writer: nodeFileWriter, tokens, allowNetwork: true, snapshotDir: join(root, '.flaglens') });
  const fl002 = analysis.findings.filter((f) => f.code === 'FL002');
  assert.deepEqual(fl002.map((f) => [f.key, f.file, f.line]), [['old-banner', 'src/app.ts', 5]]);
});

test('lastSeenAt reported by an SDK is read per environment', async () => {
  const deadline = Date.now() + 60_000;
  let lastSeenAt: unknown = null;
  while (lastSeenAt === null && Date.now() < deadline) {
    const p = provider();
    lastSeenAt = (await p.load()).flags.find((f) => f.key === 'search-v2')?.fields.lastSeenAt ?? null;
    p.dispose();
    if (lastSeenAt === null) await new Promise((r) => setTimeout(r, 1000));
  }
  assert.equal(typeof lastSeenAt, 'string');
  assert.ok(Math.abs(Date.parse(lastSeenAt as string) - Date.now()) < 120_000);
});

test('with Unleash stopped, the snapshot state is shown with its age and nothing fails', async () => {
  const p = provider();
  const live = await p.load();
  p.dispose();
  assert.equal(live.staleness, undefined);
  assert.ok(existsSync(join(root, '.flaglens/unleash-snapshot.json')));
  assert.ok(!readFileSync(join(root, '.flaglens/unleash-snapshot.json'), 'utf8').includes(services.UNLEASH_ADMIN_TOKEN), 'no token in the snapshot');
  await services.stopUnleash();
  // A new provider (like a new CLI run or a restarted editor) has only the persisted snapshot. Its client is the
  // provider's own (token bound to the Unleash origin), recording how each call ended: the stopped server refuses
  // the connection, so the fallback comes from that refusal and not from waiting out a timeout.
  const outcomes: string[] = [];
  const real = createHttpClient({ credentials: [{ origin: originOf(services.UNLEASH_URL), header: 'authorization', value: services.UNLEASH_ADMIN_TOKEN }] });
  const recording: HttpTransport = {
    request: (request) => real.request(request),
    json: (request) =>
      real.json(request).then(
        (result) => (outcomes.push('ok'), result),
        (error: unknown) => {
          outcomes.push(error instanceof HttpError ? error.kind : 'other');
          throw error;
        },
      ),
    throwForStatus: (response) => real.throwForStatus(response),
    redact: (text) => real.redact(text),
    close: () => real.close(),
  };
  const offline = provider({ http: recording });
  const snapshot: StateSnapshot = await offline.load();
  offline.dispose();
  assert.ok(outcomes.length > 0, 'the provider tried Unleash');
  assert.deepEqual([...new Set(outcomes)], ['network'], `every call was refused, none timed out: ${outcomes.join(', ')}`);
  assert.equal(snapshot.staleness?.reason, 'Unleash unreachable');
  assert.equal(snapshot.flags.find((f) => f.key === 'new-checkout')?.percentage, 0);
  assert.match(describeStaleness(snapshot, new Date(Date.parse(snapshot.fetchedAt) + 4 * 60_000)) ?? '', /^state from 4 min ago, Unleash unreachable$/);
  // The CLI shows the last state with its age and exits normally.
  const io = recordingIo(root, env);
  assert.equal(await runCli(['flags'], io), 0, io.err);
  assert.match(io.out, /new-checkout\s+off/);
  assert.match(io.err, /state from \d+ s ago, Unleash unreachable/);
  const check = recordingIo(root, env);
  await runCli(['check', '--format', 'json', '--fail-on', 'never'], check);
  const report = JSON.parse(check.out);
  assert.ok(JSON.stringify(report).includes('FL002'), 'rules still run on the snapshot');
});
