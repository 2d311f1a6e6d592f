// The scan cache from the command line: on by default in scan, check and flags; `--no-cache` and
// `--cache-location DIR`; the default folder (node_modules/.cache/flaglens, else the user's cache folder, never a
// new file in the workspace); `cache: { hits, misses }` in scan's JSON; and concurrent runs of the built CLI
// leaving one complete cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { runCli } from '../../cli/src/main.js';
import { recordingIo } from '../cli/recordingIo.js';
import { freshBundle } from '../freshBundle.js';
import { SCAN_CACHE_FILE } from '../../core/src/scanner/scanCache.js';

const FILES: Record<string, string> = {
  'src/keys.ts': `export const KEYS = { CHECKOUT: 'new-checkout' } as const;\n`,
  'src/app.ts': `import { isEnabled } from 'unleash-client';\nimport { KEYS } from './keys';\nexport const on = isEnabled(KEYS.CHECKOUT);\n`,
  'src/plain.ts': `export const sum = (a: number, b: number) => a + b;\n`,
};

function setup(extra: Record<string, string> = {}): { base: string; root: string; cacheHome: string; files(): string[] } {
  const base = mkdtempSync(join(tmpdir(), 'flaglens-cli-cache-'));
  const root = join(base, 'repo');
  for (const [path, text] of Object.entries({ ...FILES, ...extra })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const cacheHome = join(base, 'xdg-cache');
  const files = (): string[] => {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) entry.isDirectory() ? walk(join(dir, entry.name)) : out.push(relative(root, join(dir, entry.name)));
    };
    walk(root);
    return out.sort();
  };
  return { base, root, cacheHome, files };
}

async function scanJson(cwd: string, args: string[], env: Record<string, string>): Promise<{ code: number; json: any; err: string }> {
  const io = recordingIo(cwd, env);
  const code = await runCli(['scan', ...args, '--format', 'json'], io);
  return { code, json: code === 0 ? JSON.parse(io.out) : undefined, err: io.err };
}

test('without node_modules the cache goes to $XDG_CACHE_HOME/flaglens/<hash>: the workspace gets no new file', async () => {
  const ws = setup();
  try {
    const before = ws.files();
    const cold = await scanJson(ws.root, ['.'], { HOME: join(ws.base, 'home'), XDG_CACHE_HOME: ws.cacheHome });
    assert.equal(cold.code, 0, cold.err);
    assert.deepEqual(cold.json.cache, { hits: 0, misses: 3 });
    assert.deepEqual(ws.files(), before, 'nothing written into the workspace');
    const [folder] = readdirSync(join(ws.cacheHome, 'flaglens'));
    assert.match(folder, /^[0-9a-f]{16}$/);
    assert.ok(existsSync(join(ws.cacheHome, 'flaglens', folder, SCAN_CACHE_FILE)));
    const warm = await scanJson(ws.root, ['.'], { HOME: join(ws.base, 'home'), XDG_CACHE_HOME: ws.cacheHome });
    assert.deepEqual(warm.json.cache, { hits: 3, misses: 0 });
    assert.deepEqual(warm.json.references, cold.json.references);
    // Without XDG_CACHE_HOME: ~/.cache.
    await scanJson(ws.root, ['.'], { HOME: join(ws.base, 'home') });
    assert.ok(existsSync(join(ws.base, 'home', '.cache', 'flaglens', folder, SCAN_CACHE_FILE)));
  } finally {
    rmSync(ws.base, { recursive: true, force: true });
  }
});

test('with node_modules the cache goes to node_modules/.cache/flaglens, unless that leads out of node_modules', async () => {
  const ws = setup({ 'node_modules/left-pad/index.js': 'module.exports = (s) => s;\n' });
  try {
    const env = { HOME: join(ws.base, 'home'), XDG_CACHE_HOME: ws.cacheHome };
    assert.equal((await scanJson(ws.root, ['.'], env)).code, 0);
    assert.ok(existsSync(join(ws.root, 'node_modules', '.cache', 'flaglens', SCAN_CACHE_FILE)));
    assert.ok(!existsSync(ws.cacheHome), 'the user cache folder is not used');
    // A node_modules/.cache that is a link out of node_modules (to a place the repository chose) is not written through.
    rmSync(join(ws.root, 'node_modules', '.cache'), { recursive: true });
    const elsewhere = join(ws.base, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(ws.root, 'node_modules', '.cache'));
    const run = await scanJson(ws.root, ['.'], env);
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(readdirSync(elsewhere), []);
    assert.equal(readdirSync(join(ws.cacheHome, 'flaglens')).length, 1);
  } finally {
    rmSync(ws.base, { recursive: true, force: true });
  }
});

test('--no-cache reads and writes no cache and reports none; --cache-location DIR (relative to the current folder) is used', async () => {
  const ws = setup();
  try {
    const env = { HOME: join(ws.base, 'home'), XDG_CACHE_HOME: ws.cacheHome };
    const off = await scanJson(ws.root, ['.', '--no-cache'], env);
    assert.equal(off.code, 0, off.err);
    assert.equal(off.json.cache, undefined);
    assert.ok(!existsSync(ws.cacheHome));
    const chosen = await scanJson(ws.base, ['repo', '--cache-location', 'my-cache'], env);
    assert.deepEqual(chosen.json.cache, { hits: 0, misses: 3 });
    assert.ok(existsSync(join(ws.base, 'my-cache', SCAN_CACHE_FILE)));
    assert.ok(!existsSync(ws.cacheHome));
    assert.deepEqual(chosen.json.references, off.json.references);
    const both = await scanJson(ws.root, ['.', '--no-cache', '--cache-location', 'x'], env);
    assert.equal(both.code, 2);
    assert.match(both.err, /--no-cache and --cache-location exclude each other/);
  } finally {
    rmSync(ws.base, { recursive: true, force: true });
  }
});

test('check and flags use the same cache and take the same options', async () => {
  const ws = setup();
  try {
    const env = { HOME: join(ws.base, 'home'), FLAGLENS_NOW: '2026-11-27T12:00:00Z' };
    const location = join(ws.base, 'shared-cache');
    await scanJson(ws.root, ['.', '--cache-location', location], env);
    for (const command of ['check', 'flags']) {
      const io = recordingIo(ws.root, env);
      const code = await runCli([command, '.', '--cache-location', location, '--format', 'json'], io);
      assert.ok(code === 0 || code === 1, `${command}: ${io.err}`);
      const off = recordingIo(ws.root, env);
      assert.ok([0, 1].includes(await runCli([command, '.', '--no-cache', '--format', 'json'], off)), off.err);
      assert.equal(off.out, io.out, `${command}: the same output with and without the cache`);
    }
    const warm = await scanJson(ws.root, ['.', '--cache-location', location], env);
    assert.deepEqual(warm.json.cache, { hits: 3, misses: 0 });
  } finally {
    rmSync(ws.base, { recursive: true, force: true });
  }
});

test('concurrent runs of the built CLI on one cache leave a complete cache and right results', async () => {
  const extra: Record<string, string> = {};
  for (let i = 0; i < 200; i++) extra[`src/gen/file${i}.ts`] = `import { isEnabled } from 'unleash-client';\nexport const on${i} = isEnabled('flag-${i % 7}');\n`;
  const ws = setup(extra);
  try {
    const cli = freshBundle('cli.js');
    const location = join(ws.base, 'cache');
    const run = () =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, [cli, 'scan', ws.root, '--format', 'json', '--cache-location', location], { env: { PATH: process.env.PATH ?? '' } });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.stderr.on('data', (chunk) => (err += chunk));
        child.on('close', (code) => resolve({ code, out, err }));
      });
    const expected = (await scanJson(ws.root, ['.', '--no-cache'], {})).json.references;
    for (let round = 0; round < 3; round++) {
      // Four at once, over a cache that is missing (round 0) or there.
      const runs = await Promise.all([run(), run(), run(), run()]);
      for (const result of runs) {
        assert.equal(result.code, 0, result.err);
        const json = JSON.parse(result.out);
        assert.deepEqual(json.references, expected);
        assert.equal(json.cache.ignored, undefined, 'no run ever saw a half-written cache');
      }
    }
    // The cache left behind is complete: the same build reads it and learns nothing afresh.
    const after = await run();
    assert.equal(JSON.parse(after.out).cache.misses, 0);
    assert.deepEqual(readdirSync(location), [SCAN_CACHE_FILE], 'no temp file left behind');
  } finally {
    rmSync(ws.base, { recursive: true, force: true });
  }
});

test('the built CLI loads TypeScript only when it parses, and ts-morph never for a scan', async () => {
  const ws = setup();
  try {
    const cli = freshBundle('cli.js');
    // Records which of the shared library files the process loads.
    const hook = join(ws.base, 'record-loads.js');
    const loads = join(ws.base, 'loads.txt');
    writeFileSync(hook, `const Module = require('module');\nconst load = Module._load;\nModule._load = function (request) {\n  if (/(typescript|ts-morph)\\.js$/.test(request)) require('fs').appendFileSync(${JSON.stringify(loads)}, request + '\\n');\n  return load.apply(this, arguments);\n};\n`);
    const run = (args: string[]) => {
      rmSync(loads, { force: true });
      const result = spawnSync(process.execPath, ['-r', hook, cli, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
      assert.equal(result.status, 0, result.stderr);
      return existsSync(loads) ? readFileSync(loads, 'utf8').trim().split('\n') : [];
    };
    assert.deepEqual(run(['--version']), []);
    const location = join(ws.base, 'cache');
    assert.deepEqual(run(['scan', ws.root, '--cache-location', location]), ['./typescript.js'], 'a cold scan parses');
    assert.deepEqual(run(['scan', ws.root, '--cache-location', location]), [], 'a warm scan of an unchanged workspace parses nothing');
    assert.deepEqual(run(['check', ws.root, '--cache-location', location, '--fail-on', 'never']), [], 'nor does a check answered from the cache');
  } finally {
    rmSync(ws.base, { recursive: true, force: true });
  }
});
