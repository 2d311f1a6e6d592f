// A tiny service instrumented with prom-client, standing in for a real app behind feature flags: it
// simulates steady traffic per flag and variant (request counters by status, latency histograms) and has
// an HTTP control to change the "on" variant's error rate or stop traffic, so health checks see real data.
//   FLAGS=new-checkout,search-v2 PORT=19100 node scripts/services/test-app.mjs
//   GET /control?flag=new-checkout&variant=on&errorRate=0.2   GET /control?traffic=off (or &flag=X: one flag)
//   GET /control?flag=quiet-flag&rate=2 (requests per variant per 100 ms tick, both variants unless &variant=)   GET /metrics
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const client = require('prom-client');

const port = Number(process.env.PORT ?? 19100);
const flags = (process.env.FLAGS ?? 'new-checkout').split(',').filter(Boolean);
const requestsPerTick = Number(process.env.REQUESTS_PER_TICK ?? 20);
const variants = ['on', 'off'];

const registry = new client.Registry();
const requests = new client.Counter({ name: 'http_requests_total', help: 'Requests by flag variant and status', labelNames: ['flag', 'variant', 'status'], registers: [registry] });
const duration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'Request latency by flag variant',
  labelNames: ['flag', 'variant'],
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

/** Per flag+variant: error rate, latency, and an error accumulator so the observed ratio is exact, not random. */
const behaviour = new Map();
let traffic = process.env.TRAFFIC !== 'off';
for (const flag of flags) {
  for (const variant of variants) {
    behaviour.set(`${flag}/${variant}`, { errorRate: 0, latencySeconds: 0.04, errorDebt: 0, traffic: true, requestsPerTick });
    // Without these zero increments a series does not exist until its first event and queries return empty.
    requests.inc({ flag, variant, status: '200' }, 0);
    requests.inc({ flag, variant, status: '500' }, 0);
    duration.observe({ flag, variant }, 0.04);
  }
}

setInterval(() => {
  if (!traffic) return;
  for (const flag of flags) {
    for (const variant of variants) {
      const b = behaviour.get(`${flag}/${variant}`);
      if (!b.traffic) continue;
      for (let i = 0; i < b.requestsPerTick; i++) {
        b.errorDebt += b.errorRate;
        const failed = b.errorDebt >= 1;
        if (failed) b.errorDebt -= 1;
        requests.inc({ flag, variant, status: failed ? '500' : '200' });
        duration.observe({ flag, variant }, b.latencySeconds * (0.8 + ((i * 7) % 5) / 10));
      }
    }
  }
}, 100).unref();

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
  if (url.pathname === '/metrics') {
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
    return;
  }
  if (url.pathname === '/control') {
    const p = url.searchParams;
    if (p.has('traffic') && !p.has('flag')) traffic = p.get('traffic') !== 'off';
    for (const flag of p.has('flag') ? [p.get('flag')] : flags) {
      for (const variant of p.has('variant') ? [p.get('variant')] : p.has('traffic') || p.has('rate') ? variants : ['on']) {
        const b = behaviour.get(`${flag}/${variant}`);
        if (!b) continue;
        if (p.has('errorRate')) b.errorRate = Number(p.get('errorRate'));
        if (p.has('latency')) b.latencySeconds = Number(p.get('latency'));
        if (p.has('rate')) b.requestsPerTick = Number(p.get('rate'));
        if (p.has('traffic') && p.has('flag')) b.traffic = p.get('traffic') !== 'off';
      }
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ traffic, behaviour: Object.fromEntries(behaviour) }));
    return;
  }
  res.statusCode = 404;
  res.end('not found\n');
});
server.listen(port, '127.0.0.1', () => console.log(`test app on http://127.0.0.1:${port} (flags: ${flags.join(', ')})`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
