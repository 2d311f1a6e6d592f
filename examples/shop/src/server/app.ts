// The shop's HTTP server: a few JSON endpoints, and a kill switch that puts the whole shop in maintenance.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { OpenFeature } from '@openfeature/server-sdk';
import { FLAGS } from '../flags';
import { checkout } from './checkout';
import { deliveryOptions } from './delivery';
import { search } from './search';

const flags = OpenFeature.getClient('http');

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (await flags.getBooleanValue(FLAGS.MAINTENANCE_MODE, false)) {
    return sendJson(response, 503, { error: 'The shop is in maintenance, back soon.' });
  }
  const url = new URL(request.url ?? '/', 'http://shop.local');
  const userId = String(request.headers['x-user-id'] ?? 'anonymous');
  if (url.pathname === '/search') return sendJson(response, 200, await search(url.searchParams.get('q') ?? '', userId));
  if (url.pathname === '/delivery') return sendJson(response, 200, await deliveryOptions(userId));
  if (url.pathname === '/checkout') return sendJson(response, 200, await checkout({ lines: [] }, userId));
  sendJson(response, 404, { error: 'not found' });
}

export function startServer(port: number) {
  return createServer((request, response) => {
    handle(request, response).catch(() => sendJson(response, 500, { error: 'internal error' }));
  }).listen(port);
}
