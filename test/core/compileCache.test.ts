// The compiled-code cache (core/src/compileCache.ts) in real processes: a bundled runner (as the CLI and the server
// ship) loads a library file through the hook; the first run compiles it and writes the entry at exit, the next
// loads it from the entry, a changed file or a damaged entry is compiled afresh and still runs correctly, and only
// the user's cache folder is written.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildSync } from 'esbuild';

const RUNNER = `
import { compileCacheReport, enableCompileCache } from ${JSON.stringify(join(__dirname, '..', '..', 'core', 'src', 'compileCache.ts'))};
import { nodeFileSystem, nodeFileWriter } from ${JSON.stringify(join(__dirname, '..', '..', 'core', 'src', 'nodeIo.ts'))};
const library = process.argv[2];
enableCompileCache({ files: [library], fs: nodeFileSystem, writer: nodeFileWriter, env: process.env });
const loaded = require(library);
const report = compileCacheReport();
process.stdout.write(JSON.stringify({ value: loaded.compute(20), helper: loaded.helperPath, hits: report.hits.length, misses: report.misses.length }));
`;

/** A library large enough to be worth caching, which requires a file beside it and resolves another. */
function libraryText(variant: number): string {
  const functions = Array.from({ length: 400 }, (_, index) => `function f${index}(x) { return x * ${index + variant} + ${index % 7}; }`);
  return [
    "'use strict';",
    "const helper = require('./helper.js');",
    ...functions,
    `exports.compute = (n) => { let sum = 0; for (let i = 0; i < n; i++) sum += [${Array.from({ length: 400 }, (_, index) => `f${index}`).join(',')}][i](i); return helper.twice(sum); };`,
    "exports.helperPath = require.resolve('./helper.js');",
    '',
  ].join('\n');
}

function expected(variant: number): number {
  let sum = 0;
  for (let i = 0; i < 20; i++) sum += i * (i + variant) + (i % 7);
  return sum * 2;
}

test('the compiled-code cache: written at exit, loaded next time, refreshed for a changed file or a damaged entry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flaglens-compile-cache-'));
  try {
    const runner = join(dir, 'runner.js');
    writeFileSync(join(dir, 'runner.ts'), RUNNER);
    buildSync({ entryPoints: [join(dir, 'runner.ts')], outfile: runner, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning' });
    const libraryDir = join(dir, 'dist');
    mkdirSync(libraryDir);
    const library = join(libraryDir, 'library.js');
    writeFileSync(join(libraryDir, 'helper.js'), 'exports.twice = (x) => 2 * x;\n');
    writeFileSync(library, libraryText(1));
    const cacheHome = join(dir, 'cache-home');
    const cacheDir = join(cacheHome, 'flaglens', 'v8-code-cache');
    const run = () => JSON.parse(execFileSync(process.execPath, [runner, library], { env: { PATH: process.env.PATH ?? '', XDG_CACHE_HOME: cacheHome, HOME: join(dir, 'home') }, encoding: 'utf8' })) as { value: number; helper: string; hits: number; misses: number };
    const entries = () => readdirSync(cacheDir).filter((name) => name.endsWith('.bin'));

    const first = run();
    assert.deepEqual(first, { value: expected(1), helper: join(libraryDir, 'helper.js'), hits: 0, misses: 1 });
    assert.equal(entries().length, 1, 'the first run writes one entry at exit');
    assert.match(entries()[0]!, /^library\.js-[0-9a-f]{12}-[0-9a-f]{20}\.bin$/);

    const second = run();
    assert.deepEqual(second, { ...first, hits: 1, misses: 0 }, 'the second run loads the compiled code from the entry');

    // The same file name with other contents (a rebuild): a new entry, the old one removed, the new code runs.
    writeFileSync(library, libraryText(2));
    utimesSync(library, new Date(), new Date(Date.now() + 5000));
    const rebuilt = run();
    assert.deepEqual(rebuilt, { value: expected(2), helper: first.helper, hits: 0, misses: 1 });
    assert.equal(entries().length, 1, 'the older build\'s entry is removed when the new one is written');
    assert.deepEqual(run(), { ...rebuilt, hits: 1, misses: 0 });

    // A damaged entry: V8 rejects it, the file compiles as usual and the entry is rewritten.
    const entry = join(cacheDir, entries()[0]!);
    const bytes = readFileSync(entry);
    bytes.fill(7, 0, 64);
    writeFileSync(entry, bytes);
    assert.deepEqual(run(), { ...rebuilt, hits: 0, misses: 1 });
    assert.deepEqual(run(), { ...rebuilt, hits: 1, misses: 0 });

    // Nothing but the entries was written: not beside the library, not in HOME (XDG_CACHE_HOME wins).
    assert.deepEqual(readdirSync(libraryDir).sort(), ['helper.js', 'library.js']);
    assert.deepEqual(readdirSync(dir).sort(), ['cache-home', 'dist', 'runner.js', 'runner.ts']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
