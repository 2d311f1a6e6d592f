// Shared set-up for the live integration tests: temp workspaces with a flaglens.yaml, Unleash Admin API
// calls to create and change flags, and the service scripts (imported from scripts/services).
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const services: ServicesModule = require('../../scripts/services/services.mjs');

export interface ServicesModule {
  UNLEASH_URL: string;
  UNLEASH_ADMIN_TOKEN: string;
  PROMETHEUS_URL: string;
  TEST_APP_URL: string;
  startUnleash(options?: { freshDatabase?: boolean }): Promise<void>;
  stopUnleash(): Promise<void>;
  stopPostgres(): void;
  startPrometheus(options?: { targets?: string[]; history?: string }): Promise<void>;
  stopPrometheus(): Promise<void>;
  startTestApp(options?: { flags?: string[]; traffic?: boolean }): Promise<void>;
  stopTestApp(): Promise<void>;
  controlTestApp(settings: Record<string, string | number>): Promise<unknown>;
  waitForPrometheusValue(query: string, options?: { timeoutMs?: number; predicate?: (value: number) => boolean }): Promise<number>;
}

export const TOKEN_VARIABLE = 'FLAGLENS_TEST_UNLEASH_TOKEN';

/** Writes files (path → content) into a fresh temp folder and returns its path. */
export function makeWorkspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'flaglens-live-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export function removeWorkspace(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** Calls the Unleash Admin API of the local test server; throws on non-2xx. */
export async function admin(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${services.UNLEASH_URL}/api/admin${path}`, {
    method,
    headers: { authorization: services.UNLEASH_ADMIN_TOKEN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Creates a flag with one flexibleRollout strategy at `rollout` in development. */
export async function createRolloutFlag(name: string, rollout: string, options: { enabled?: boolean; constraints?: unknown[]; type?: string } = {}): Promise<string> {
  await admin('POST', '/projects/default/features', { name, type: options.type ?? 'release', description: `${name} (test)` });
  const strategy = await admin('POST', `/projects/default/features/${name}/environments/development/strategies`, {
    name: 'flexibleRollout',
    constraints: options.constraints ?? [],
    parameters: { rollout, stickiness: 'default', groupId: name },
  });
  if (options.enabled !== false) await admin('POST', `/projects/default/features/${name}/environments/development/on`);
  return strategy.id as string;
}

/** The rollout of a flag's first development strategy, read fresh from the API. */
export async function readRollout(name: string): Promise<{ rollout: string; enabled: boolean; description: string | null }> {
  const feature = await admin('GET', `/projects/default/features/${name}`);
  const env = feature.environments.find((e: { name: string }) => e.name === 'development');
  return { rollout: env.strategies[0]?.parameters?.rollout, enabled: env.enabled, description: feature.description };
}

export { recordingIo } from '../cli/recordingIo.js';
