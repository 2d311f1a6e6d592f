// The scanner's persistent cache, on real files in a temporary folder: a warm scan returns exactly what a cold
// scan of the same tree returns, reading nothing but the cache when nothing changed; it sees edited, new and
// deleted files and an edited constants module; a file modified too recently to trust its time is confirmed by
// its hash; and a cache that is corrupt, cut short, foreign or unreadable is ignored and written again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { nodeFileSystem, nodeFileWriter } from '../../core/src/nodeIo.js';
import type { FileSystem } from '../../core/src/io.js';
import type { ScanResult } from '../../core/src/model.js';
import { fileScanCacheStore, scanWorkspace } from '../../core/src/scanner/index.js';
import { encodeScanCache, scanCacheIdentity, SCAN_CACHE_FILE } from '../../core/src/scanner/scanCache.js';
import { configFrom } from './fixture.js';

const FILES: Record<string, string> = {
  'tsconfig.json': '{ "compilerOptions": { "paths": { "@flags/*": ["./src/flags/*"] } } }',
  'src/flags/keys.ts': `export const CHECKOUT = 'checkout-v1';\nexport enum Flags { Search = 'new-search' }\n`,
  'src/flags/index.ts': `export * from './keys';\n`,
  'src/flags/client.ts': `import { initialize } from 'unleash-client';\nexport const client = initialize({ url: 'http://unleash', appName: 'shop' });\n`,
  'src/flags/gate.ts': `import { client } from './client';\nexport function gate(name: string, fallback = false) { return client.isEnabled(name) || fallback; }\n`,
  'src/app.ts': `import { isEnabled } from 'unleash-client';\nimport { CHECKOUT, Flags } from '@flags/index';\nexport const a = isEnabled(CHECKOUT);\nexport const b = isEnabled(Flags.Search);\n`,
  'src/page.ts': `import { gate } from './flags/gate';\nexport const c = gate('wrapped-key', true);\n`,
  'src/plain.ts': `// mentions unleash-client and config but checks nothing\nexport const config = { flags: ['x'] };\n`,
  'src/util.js': `module.exports = { add: (a, b) => a + b };\n`,
};

/** A workspace on disk whose files were last modified a minute ago (long enough for their times to be trusted). */
function workspace(files: Record<string, string> = FILES): { root: string; cacheDirectory: string; write(path: string, text: string): void; remove(): void } {
  const base = mkdtempSync(join(tmpdir(), 'flaglens-cache-'));
  const root = join(base, 'repo');
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(join(root, path), minuteAgo, minuteAgo);
  };
  for (const [path, text] of Object.entries(files)) write(path, text);
  return { root, cacheDirectory: join(base, 'cache'), write, remove: () => rmSync(base, { recursive: true, force: true }) };
}

/** A FileSystem that counts the file reads of each path. */
function countingFileSystem(base: FileSystem = nodeFileSystem): FileSystem & { reads: string[] } {
  const reads: string[] = [];
  return {
    ...base,
    reads,
    readFile: (path, options) => (reads.push(path), base.readFile(path, options)),
    readFileBytes: (path, options) => (reads.push(path), base.readFileBytes(path, options)),
  };
}

async function scan(root: string, options: { cacheDirectory?: string; fs?: FileSystem; config?: string } = {}): Promise<ScanResult> {
  const fs = options.fs ?? nodeFileSystem;
  return scanWorkspace({ root, fs, config: configFrom(options.config), cache: options.cacheDirectory ? fileScanCacheStore(options.cacheDirectory, fs, nodeFileWriter) : undefined });
}

/** A result without what differs between a cold and a warm scan (time, parse count, cache report). */
function comparable(result: ScanResult): Omit<ScanResult, 'durationMs' | 'parsedFiles' | 'cache'> {
  const { durationMs: _duration, parsedFiles: _parsed, cache: _cache, ...rest } = result;
  return rest;
}

test('a warm scan of an unchanged workspace returns exactly the cold scan, reading only the cache and what resolution reads', async () => {
  const ws = workspace();
  try {
    const cold = await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    assert.deepEqual(cold.references.map((r) => r.key).sort(), ['checkout-v1', 'new-search', 'wrapped-key']);
    assert.deepEqual(cold.cache, { hits: 0, misses: 8 });
    const fs = countingFileSystem();
    const warm = await scan(ws.root, { cacheDirectory: ws.cacheDirectory, fs });
    assert.deepEqual(comparable(warm), comparable(cold));
    assert.deepEqual(warm.cache, { hits: 8, misses: 0 });
    assert.equal(warm.parsedFiles, 0);
    // No source file is read: only the cache, and the tsconfig resolution had read (checked for changes).
    assert.deepEqual(fs.reads.map((path) => path.slice(ws.root.length + 1) || path).filter((path) => !path.endsWith(SCAN_CACHE_FILE)).sort(), ['tsconfig.json']);
  } finally {
    ws.remove();
  }
});

test('a warm scan sees an edited file, a new file and a deleted file, as a cold scan of the changed tree does', async () => {
  const ws = workspace();
  try {
    await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    ws.write('src/page.ts', `import { gate } from './flags/gate';\nexport const c = gate('edited-key');\n`);
    ws.write('src/new.ts', `import { isEnabled } from 'unleash-client';\nexport const d = isEnabled('brand-new');\n`);
    unlinkSync(join(ws.root, 'src/plain.ts'));
    const warm = await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    const cold = await scan(ws.root);
    assert.deepEqual(comparable(warm), comparable(cold));
    assert.deepEqual(warm.references.map((r) => r.key).sort(), ['brand-new', 'checkout-v1', 'edited-key', 'new-search']);
    assert.ok(warm.cache!.misses >= 2 && warm.cache!.hits >= 5, JSON.stringify(warm.cache));
    // And the cache written then is right again: the next run learns nothing afresh.
    const again = await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    assert.deepEqual(comparable(again), comparable(cold));
    assert.equal(again.cache!.misses, 0);
  } finally {
    ws.remove();
  }
});

test('an edited constants module re-analyses the unchanged files that resolve keys through it', async () => {
  const ws = workspace();
  try {
    await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    ws.write('src/flags/keys.ts', `export const CHECKOUT = 'checkout-v2';\nexport enum Flags { Search = 'new-search' }\n`);
    const warm = await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    assert.deepEqual(comparable(warm), comparable(await scan(ws.root)));
    assert.ok(warm.references.some((r) => r.key === 'checkout-v2' && r.file === 'src/app.ts'));
    // keys.ts was read afresh and app.ts analysed again; the others came from the cache.
    assert.equal(warm.cache!.misses, 2, JSON.stringify(warm.cache));
    // A wrapper losing its check is seen by its callers too.
    ws.write('src/flags/gate.ts', `export function gate(name: string, fallback = false) { return name.length > 0 || fallback; }\n`);
    const afterGate = await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    assert.deepEqual(comparable(afterGate), comparable(await scan(ws.root)));
    assert.ok(!afterGate.references.some((r) => r.key === 'wrapped-key'));
  } finally {
    ws.remove();
  }
});

test('a changed tsconfig re-resolves every cached analysis', async () => {
  const ws = workspace({ ...FILES, 'src/other/keys.ts': `export const CHECKOUT = 'other-checkout';\nexport enum Flags { Search = 'other-search' }\n`, 'src/other/index.ts': `export * from './keys';\n` });
  try {
    await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    ws.write('tsconfig.json', '{ "compilerOptions": { "paths": { "@flags/*": ["./src/other/*"] } } }');
    const warm = await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    assert.deepEqual(comparable(warm), comparable(await scan(ws.root)));
    assert.ok(warm.references.some((r) => r.key === 'other-checkout'));
  } finally {
    ws.remove();
  }
});

test('a file modified just before the cache was written is confirmed by its hash, even with the same size and time', async () => {
  const ws = workspace();
  try {
    const path = join(ws.root, 'src/page.ts');
    // Modified a second ago, on a clock with whole seconds: too recent to trust.
    const second = Math.floor(Date.now() / 1000) - 1;
    writeFileSync(path, `import { gate } from './flags/gate';\nexport const c = gate('key-one', true);\n`);
    utimesSync(path, second, second);
    await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    const { mtimeMs, size } = statSync(path);
    // Another edit of the same size within the same tick of that clock: same size, same time.
    writeFileSync(path, `import { gate } from './flags/gate';\nexport const c = gate('key-two', true);\n`);
    utimesSync(path, second, second);
    assert.equal(statSync(path).size, size);
    assert.equal(statSync(path).mtimeMs, mtimeMs);
    const warm = await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    assert.ok(warm.references.some((r) => r.key === 'key-two'), 'the edit is seen');
    assert.deepEqual(comparable(warm), comparable(await scan(ws.root)));
  } finally {
    ws.remove();
  }
});

test('a file whose time changed but not its content is confirmed by its hash and still counts as unchanged', async () => {
  const ws = workspace();
  try {
    await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    const path = join(ws.root, 'src/app.ts');
    const later = new Date(Date.now() - 30_000);
    utimesSync(path, later, later);
    const fs = countingFileSystem();
    const warm = await scan(ws.root, { cacheDirectory: ws.cacheDirectory, fs });
    assert.equal(warm.cache!.misses, 0);
    assert.equal(warm.parsedFiles, 0);
    assert.ok(fs.reads.includes(path), 'read once, to compare its hash');
  } finally {
    ws.remove();
  }
});

test('a corrupt, cut short, foreign, wrongly shaped or unreadable cache is ignored, the scan is right, and the cache is written again', async () => {
  const ws = workspace();
  try {
    const cold = await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    const cacheFile = join(ws.cacheDirectory, SCAN_CACHE_FILE);
    const good = readFileSync(cacheFile);
    const damages: Array<[string, () => void, RegExp, { fs?: FileSystem; config?: string }?]> = [
      ['a flipped byte', () => writeFileSync(cacheFile, Buffer.from(good.map((byte, index) => (index === Math.floor(good.length / 2) ? byte ^ 0xff : byte)))), /checksum/],
      ['cut short', () => truncateSync(cacheFile, Math.floor(good.length / 3)), /cut short/],
      ['not a cache', () => writeFileSync(cacheFile, 'hello, I am not a cache at all, but I am long enough to have a preamble'), /not a Flaglens scan cache/],
      ['empty', () => writeFileSync(cacheFile, ''), /not a Flaglens scan cache/],
      ['another config', () => writeFileSync(cacheFile, good), /another config/, { config: 'checks:\n  - call: featureFlags.isOn\n' }],
      ['another scanner build', () => writeFileSync(cacheFile, encodeScanCache({ ...scanCacheIdentity(ws.root, configFrom()), scanner: '0/0.0.0/older-build' }, { files: [], resolution: { entries: [], listings: [], texts: [], links: [] } })), /another scanner build/],
      [
        'a record of the wrong shape behind a good checksum',
        () => writeFileSync(cacheFile, encodeScanCache(scanCacheIdentity(ws.root, configFrom()), { files: [{ path: `${ws.root}/src/app.ts`, walked: true, size: 1, mtimeMs: 1, hash: 'x', analysis: { references: [{ key: 7 } as never], dependencies: [], gatedOut: [], triggerNames: [] } }], resolution: { entries: [], listings: [], texts: [], links: [] } })),
        /wrong shape/,
      ],
      ['unreadable', () => writeFileSync(cacheFile, good), /cannot be read/, { fs: { ...nodeFileSystem, readFileBytes: (path, options) => (path === cacheFile ? failWith('EACCES') : nodeFileSystem.readFileBytes(path, options)) } }],
    ];
    for (const [what, damage, expected, options] of damages) {
      damage();
      const result = await scan(ws.root, { cacheDirectory: ws.cacheDirectory, ...options });
      assert.match(result.cache?.ignored ?? '', expected, what);
      if (!options?.config) assert.deepEqual(comparable(result), comparable(cold), what);
      assert.equal(result.cache!.hits, 0, what);
      // Written again: the next run (with the same config and a readable file) uses it.
      const next = await scan(ws.root, { cacheDirectory: ws.cacheDirectory, config: options?.config });
      assert.equal(next.cache!.misses, 0, `${what}: the cache was written again`);
      assert.equal(next.cache!.ignored, undefined, what);
    }
  } finally {
    ws.remove();
  }
});

function failWith(code: string): never {
  throw Object.assign(new Error(`${code}: refused`), { code });
}

test('an editor host can index from the cache without writing it, and write it when it chooses', async () => {
  const ws = workspace();
  try {
    const { ScannerHost } = await import('../../core/src/scanner/index.js');
    const writes: number[] = [];
    const store = fileScanCacheStore(ws.cacheDirectory, nodeFileSystem, nodeFileWriter);
    const counted = { ...store, write: (bytes: Uint8Array) => (writes.push(bytes.length), store.write(bytes)) };
    const host = new ScannerHost({ root: ws.root, fs: nodeFileSystem, config: configFrom(), cache: counted });
    const cold = await host.indexWorkspace({ writeCache: false });
    assert.deepEqual(writes, [], 'not written during the index');
    assert.equal(host.saveCache(), undefined);
    assert.equal(writes.length, 1);
    assert.equal(host.saveCache(), undefined);
    assert.equal(writes.length, 1, 'nothing new to write');
    const warmHost = new ScannerHost({ root: ws.root, fs: nodeFileSystem, config: configFrom(), cache: counted });
    const warm = await warmHost.indexWorkspace();
    assert.deepEqual(comparable(warm), comparable(cold));
    assert.equal(warm.cache!.misses, 0);
    // The warm host is fully incremental: an edit re-analyses its dependents as after a cold index.
    assert.deepEqual(warmHost.updateFile(join(ws.root, 'src/flags/keys.ts'), `export const CHECKOUT = 'checkout-v3';\nexport enum Flags { Search = 'new-search' }\n`), ['src/app.ts']);
    assert.equal(warmHost.referencesInFile('src/app.ts')[0]!.key, 'checkout-v3');
  } finally {
    ws.remove();
  }
});

/**
 * Sets every folder's modification time to one moment a minute back (as after a checkout long ago), so the walk's
 * memo trusts them; folders changed afterwards get the time of their change, as on any disk.
 */
function ageFolders(root: string): void {
  const minuteAgo = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
  const visit = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) if (entry.isDirectory()) visit(join(folder, entry.name));
    utimesSync(folder, minuteAgo, minuteAgo);
  };
  visit(root);
}

test('the walk memo: unchanged folders are not listed again, and new files, new ignore rules and moved links are still seen', async () => {
  const ws = workspace({ ...FILES, '.gitignore': 'generated/\n', 'src/deep/er/more.ts': `import { isEnabled } from 'unleash-client';\nexport const e = isEnabled('deep-key');\n`, 'generated/skip.ts': `import { isEnabled } from 'unleash-client';\nexport const f = isEnabled('ignored-key');\n` });
  const check = async (what: string) => {
    const warm = await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    assert.deepEqual(comparable(warm), comparable(await scan(ws.root)), what);
    return warm;
  };
  try {
    ageFolders(ws.root);
    await scan(ws.root, { cacheDirectory: ws.cacheDirectory });
    // Unchanged: no folder of the workspace is listed (module resolution's lookups above it may be).
    const listed: string[] = [];
    const fs: FileSystem = { ...nodeFileSystem, readDirectory: (path) => (listed.push(path), nodeFileSystem.readDirectory(path)) };
    const unchanged = await scan(ws.root, { cacheDirectory: ws.cacheDirectory, fs });
    assert.deepEqual(listed.filter((path) => path === ws.root || path.startsWith(`${ws.root}/`)), [], 'no folder listed');
    assert.equal(unchanged.cache!.misses, 0);
    // A rule added to an existing .gitignore (no folder's time changes): the files it ignores go.
    writeFileSync(join(ws.root, '.gitignore'), 'generated/\nsrc/deep/\n');
    assert.ok(!(await check('a new ignore rule')).references.some((r) => r.key === 'deep-key'));
    // And taken back: they are there again.
    writeFileSync(join(ws.root, '.gitignore'), 'generated/\n');
    assert.ok((await check('the rule removed')).references.some((r) => r.key === 'deep-key'));
    // A new .gitignore in a folder that had none applies to the unchanged folders below it.
    ws.write('src/deep/.gitignore', 'more.ts\n');
    assert.ok(!(await check('a new nested .gitignore')).references.some((r) => r.key === 'deep-key'));
    unlinkSync(join(ws.root, 'src/deep/.gitignore'));
    assert.ok((await check('the nested .gitignore removed')).references.some((r) => r.key === 'deep-key'));
    // A new file deep down: its folder's time changes.
    ws.write('src/deep/er/added.ts', `import { isEnabled } from 'unleash-client';\nexport const g = isEnabled('added-key');\n`);
    assert.ok((await check('a new file')).references.some((r) => r.key === 'added-key'));
    // A folder removed.
    rmSync(join(ws.root, 'src/deep'), { recursive: true });
    assert.ok(!(await check('a folder removed')).references.some((r) => r.key === 'deep-key'));
    // A linked folder whose link now leads elsewhere (the link's folder does not change).
    // (Outside the root, so that the link is the only way the walk reaches them.)
    ws.write('../elsewhere-a/a.ts', `import { isEnabled } from 'unleash-client';\nexport const h = isEnabled('through-link-a');\n`);
    ws.write('../elsewhere-b/b.ts', `import { isEnabled } from 'unleash-client';\nexport const i = isEnabled('through-link-b');\n`);
    symlinkSync(join(ws.root, '../elsewhere-a'), join(ws.root, 'src/linked'));
    const throughA = await check('a linked folder');
    assert.ok(throughA.references.some((r) => r.key === 'through-link-a' && r.file === 'src/linked/a.ts'));
    const folderTime = statSync(join(ws.root, 'src')).mtime;
    unlinkSync(join(ws.root, 'src/linked'));
    symlinkSync(join(ws.root, '../elsewhere-b'), join(ws.root, 'src/linked'));
    utimesSync(join(ws.root, 'src'), folderTime, folderTime);
    const throughB = await check('the link moved');
    assert.ok(throughB.references.some((r) => r.file === 'src/linked/b.ts'));
    assert.ok(!throughB.references.some((r) => r.file === 'src/linked/a.ts'));
  } finally {
    ws.remove();
  }
});
