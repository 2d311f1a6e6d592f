// Fixture helpers for scanner tests. A fixture is one string: files start with `//- /path` header lines
// (a fixture without headers is the single file /src/main.ts); `/*<new-checkout>*/` placed immediately
// before a key expression marks an expected reference with that key, `/*<!parameter>*/` an expected
// unresolved reference with that reason. Markers are removed before scanning, so positions are exact.
// `check(fixture)` scans the fixture from an in-memory file system and compares every reference found
// with the markers (nothing more, nothing less).
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { parseConfig, defaultConfig, type FlaglensConfig } from '../../core/src/config.js';
import type { DirectoryEntry, FileSystem } from '../../core/src/io.js';
import type { FlagReference, ScanResult } from '../../core/src/model.js';
import { scanWorkspace, type ScanCacheStore } from '../../core/src/scanner/index.js';

export const FIXTURE_ROOT = '/w';

export interface ExpectedReference {
  file: string;
  start: number;
  key: string | null;
  unresolvedReason?: string;
}

export interface ParsedFixture {
  /** Workspace-relative path → text (markers removed). */
  files: Record<string, string>;
  expected: ExpectedReference[];
}

export function parseFixture(fixture: string): ParsedFixture {
  const files: Record<string, string> = {};
  const expected: ExpectedReference[] = [];
  const chunks = /^\/\/- \//m.test(fixture) ? fixture.split(/^\/\/- \/(\S+)[^\n]*\n/m).slice(1) : ['src/main.ts', fixture];
  for (let i = 0; i < chunks.length; i += 2) {
    const file = chunks[i];
    let text = chunks[i + 1] ?? '';
    let out = '';
    const marker = /\/\*<([^>]*)>\*\//g;
    let last = 0;
    for (let match = marker.exec(text); match; match = marker.exec(text)) {
      out += text.slice(last, match.index);
      last = match.index + match[0].length;
      const label = match[1];
      if (label.startsWith('!')) expected.push({ file, start: out.length, key: null, unresolvedReason: label.slice(1) });
      else expected.push({ file, start: out.length, key: label });
    }
    text = out + text.slice(last);
    files[file] = text;
  }
  return { files, expected };
}

/** An in-memory FileSystem over `files` (workspace-relative) under FIXTURE_ROOT. */
export function memoryFileSystem(files: Record<string, string | Uint8Array>, root = FIXTURE_ROOT): FileSystem & { files: Map<string, string | Uint8Array> } {
  const map = new Map<string, string | Uint8Array>();
  for (const [path, text] of Object.entries(files)) map.set(`${root}/${path}`, text);
  const isDirectory = (path: string) => path === root || [...map.keys()].some((file) => file.startsWith(`${path}/`));
  const fail = (path: string): never => {
    const error = new Error(`ENOENT: ${path}`) as Error & { code: string };
    error.code = 'ENOENT';
    throw error;
  };
  return {
    files: map,
    readFile(path) {
      const value = map.get(path);
      if (value === undefined) return fail(path);
      return typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
    },
    readFileBytes(path) {
      const value = map.get(path);
      if (value === undefined) return fail(path);
      return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    },
    readDirectory(path) {
      if (!isDirectory(path)) return fail(path);
      const names = new Map<string, DirectoryEntry>();
      for (const file of map.keys()) {
        if (!file.startsWith(`${path}/`)) continue;
        const rest = file.slice(path.length + 1);
        const name = rest.split('/')[0];
        const directory = rest.includes('/');
        names.set(name, { name, isFile: !directory, isDirectory: directory, isSymbolicLink: false });
      }
      return [...names.values()];
    },
    stat(path) {
      const value = map.get(path);
      if (value !== undefined) return { size: typeof value === 'string' ? Buffer.byteLength(value) : value.length, isFile: true, isDirectory: false, mtimeMs: 0 };
      if (isDirectory(path)) return { size: 0, isFile: false, isDirectory: true, mtimeMs: 0 };
      return fail(path);
    },
    realpath(path) {
      if (map.has(path) || isDirectory(path)) return path;
      return fail(path);
    },
    exists: (path) => map.has(path) || isDirectory(path),
  };
}

/**
 * A clock for time-sliced work in tests: `memoryFileSystem` whose every file read costs `readCostMs` on the
 * returned clock (nothing else advances it), so how a slice ends depends on the work done, not the machine.
 */
export function clockedFileSystem(files: Record<string, string>, readCostMs: number): { fs: ReturnType<typeof memoryFileSystem>; clock: { now: number }; onRead: Array<(path: string) => void> } {
  const fs = memoryFileSystem(files);
  const clock = { now: 0 };
  const onRead: Array<(path: string) => void> = [];
  const readFileBytes = fs.readFileBytes.bind(fs);
  fs.readFileBytes = (path, options) => {
    clock.now += readCostMs;
    for (const listener of onRead) listener(path);
    return readFileBytes(path, options);
  };
  return { fs, clock, onRead };
}

/**
 * A FileSystem that refuses to read what permission bits refuse (no read bit for anyone), as the kernel does for
 * every user but root: so an unreadable file or folder is unreadable in tests run as root too (CI runs as root).
 */
export function permissionCheckingFileSystem(base: FileSystem): FileSystem {
  const refuseUnreadable = (path: string, operation: string) => {
    if ((statSync(path).mode & 0o444) === 0) throw Object.assign(new Error(`EACCES: permission denied, ${operation} '${path}'`), { code: 'EACCES' });
  };
  return {
    ...base,
    readFile(path) {
      refuseUnreadable(path, 'open');
      return base.readFile(path);
    },
    readFileBytes(path) {
      refuseUnreadable(path, 'open');
      return base.readFileBytes(path);
    },
    readDirectory(path) {
      refuseUnreadable(path, 'scandir');
      return base.readDirectory(path);
    },
  };
}

export function configFrom(yaml?: string): FlaglensConfig {
  if (yaml === undefined) return defaultConfig();
  const { config, errors } = parseConfig(yaml, `${FIXTURE_ROOT}/flaglens.yaml`);
  assert.deepEqual(errors, [], 'fixture config must be valid');
  return config;
}

/** A cache store in memory, counting its writes. */
export function memoryScanCacheStore(initial?: Uint8Array): ScanCacheStore & { bytes: Uint8Array | undefined; writes: number } {
  const store = {
    location: '(memory)',
    bytes: initial,
    writes: 0,
    read: () => store.bytes,
    write(bytes: Uint8Array) {
      store.bytes = bytes;
      store.writes++;
    },
  };
  return store;
}

/**
 * Scans the fixture twice: once cold into a cache, once warm from it. Every fixture thereby checks that a warm
 * scan returns exactly what a cold one does (the warm result is returned).
 */
export async function scanFixture(fixture: string, options: { config?: string } = {}): Promise<{ result: ScanResult; parsed: ParsedFixture }> {
  const parsed = parseFixture(fixture);
  const fs = memoryFileSystem(parsed.files);
  const config = configFrom(options.config);
  const cache = memoryScanCacheStore();
  // Modification times of the in-memory files are 0: long ago, so the warm scan trusts them.
  const cold = await scanWorkspace({ root: FIXTURE_ROOT, config, fs, cache });
  const warm = await scanWorkspace({ root: FIXTURE_ROOT, config, fs, cache });
  const { durationMs: _coldDuration, parsedFiles: _coldParsed, cache: coldCache, ...coldRest } = cold;
  const { durationMs: _warmDuration, parsedFiles: _warmParsed, cache: warmCache, ...warmRest } = warm;
  assert.deepEqual(warmRest, coldRest, 'a warm scan returns exactly what the cold scan did');
  assert.equal(coldCache?.hits, 0);
  assert.equal(warmCache?.misses, 0, 'nothing changed, so the warm scan learns nothing afresh');
  return { result: warm, parsed };
}

function describe(file: string, text: string, start: number, key: string | null, reason?: string): string {
  const before = text.slice(0, start);
  const line = before.split('\n').length;
  const column = start - before.lastIndexOf('\n');
  return `${file}:${line}:${column} ${key === null ? `<unresolved: ${reason}>` : key}`;
}

/** Scans the fixture and asserts that the references found are exactly the marked ones. Returns them. */
export async function check(fixture: string, options: { config?: string } = {}): Promise<FlagReference[]> {
  const { result, parsed } = await scanFixture(fixture, options);
  const actual = result.references
    .map((r) => describe(r.file, parsed.files[r.file] ?? '', r.start, r.key, r.unresolvedReason))
    .sort();
  const expected = parsed.expected.map((e) => describe(e.file, parsed.files[e.file], e.start, e.key, e.unresolvedReason)).sort();
  assert.deepEqual(actual, expected);
  for (const reference of result.references) {
    const text = parsed.files[reference.file];
    assert.equal(text.slice(reference.start, reference.end), reference.keyExpression, 'keyExpression is the text of start..end');
    assert.ok(reference.checkStart <= reference.start && reference.checkEnd >= reference.end, 'the check span contains the key');
    const before = text.slice(0, reference.start);
    assert.equal(reference.line, before.split('\n').length);
    assert.equal(reference.column, reference.start - before.lastIndexOf('\n'));
    assert.equal(reference.resolved, reference.key !== null);
  }
  return result.references;
}
