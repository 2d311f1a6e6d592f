// Installs, starts and stops the real servers behind Flaglens' live features — a private PostgreSQL 15
// cluster, Unleash 7.5.1, Prometheus 2.42 and the prom-client test app — for integration tests and the
// live demo. Idempotent: installing twice reuses what is there; starting a running service is a no-op;
// everything binds to 127.0.0.1 and lives under .cache/ (or FLAGLENS_SERVICES_DIR).
//   node scripts/services/ctl.mjs install|start|stop|status [postgres|unleash|prometheus|app|all]
// No top-level await here, so CommonJS tests can require() this module.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, cpSync, readdirSync, closeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLogged } from '../installLog.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');
export const servicesDir = process.env.FLAGLENS_SERVICES_DIR ?? join(repoRoot, '.cache/services');
export const unleashInstallDir = process.env.FLAGLENS_UNLEASH_DIR ?? join(repoRoot, '.cache/unleash');

export const PG_PORT = 55432;
export const UNLEASH_PORT = 4242;
export const PROMETHEUS_PORT = 19090;
export const TEST_APP_PORT = 19100;
export const UNLEASH_URL = `http://127.0.0.1:${UNLEASH_PORT}`;
export const PROMETHEUS_URL = `http://127.0.0.1:${PROMETHEUS_PORT}`;
export const TEST_APP_URL = `http://127.0.0.1:${TEST_APP_PORT}`;
/** A fixed token for a throw-away local server (never a real secret). */
export const UNLEASH_ADMIN_TOKEN = '*:*.flaglens-admin-token';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const pgDir = join(servicesDir, 'pg');
const pgData = join(pgDir, 'data');

// ---------------------------------------------------------------------------------------------
// PostgreSQL (private cluster, run as user postgres, port 55432)

export function installPostgres() {
  if (!existsSync(join(PG_BIN, 'initdb'))) aptInstall('postgresql');
  if (existsSync(join(pgData, 'PG_VERSION'))) return;
  mkdirSync(servicesDir, { recursive: true });
  run('install', ['-d', '-o', 'postgres', '-g', 'postgres', '-m', '700', pgDir]);
  asPostgres([join(PG_BIN, 'initdb'), '-D', pgData, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
}

export function startPostgres() {
  installPostgres();
  if (postgresRunning()) return;
  asPostgres([join(PG_BIN, 'pg_ctl'), '-D', pgData, '-l', join(pgDir, 'log'), '-w', '-o',
    `-c listen_addresses=127.0.0.1 -p ${PG_PORT} -k ${pgDir} -c fsync=off -c synchronous_commit=off`, 'start']);
  const roles = psql('select 1 from pg_roles where rolname = \'unleash\'');
  if (!roles.includes('1')) psql("create user unleash password 'unleash'");
}

export function stopPostgres() {
  if (!postgresRunning()) return;
  asPostgres([join(PG_BIN, 'pg_ctl'), '-D', pgData, '-w', '-m', 'fast', 'stop']);
}

/** Drops and recreates an Unleash database (Unleash must not be connected to it). */
export function resetDatabase(name) {
  psql(`drop database if exists "${name}"`);
  psql(`create database "${name}" owner unleash`);
}

export function postgresRunning() {
  if (!existsSync(join(pgData, 'PG_VERSION'))) return false;
  return spawnSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, 'pg_ctl'), '-D', pgData, 'status'], { stdio: 'ignore' }).status === 0;
}

function psql(sql) {
  return execFileSync(join(PG_BIN, 'psql'), ['-h', '127.0.0.1', '-p', String(PG_PORT), '-U', 'postgres', '-qtAc', sql], { encoding: 'utf8', env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });
}

function asPostgres(argv) {
  run('runuser', ['-u', 'postgres', '--', ...argv]);
}

// ---------------------------------------------------------------------------------------------
// Unleash 7.5.1 (installed once into .cache/unleash, never into the repository's node_modules)

export function unleashInstalled() {
  return existsSync(join(unleashInstallDir, 'node_modules/unleash-server/package.json'));
}

/** Installs Unleash on first use, quietly: npm's output goes to .cache/setup/unleash.log, one line says it is done. */
export function installUnleash({ print = (line) => console.log(line) } = {}) {
  if (unleashInstalled()) return;
  mkdirSync(unleashInstallDir, { recursive: true });
  const manifest = join(unleashInstallDir, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ name: 'flaglens-unleash-runtime', private: true, version: '0.0.0' }, null, 2));
  runLogged(`unleash-server 7.5.1 installed into ${unleashInstallDir === join(repoRoot, '.cache/unleash') ? '.cache/unleash' : unleashInstallDir}`, 'npm', ['install', 'unleash-server@7.5.1', '--no-audit', '--no-fund'], { logName: 'unleash', cwd: unleashInstallDir, print });
}

/** Starts Unleash (and PostgreSQL); `freshDatabase` drops the database first, for tests. */
export async function startUnleash({ freshDatabase = false, database = 'unleash', timeoutMs = 90_000 } = {}) {
  installUnleash();
  startPostgres();
  if (await isUp(`${UNLEASH_URL}/health`)) {
    if (!freshDatabase) return;
    await stopUnleash();
    await assertPortFree(`${UNLEASH_URL}/health`, 'unleash');
  }
  if (freshDatabase || !psql(`select 1 from pg_database where datname = '${database}'`).includes('1')) resetDatabase(database);
  startDetached('unleash', process.execPath, [join(here, 'unleash-server.mjs')], {
    FLAGLENS_UNLEASH_DIR: unleashInstallDir,
    FLAGLENS_UNLEASH_PORT: String(UNLEASH_PORT),
    FLAGLENS_PG_PORT: String(PG_PORT),
    FLAGLENS_UNLEASH_DB: database,
    FLAGLENS_UNLEASH_ADMIN_TOKEN: UNLEASH_ADMIN_TOKEN,
    SEND_TELEMETRY: 'false',
  });
  await waitFor(`${UNLEASH_URL}/health`, timeoutMs, 'unleash');
}

export async function stopUnleash() {
  await stopDetached('unleash');
}

// ---------------------------------------------------------------------------------------------
// Prometheus 2.42 (Debian package; our own instance on 127.0.0.1:19090, scrape interval 1 s)

export function installPrometheus() {
  if (!commandExists('prometheus') || !commandExists('promtool')) aptInstall('prometheus');
}

/**
 * Starts a fresh Prometheus scraping `targets` (host:port). `history` is OpenMetrics text turned into
 * TSDB blocks with promtool before start, so tests get past data without waiting for scrapes.
 */
export async function startPrometheus({ targets = [`127.0.0.1:${TEST_APP_PORT}`], history, timeoutMs = 30_000 } = {}) {
  installPrometheus();
  await stopPrometheus();
  await assertPortFree(`${PROMETHEUS_URL}/-/ready`, 'prometheus');
  const dir = join(servicesDir, 'prometheus');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'data'), { recursive: true });
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: app',
    '    static_configs:',
    `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), config);
  if (history) {
    writeFileSync(join(dir, 'history.om'), history.endsWith('# EOF\n') ? history : `${history.trimEnd()}\n# EOF\n`);
    run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'history.om'), join(dir, 'blocks')]);
    for (const block of readdirSync(join(dir, 'blocks'))) cpSync(join(dir, 'blocks', block), join(dir, 'data', block), { recursive: true });
  }
  startDetached('prometheus', 'prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${PROMETHEUS_PORT}`,
    '--web.enable-lifecycle',
    '--storage.tsdb.retention.time=3650d',
    '--log.level=warn',
  ]);
  await waitFor(`${PROMETHEUS_URL}/-/ready`, timeoutMs, 'prometheus');
}

export async function stopPrometheus() {
  await stopDetached('prometheus');
}

/** Polls an instant query until it returns a non-NaN sample (scrapes start ~5 s after a target appears). */
export async function waitForPrometheusValue(query, { timeoutMs = 30_000, predicate = () => true } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`${PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(query)}`);
      const body = await response.json();
      const sample = body?.data?.result?.[0]?.value?.[1];
      const value = sample === undefined ? NaN : Number(sample);
      if (Number.isFinite(value) && predicate(value)) return value;
    } catch {
      // Not ready yet.
    }
    if (Date.now() > deadline) throw new Error(`prometheus: no data for ${query} within ${timeoutMs} ms`);
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------------------------
// The prom-client test app

export async function startTestApp({ flags = ['new-checkout'], traffic = true } = {}) {
  await stopTestApp();
  await assertPortFree(`${TEST_APP_URL}/metrics`, 'test app');
  startDetached('app', process.execPath, [join(here, 'test-app.mjs')], {
    PORT: String(TEST_APP_PORT),
    FLAGS: flags.join(','),
    TRAFFIC: traffic ? 'on' : 'off',
    NODE_PATH: join(repoRoot, 'node_modules'),
  });
  await waitFor(`${TEST_APP_URL}/metrics`, 10_000, 'test app');
}

/** Changes the app's behaviour: `{ flag, variant, errorRate, latency, traffic: 'on'|'off' }`. */
export async function controlTestApp(settings) {
  const query = new URLSearchParams(Object.entries(settings).map(([k, v]) => [k, String(v)]));
  const response = await fetch(`${TEST_APP_URL}/control?${query}`);
  return response.json();
}

export async function stopTestApp() {
  await stopDetached('app');
}

// ---------------------------------------------------------------------------------------------
// Everything

export async function stopAll() {
  await stopTestApp();
  await stopPrometheus();
  await stopUnleash();
  stopPostgres();
}

// ---------------------------------------------------------------------------------------------
// Process helpers: detached children with pid files, stopped by their own pid only.

function startDetached(name, command, args, env = {}) {
  mkdirSync(servicesDir, { recursive: true });
  const log = openSync(join(servicesDir, `${name}.log`), 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...env }, cwd: repoRoot });
  closeSync(log);
  child.unref();
  writeFileSync(join(servicesDir, `${name}.pid`), String(child.pid));
  return child.pid;
}

async function stopDetached(name, timeoutMs = 10_000) {
  const pidFile = join(servicesDir, `${name}.pid`);
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  rmSync(pidFile, { force: true });
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function isUp(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** A server we did not start (no pid file) still answering would be mistaken for ours: refuse clearly instead. */
async function assertPortFree(url, name) {
  if (await isUp(url)) throw new Error(`${name}: ${url} is answered by a process these scripts did not start (no pid file in ${servicesDir}); stop it first`);
}

async function waitFor(url, timeoutMs, name) {
  const deadline = Date.now() + timeoutMs;
  while (!(await isUp(url))) {
    if (Date.now() > deadline) {
      const logFile = join(servicesDir, `${name.split(' ')[0] === 'test' ? 'app' : name}.log`);
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
      throw new Error(`${name} did not become ready at ${url} within ${timeoutMs} ms\n${tail}`);
    }
    await sleep(200);
  }
}

function aptInstall(pkg) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  runLogged('apt-get update', 'apt-get', ['update', '-q'], { logName: 'apt-update', env, print: () => undefined });
  runLogged(`Debian package ${pkg} installed`, 'apt-get', ['install', '-y', '-q', pkg], { logName: `apt-${pkg}`, env });
}

function commandExists(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  return result.stdout;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
