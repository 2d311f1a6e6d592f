// package.json is the one schema of the `flaglens.*` settings users see (STYLE.md practice 6): its
// contributes.configuration must list exactly the keys of FlaglensSettings with the same defaults, and the
// manifest must declare every command the client and the server's code actions invoke.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClientCommands, defaultSettings } from '../../protocol/src/index.js';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** `{ hover: { enabled: true } }` → `{ 'flaglens.hover.enabled': true }`. */
function flatten(value: unknown, prefix: string, out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, `${prefix}.${key}`, out);
  } else out[prefix] = value;
  return out;
}

test('contributes.configuration has exactly the FlaglensSettings keys with the same defaults', () => {
  const properties: Record<string, { default: unknown; type: string | string[] }> = manifest.contributes.configuration.properties;
  const declared = Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key, schema.default]));
  assert.deepEqual(declared, flatten(defaultSettings, 'flaglens'));
  // The declared type admits the default (null only where the protocol allows null).
  for (const [key, schema] of Object.entries(properties)) {
    const types = [schema.type].flat();
    const value = schema.default;
    assert.ok(types.includes(value === null ? 'null' : typeof value), `${key}: default ${JSON.stringify(value)} fits ${types}`);
  }
  assert.deepEqual(properties['flaglens.trace.server'] && (properties['flaglens.trace.server'] as unknown as { enum: string[] }).enum, ['off', 'messages', 'verbose']);
});

test('every command the client registers is contributed with a Flaglens title, and none is left over', () => {
  const source = readdirSync(join(root, 'client/src')).map((file) => readFileSync(join(root, 'client/src', file), 'utf8')).join('\n');
  // The client registers each command through the shared ids (`run(ClientCommands.bump, …)`), never a literal.
  assert.doesNotMatch(source, /run\('flaglens\./);
  const registered = [...source.matchAll(/run\(ClientCommands\.(\w+)/g)].map((match) => ClientCommands[match[1] as keyof typeof ClientCommands]).sort();
  const contributed = manifest.contributes.commands.map((command: { command: string }) => command.command).sort();
  assert.deepEqual(registered, contributed);
  assert.deepEqual(Object.values(ClientCommands).sort(), contributed, 'the protocol names exactly the contributed commands');
  // The server's code actions invoke these two with the flag key as the first argument.
  for (const id of ['flaglens.bump', 'flaglens.abort']) assert.ok(contributed.includes(id));
  const titles = Object.fromEntries(manifest.contributes.commands.map((c: { command: string; category: string; title: string }) => [c.command, `${c.category}: ${c.title}`]));
  assert.equal(titles['flaglens.bump'], 'Flaglens: Bump Rollout…');
  assert.equal(titles['flaglens.abort'], 'Flaglens: Abort Rollout…');
  assert.equal(titles['flaglens.openDefinition'], 'Flaglens: Open Flag Definition');
  assert.equal(titles['flaglens.setToken'], 'Flaglens: Set Token');
});

test('Workspace Trust is declared as limited support, and writes need trust', () => {
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.match(manifest.capabilities.untrustedWorkspaces.description, /no network/);
  const enablement = Object.fromEntries(manifest.contributes.commands.map((c: { command: string; enablement?: string }) => [c.command, c.enablement]));
  assert.equal(enablement['flaglens.bump'], 'isWorkspaceTrusted');
  assert.equal(enablement['flaglens.abort'], 'isWorkspaceTrusted');
});
