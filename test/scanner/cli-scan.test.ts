// `flaglens scan`: the JSON contract (in-process through runCli and once through the built dist/cli.js),
// the text format, and exit code 2 with file:line:column for bad usage and invalid config.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../cli/src/main.js';
import { recordingIo } from '../cli/recordingIo.js';
import { freshBundle } from '../freshBundle.js';

let root: string;

const files: Record<string, string> = {
  'src/flags.ts': `export const FLAGS = { NEW_CHECKOUT: 'new-checkout' } as const;\n`,
  'src/checkout.ts': [
    `import { OpenFeature } from '@openfeature/server-sdk';`,
    `import { FLAGS } from './flags';`,
    `const client = OpenFeature.getClient();`,
    `export async function checkout(name: string) {`,
    `  const on = await client.getBooleanValue(FLAGS.NEW_CHECKOUT, false);`,
    `  return on && client.getStringValue(\`exp-\${name.trim()}\`, 'a');`,
    `}`,
    ``,
  ].join('\n'),
  'src/Banner.tsx': `import { useFlags } from 'launchdarkly-react-client-sdk';\nexport const Banner = () => useFlags().showBanner;\n`,
  'src/use.ts': `import { isEnabled } from 'unleash-client';\nexport const on = (k: string) => isEnabled(k);\nexport const x = on('wrapped');\n`,
};

before(() => {
  root = mkdtempSync(join(tmpdir(), 'flaglens-cli-scan-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
});
after(() => rmSync(root, { recursive: true, force: true }));


const expectedReferences = [
  { key: 'showBanner', file: 'src/Banner.tsx', line: 2, column: 40, sdk: 'launchdarkly', call: 'useFlags', keyExpression: 'showBanner', resolved: true, keyStyle: 'camelCase' },
  { key: 'new-checkout', file: 'src/checkout.ts', line: 5, column: 43, sdk: 'openfeature', call: 'getBooleanValue', keyExpression: 'FLAGS.NEW_CHECKOUT', resolved: true, default: false },
  {
    key: null,
    file: 'src/checkout.ts',
    line: 6,
    column: 38,
    sdk: 'openfeature',
    call: 'getStringValue',
    keyExpression: '`exp-${name.trim()}`',
    resolved: false,
    default: 'a',
    unresolvedReason: 'dynamic expression',
    keyPattern: 'exp-*',
  },
  { key: 'wrapped', file: 'src/use.ts', line: 3, column: 21, sdk: 'wrapper', call: 'on', keyExpression: "'wrapped'", resolved: true, via: ['on'] },
];

test('scan --format json follows the contract exactly (in process)', async () => {
  const io = recordingIo(root);
  const code = await runCli(['scan', '.', '--format', 'json'], io);
  assert.equal(code, 0, io.err);
  const json = JSON.parse(io.out);
  assert.deepEqual(Object.keys(json).sort(), ['durationMs', 'failures', 'files', 'parsedFiles', 'references', 'skipped']);
  assert.deepEqual(json.failures, []);
  assert.deepEqual(json.references, expectedReferences);
  assert.equal(json.files, 4);
  assert.deepEqual(json.skipped, { binary: 0, tooLarge: 0, unreadable: 0, failed: 0 });
  assert.equal(typeof json.durationMs, 'number');
});

test('scan text output: one line per reference, grouped by flag', async () => {
  const io = recordingIo(root);
  assert.equal(await runCli(['scan', root], io), 0);
  assert.match(io.out, /^new-checkout — 1 reference\n  src\/checkout\.ts:5:43 new-checkout \(getBooleanValue\) \[openfeature\]$/m);
  assert.match(io.out, /src\/checkout\.ts:6:38 `exp-\$\{name\.trim\(\)\}` \(getStringValue\) \[openfeature\]: dynamic expression/);
  assert.match(io.out, /4 references to 3 flags in 4 files/);
  assert.match(io.out, /\n1 key unresolved:\n  1 × dynamic expression\n\n4 references/);
});

test('bad usage and invalid config exit 2 with file:line:column, and nothing is scanned', async () => {
  let io = recordingIo(root);
  assert.equal(await runCli(['scan', '--format', 'xml'], io), 2);
  assert.match(io.err, /--format must be text or json/);
  io = recordingIo(root);
  assert.equal(await runCli(['scan', 'a', 'b'], io), 2);
  io = recordingIo(root);
  assert.equal(await runCli(['scan', '--bogus'], io), 2);
  const config = join(root, 'bad.yaml');
  writeFileSync(config, 'checks:\n  - call: "not a name!"\n  - jsx: Beta\n');
  io = recordingIo(root);
  assert.equal(await runCli(['scan', '--config', 'bad.yaml', '--format', 'json'], io), 2);
  assert.equal(io.out, '');
  const lines = io.err.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], new RegExp(`^flaglens scan: ${'bad.yaml'.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:11: checks\\[\\]\\.call`));
  assert.match(lines[1], /^flaglens scan: bad\.yaml:3:5: checks\[\]\.jsx 'Beta' needs an attribute/);
  assert.equal(lines[2], "Run 'flaglens scan --help' for usage.");
});

test('the built CLI (dist/cli.js) prints the same JSON', () => {
  const cli = freshBundle('cli.js');
  // The user's cache folder is a temporary one: the scan cache of this workspace goes there, not into the real home.
  const cacheHome = mkdtempSync(join(tmpdir(), 'flaglens-cli-scan-cache-'));
  try {
    const run = spawnSync(process.execPath, [cli, 'scan', root, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout).references, expectedReferences);
  } finally {
    rmSync(cacheHome, { recursive: true, force: true });
  }
});
