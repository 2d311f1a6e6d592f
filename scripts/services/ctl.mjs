// Command line for the service scripts: install, start, stop or show the status of the live-test servers.
//   node scripts/services/ctl.mjs install|start|stop|status [postgres|unleash|prometheus|app|all]
import {
  installPostgres, installUnleash, installPrometheus, startPostgres, startUnleash, startPrometheus, startTestApp,
  stopPostgres, stopUnleash, stopPrometheus, stopTestApp, isUp, postgresRunning, UNLEASH_URL, PROMETHEUS_URL, TEST_APP_URL, PG_PORT,
} from './services.mjs';


const [action = 'status', which = 'all'] = process.argv.slice(2);
const all = ['postgres', 'unleash', 'prometheus', 'app'];
const targets = which === 'all' ? all : [which];
const actions = {
  install: { postgres: installPostgres, unleash: installUnleash, prometheus: installPrometheus, app: () => {} },
  start: { postgres: startPostgres, unleash: () => startUnleash(), prometheus: () => startPrometheus(), app: () => startTestApp() },
  stop: { postgres: stopPostgres, unleash: stopUnleash, prometheus: stopPrometheus, app: stopTestApp },
};
if (action === 'status') {
  for (const [name, url] of [['unleash', `${UNLEASH_URL}/health`], ['prometheus', `${PROMETHEUS_URL}/-/ready`], ['app', `${TEST_APP_URL}/metrics`]]) {
    console.log(`${name}: ${(await isUp(url)) ? 'up' : 'down'} (${url})`);
  }
  console.log(`postgres: ${postgresRunning() ? 'up' : 'down'} (127.0.0.1:${PG_PORT})`);
} else if (actions[action]) {
  const order = action === 'stop' ? [...targets].reverse() : targets;
  for (const target of order) {
    if (!actions[action][target]) throw new Error(`unknown service ${target}`);
    await actions[action][target]();
    console.log(`${action} ${target}: ok`);
  }
} else {
  console.error('usage: ctl.mjs install|start|stop|status [postgres|unleash|prometheus|app|all]');
  process.exit(2);
}
