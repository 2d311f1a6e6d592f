// `npm run demo:live`: the live loop on the example shop. Starts PostgreSQL + Unleash + Prometheus + the
// prom-client test app (scripts/services), copies examples/shop to a temporary folder with
// flaglens.live.yaml as its flaglens.yaml, moves its flags into Unleash, prints what to try, and stops
// everything and removes the copy on Ctrl+C. `--exit-after-setup` checks the setup and cleans up at once.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as services from './services/services.mjs';

const require = createRequire(import.meta.url);
const { parse } = require('yaml');
const exitAfterSetup = process.argv.includes('--exit-after-setup');
const shop = join(services.repoRoot, 'examples/shop');
const DEMO_ROLLOUT = 'recommendations-v2';

let workspace;
let cleaning = false;
async function cleanUp(code) {
  if (cleaning) return;
  cleaning = true;
  console.log('\nStopping the test app, Prometheus, Unleash and PostgreSQL…');
  await services.stopAll().catch((error) => console.error(String(error)));
  if (workspace) rmSync(workspace, { recursive: true, force: true });
  console.log('Stopped; the temporary workspace is removed.');
  process.exit(code);
}
process.on('SIGINT', () => void cleanUp(0));
process.on('SIGTERM', () => void cleanUp(0));

try {
  workspace = mkdtempSync(join(tmpdir(), 'flaglens-demo-live-'));
  cpSync(shop, workspace, { recursive: true, filter: (path) => !path.includes('node_modules') && !path.includes('.flaglens') });
  const definitions = parse(readFileSync(join(shop, 'flags.flagd.yaml'), 'utf8')).flags;
  rmSync(join(workspace, 'flags.flagd.yaml'));
  copyFileSync(join(shop, 'flaglens.live.yaml'), join(workspace, 'flaglens.yaml'));
  rmSync(join(workspace, 'flaglens.live.yaml'));

  console.log('Starting PostgreSQL and Unleash 7.5.1 (the first run installs unleash-server into .cache/unleash)…');
  await services.startUnleash({ freshDatabase: true });
  const seeded = await seedUnleash(definitions);
  console.log(`Unleash has the shop's ${seeded.length} flags; ${DEMO_ROLLOUT} starts at 1%.`);
  console.log('Starting the test app and Prometheus…');
  await services.startTestApp({ flags: seeded });
  await services.startPrometheus();
  await services.waitForPrometheusValue(`sum(rate(http_requests_total{flag="${DEMO_ROLLOUT}"}[5s]))`, { predicate: (v) => v > 0, timeoutMs: 30_000 });

  const token = services.UNLEASH_ADMIN_TOKEN;
  const cli = `node ${join(services.repoRoot, 'dist/cli.js')}`;
  console.log(`
Flaglens live demo is running.
  Workspace (a copy of examples/shop): ${workspace}
  Unleash API:                          ${services.UNLEASH_URL}   (admin token: ${token}, a throw-away local token)
  Prometheus:                           ${services.PROMETHEUS_URL}/graph?g0.expr=${encodeURIComponent('sum by (flag,variant,status)(rate(http_requests_total[30s]))')}
  Test app (metrics + control):         ${services.TEST_APP_URL}/metrics

Try (build first with npm run build):
  export UNLEASH_TOKEN='${token}'
  export FLAGLENS_TRUST=UNLEASH_TOKEN@${new URL(services.UNLEASH_URL).origin}   # the token may go to this server (not decided by flaglens.yaml)
  ${cli} flags ${workspace}                          # stages and percentages from Unleash
  ${cli} bump ${DEMO_ROLLOUT} ${workspace} --yes     # 1% → 10% (health is checked first; wait ~30 s for enough samples)
  ${cli} bump ${DEMO_ROLLOUT} ${workspace} --yes     # 10% → 50%
  curl '${services.TEST_APP_URL}/control?flag=${DEMO_ROLLOUT}&errorRate=0.2'   # errors spike on the on-variant
  ${cli} bump ${DEMO_ROLLOUT} ${workspace} --yes     # refused: health is failing
  ${cli} watch ${DEMO_ROLLOUT} ${workspace} --interval 5 --abort-after 3   # aborts after 3 failing checks
  (or, from 1% with healthy traffic: ${cli} watch ${DEMO_ROLLOUT} ${workspace} --advance --interval 5   # 1 → 10 → 50 → 100, 30 s per step)
  ${cli} check ${workspace}                          # FL006 while the rollout is failing
In VS Code: open ${workspace} with the Flaglens extension, run "Flaglens: Set Token" (or click "Set Token for
${new URL(services.UNLEASH_URL).origin}" when it asks) with the token above, then watch hovers, the Flags view
and the status bar follow the rollout.

Press Ctrl+C to stop everything and remove the temporary workspace.`);

  if (exitAfterSetup) {
    const result = spawnSync(process.execPath, [join(services.repoRoot, 'dist/cli.js'), 'flags', workspace], { encoding: 'utf8', env: { ...process.env, UNLEASH_TOKEN: token, FLAGLENS_TRUST: `UNLEASH_TOKEN@${new URL(services.UNLEASH_URL).origin}` } });
    console.log(result.stdout + result.stderr);
    await cleanUp(result.status === 0 && result.stdout.includes(DEMO_ROLLOUT) ? 0 : 1);
  } else {
    setInterval(() => {}, 1 << 30);
  }
} catch (error) {
  console.error(`demo:live failed: ${error instanceof Error ? error.message : error}`);
  await cleanUp(1);
}

/** Creates each flagd flag in Unleash: a flexibleRollout at its "on" share; rule-based targeting becomes a constraint. */
async function seedUnleash(flags) {
  const keys = [];
  for (const [key, flag] of Object.entries(flags)) {
    const fractional = flag.targeting?.fractional;
    let rollout;
    if (key === DEMO_ROLLOUT) rollout = 1;
    else if (Array.isArray(fractional)) {
      const total = fractional.reduce((sum, [, weight]) => sum + weight, 0);
      const on = fractional.filter(([variant]) => flag.variants?.[variant] === true).reduce((sum, [, weight]) => sum + weight, 0);
      rollout = total ? Math.round((on / total) * 100) : 0;
    } else rollout = flag.variants?.[flag.defaultVariant] === true ? 100 : 0;
    const targeted = flag.targeting && !fractional;
    await admin('POST', '/projects/default/features', { name: key, type: flag.metadata?.type ?? 'release', description: `${key} (from examples/shop)` });
    await admin('POST', `/projects/default/features/${key}/environments/development/strategies`, {
      name: 'flexibleRollout',
      constraints: targeted ? [{ contextName: 'userId', operator: 'IN', values: ['beta-tester'] }] : [],
      parameters: { rollout: String(rollout), stickiness: 'default', groupId: key },
    });
    if (flag.state !== 'DISABLED') await admin('POST', `/projects/default/features/${key}/environments/development/on`);
    keys.push(key);
  }
  // The shop's code still checks legacy-search, retired from its flag file: archived in Unleash, it shows as FL002.
  await admin('POST', '/projects/default/features', { name: 'legacy-search', type: 'release', description: 'retired (from examples/shop)' });
  await admin('DELETE', '/projects/default/features/legacy-search');
  return keys;
}

async function admin(method, path, body) {
  const response = await fetch(`${services.UNLEASH_URL}/api/admin${path}`, {
    method,
    headers: { authorization: services.UNLEASH_ADMIN_TOKEN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
}
