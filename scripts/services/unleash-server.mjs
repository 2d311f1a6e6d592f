// Runs Unleash 7.5.1 (installed under .cache/unleash by services.mjs) against the private PostgreSQL
// cluster, bound to 127.0.0.1, with a fixed admin token for tests and the demo. Started as a child process.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const installDir = process.env.FLAGLENS_UNLEASH_DIR;
const port = Number(process.env.FLAGLENS_UNLEASH_PORT ?? 4242);
const pgPort = Number(process.env.FLAGLENS_PG_PORT ?? 55432);
const database = process.env.FLAGLENS_UNLEASH_DB ?? 'unleash';
const adminToken = process.env.FLAGLENS_UNLEASH_ADMIN_TOKEN ?? '*:*.flaglens-admin-token';
process.env.SEND_TELEMETRY = 'false';

const { start } = await import(pathToFileURL(join(installDir, 'node_modules/unleash-server/dist/lib/server-impl.js')).href);
await start({
  db: { user: 'unleash', password: 'unleash', host: '127.0.0.1', port: pgPort, database, ssl: false },
  server: { port, host: '127.0.0.1' },
  versionCheck: { enable: false },
  sendTelemetry: false,
  getLogger: quietLogger,
  authentication: {
    type: 'open-source',
    createAdminUser: false,
    initApiTokens: [{ secret: adminToken, tokenName: 'admin', type: 'admin', environment: '*', projects: ['*'] }],
  },
});

/** Unleash logs a lot at info level; keep warnings and errors only. */
function quietLogger() {
  const noop = () => {};
  return { debug: noop, info: noop, warn: console.warn, error: console.error, fatal: console.error };
}
