// The scanner's persistent cache: what one index learnt about each file (its content hash, what the prefilter
// found in its text, its analysis with the content hashes of the modules it consulted) and what module
// resolution read, kept between runs so that a scan of an unchanged workspace reads almost nothing. This file
// is the cache's format (a checked binary file), where it lives and how it is written; the ScannerHost decides
// what of it is still true. A cache that cannot be read, is cut short, corrupt, or from another scanner build,
// config or root is ignored and written again: never a wrong result, never a failed scan.
import { createHash } from 'node:crypto';
import { makeDirectories, userCacheBase, type FileSystem, type FileWriter } from '../io.js';
import type { FlagReference } from '../model.js';
import { buildIdentity, FLAGLENS_VERSION } from '../version.js';
import type { WordFingerprint } from './prefilter.js';
import type { ResolutionInputs } from './resolution/cachedFileSystem.js';
import type { WalkMemo } from '../workspaceFiles.js';

/** Bump when what the scanner stores or how it analyses changes in a way the build identity would not show. */
export const SCAN_CACHE_FORMAT = 2;
export const SCAN_CACHE_FILE = 'scan-cache.bin';

const MAGIC = Buffer.from('FLGLNSC\0', 'latin1');
/** This machine's byte order, which the packed fingerprints are written in. */
const BYTE_ORDER = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 'LE' : 'BE';
/** magic (8) + header length (4) + blob length (4) + sha256 of header and blob (32). */
const PREAMBLE_BYTES = 48;

/** What a cache was made by and for; a cache with any other identity is ignored. */
export interface ScanCacheIdentity {
  /** The scanner that wrote it: format, Flaglens version and the build (a rebuilt bundle never trusts an older cache). */
  scanner: string;
  /** The scan-relevant part of the config (checks and exclude), hashed. */
  config: string;
  /** The workspace root (absolute). */
  root: string;
}

/** What one file was when the cache was written. */
export interface CachedFile {
  /** Absolute path. */
  path: string;
  /** Listed by the workspace walk (a source file of the workspace), not only consulted by an analysis. */
  walked: boolean;
  size: number;
  /** -1 when the file was modified too shortly before it was read to trust its time: the next run checks its hash. */
  mtimeMs: number;
  /** Content hash (`contentHash`), or ABSENT_HASH for a file that did not exist. */
  hash: string;
  skipped?: 'binary' | 'tooLarge';
  facts?: CachedPrefilterFacts;
  analysis?: CachedAnalysis;
  /** Why its analysis failed (it has no references). */
  failure?: string;
}

export interface CachedPrefilterFacts {
  passesStatic: boolean;
  reexports: boolean;
  fingerprint?: WordFingerprint;
  /** Trigger names whose mention in the text was checked on the text itself, and the answer. */
  mentions?: Record<string, boolean>;
}

export interface CachedAnalysis {
  references: FlagReference[];
  /** Each module consulted, with the content hash it had (ABSENT_HASH: it did not exist). */
  dependencies: Array<[string, string]>;
  gatedOut: string[];
  triggerNames: string[];
}

/** What module resolution read (entries asked about, whole listings, small files, links): see ResolutionInputs. */
export type CachedResolution = ResolutionInputs;

export interface ScanCacheContents {
  files: CachedFile[];
  resolution: CachedResolution;
  /** The workspace walk's memo (unchanged folders are not listed again). */
  walk?: WalkMemo;
}

export const ABSENT_HASH = 'absent';

/** The hash the cache keys file contents by. */
export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

/** Where the cache is read from and written to. */
export interface ScanCacheStore {
  /** The cache file, for messages. */
  readonly location: string;
  /** The cache's bytes, or undefined when there is none. Throws when there is one that cannot be read. */
  read(): Uint8Array | undefined;
  /** Replaces the cache atomically (readers see the old file or the new one). Throws when it cannot. */
  write(bytes: Uint8Array): void;
}

/** The identity of this scanner with this config and root. */
export function scanCacheIdentity(root: string, scanConfig: { checks: unknown; exclude: unknown }): ScanCacheIdentity {
  return {
    scanner: `${SCAN_CACHE_FORMAT}/${FLAGLENS_VERSION}/${buildIdentity()}`,
    config: createHash('sha1').update(JSON.stringify({ checks: scanConfig.checks, exclude: scanConfig.exclude })).digest('base64url'),
    root,
  };
}

// ---------------------------------------------------------------------------------------------
// The file format

/**
 * The cache as bytes: a preamble (magic, lengths, a sha256 of what follows), a JSON header (identity, files,
 * resolution) and the fingerprints, packed as 32-bit words after it.
 */
export function encodeScanCache(identity: ScanCacheIdentity, contents: ScanCacheContents): Uint8Array {
  const fingerprints: WordFingerprint[] = [];
  let words = 0;
  const prefix = `${identity.root}/`;
  const files = contents.files.map((file) => {
    // Paths inside the root are written relative to it (shorter to read back); others stay absolute.
    const path = file.path.startsWith(prefix) ? file.path.slice(prefix.length) : file.path;
    const record: Record<string, unknown> = { p: path, w: file.walked ? 1 : 0, s: file.size, m: file.mtimeMs, h: file.hash };
    if (file.skipped) record.k = file.skipped;
    if (file.facts) {
      const facts: Record<string, unknown> = { st: file.facts.passesStatic ? 1 : 0, rx: file.facts.reexports ? 1 : 0 };
      if (file.facts.fingerprint) {
        facts.f = [words, file.facts.fingerprint.length];
        fingerprints.push(file.facts.fingerprint);
        words += file.facts.fingerprint.length;
      }
      if (file.facts.mentions && Object.keys(file.facts.mentions).length) facts.mn = file.facts.mentions;
      record.f = facts;
    }
    if (file.analysis) record.a = { r: file.analysis.references, d: file.analysis.dependencies, g: file.analysis.gatedOut, t: file.analysis.triggerNames };
    if (file.failure !== undefined) record.x = file.failure;
    return record;
  });
  const walk = contents.walk ? { a: contents.walk.rulesAbove, f: contents.walk.folders.map((entry) => [entry.folder, entry.mtimeMs, entry.gitignore, entry.files, entry.folders]) } : undefined;
  const header = Buffer.from(JSON.stringify({ identity, byteOrder: BYTE_ORDER, files, resolution: contents.resolution, walk }), 'utf8');
  const padding = (4 - (header.length % 4)) % 4;
  // The fingerprints in this machine's byte order (recorded in the header), copied in one piece each way.
  const packed = new Uint32Array(words);
  let offset = 0;
  for (const fingerprint of fingerprints) {
    packed.set(fingerprint, offset);
    offset += fingerprint.length;
  }
  const blob = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  const body = Buffer.concat([header, Buffer.alloc(padding), blob]);
  const preamble = Buffer.alloc(PREAMBLE_BYTES);
  MAGIC.copy(preamble, 0);
  preamble.writeUInt32LE(header.length, 8);
  preamble.writeUInt32LE(blob.length, 12);
  createHash('sha256').update(body).digest().copy(preamble, 16);
  return Buffer.concat([preamble, body]);
}

export type DecodedScanCache = { contents: ScanCacheContents } | { problem: string };

/**
 * Reads a cache written by `encodeScanCache` for `identity`. Anything else (too short, another format, a wrong
 * checksum, another identity, a record of the wrong shape) is a problem, described in a few words.
 */
export function decodeScanCache(bytes: Uint8Array, identity: ScanCacheIdentity): DecodedScanCache {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < PREAMBLE_BYTES || !buffer.subarray(0, 8).equals(MAGIC)) return { problem: 'not a Flaglens scan cache' };
  const headerLength = buffer.readUInt32LE(8);
  const blobLength = buffer.readUInt32LE(12);
  const padding = (4 - (headerLength % 4)) % 4;
  if (blobLength % 4 !== 0 || buffer.length !== PREAMBLE_BYTES + headerLength + padding + blobLength) return { problem: 'cut short or padded' };
  const body = buffer.subarray(PREAMBLE_BYTES);
  if (!createHash('sha256').update(body).digest().equals(buffer.subarray(16, 48))) return { problem: 'checksum mismatch (corrupt)' };
  let header: unknown;
  try {
    header = JSON.parse(body.subarray(0, headerLength).toString('utf8'));
  } catch {
    return { problem: 'unreadable header' };
  }
  if (!isRecord(header) || !isRecord(header.identity)) return { problem: 'unreadable header' };
  const stored = header.identity;
  if (stored.scanner !== identity.scanner) return { problem: 'written by another scanner build' };
  if (stored.config !== identity.config) return { problem: 'written for another config' };
  if (stored.root !== identity.root) return { problem: 'written for another workspace root' };
  if (header.byteOrder !== BYTE_ORDER) return { problem: 'written on a machine of another byte order' };
  const blobStart = headerLength + padding;
  const blob = new Uint32Array(blobLength / 4);
  new Uint8Array(blob.buffer).set(body.subarray(blobStart, blobStart + blobLength));
  const prefix = `${identity.root}/`;
  try {
    if (!Array.isArray(header.files)) throw new ShapeError('files');
    const files = header.files.map((record) => decodeFile(record, blob, prefix));
    return { contents: { files, resolution: decodeResolution(header.resolution), walk: header.walk === undefined ? undefined : decodeWalk(header.walk) } };
  } catch (error) {
    if (error instanceof ShapeError) return { problem: `a record of the wrong shape (${error.message})` };
    throw error;
  }
}

class ShapeError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expect(condition: boolean, what: string): asserts condition {
  if (!condition) throw new ShapeError(what);
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every(isString);

function decodeFile(record: unknown, blob: Uint32Array, prefix: string): CachedFile {
  expect(isRecord(record), 'file');
  const { p, w, s, m, h, k, f, a, x } = record;
  expect(isString(p) && p.length > 0 && (w === 0 || w === 1) && isNumber(s) && isNumber(m) && isString(h), 'file fields');
  const file: CachedFile = { path: p.startsWith('/') ? p : prefix + p, walked: w === 1, size: s, mtimeMs: m, hash: h };
  if (k !== undefined) {
    expect(k === 'binary' || k === 'tooLarge', 'skipped');
    file.skipped = k;
  }
  if (f !== undefined) {
    expect(isRecord(f) && (f.st === 0 || f.st === 1) && (f.rx === 0 || f.rx === 1), 'facts');
    const facts: CachedPrefilterFacts = { passesStatic: f.st === 1, reexports: f.rx === 1 };
    if (f.f !== undefined) {
      expect(Array.isArray(f.f) && f.f.length === 2 && f.f.every((n) => Number.isInteger(n) && n >= 0), 'fingerprint');
      const [offset, length] = f.f as [number, number];
      // A fingerprint is a power of two of 32-bit words (prefilter.ts), inside the blob.
      expect(offset + length <= blob.length && length >= 1 && (length & (length - 1)) === 0, 'fingerprint bounds');
      facts.fingerprint = blob.subarray(offset, offset + length);
    }
    if (f.mn !== undefined) {
      expect(isRecord(f.mn) && Object.values(f.mn).every((v) => typeof v === 'boolean'), 'mentions');
      facts.mentions = f.mn as Record<string, boolean>;
    }
    file.facts = facts;
  }
  if (a !== undefined) {
    expect(isRecord(a) && Array.isArray(a.r) && Array.isArray(a.d) && isStringArray(a.g) && isStringArray(a.t), 'analysis');
    expect(a.d.every((entry) => Array.isArray(entry) && entry.length === 2 && isString(entry[0]) && isString(entry[1])), 'dependencies');
    file.analysis = { references: a.r.map(decodeReference), dependencies: a.d as Array<[string, string]>, gatedOut: a.g, triggerNames: a.t };
  }
  if (x !== undefined) {
    expect(isString(x), 'failure');
    file.failure = x;
  }
  return file;
}

function decodeReference(value: unknown): FlagReference {
  expect(isRecord(value), 'reference');
  const r = value;
  expect((r.key === null || isString(r.key)) && isString(r.file) && isString(r.sdk) && isString(r.call) && isString(r.keyExpression) && typeof r.resolved === 'boolean', 'reference fields');
  for (const field of ['line', 'column', 'endLine', 'endColumn', 'start', 'end', 'checkStart', 'checkEnd']) expect(isNumber(r[field]), `reference ${field}`);
  for (const field of ['unresolvedReason', 'keyPattern', 'defaultExpression']) expect(r[field] === undefined || isString(r[field]), `reference ${field}`);
  expect(r.keyStyle === undefined || r.keyStyle === 'camelCase', 'reference keyStyle');
  expect(r.via === undefined || isStringArray(r.via), 'reference via');
  return r as unknown as FlagReference;
}

function decodeWalk(value: unknown): WalkMemo {
  expect(isRecord(value) && Array.isArray(value.a) && Array.isArray(value.f), 'walk');
  const textOrNull = (v: unknown) => v === null || isString(v);
  expect(value.a.every((entry) => Array.isArray(entry) && entry.length === 2 && isString(entry[0]) && textOrNull(entry[1])), 'walk rules');
  const names = (v: unknown) => Array.isArray(v) && v.every((entry) => Array.isArray(entry) && entry.length === 2 && isString(entry[0]) && typeof entry[1] === 'boolean');
  const folders = value.f.map((entry) => {
    expect(Array.isArray(entry) && entry.length === 5 && isString(entry[0]) && isNumber(entry[1]) && textOrNull(entry[2]) && names(entry[3]) && names(entry[4]), 'walk folder');
    const [folder, mtimeMs, gitignore, files, subfolders] = entry as [string, number, string | null, Array<[string, boolean]>, Array<[string, boolean]>];
    return { folder, mtimeMs, gitignore, files, folders: subfolders };
  });
  return { rulesAbove: value.a as Array<[string, string | null]>, folders };
}

function decodeResolution(value: unknown): CachedResolution {
  expect(isRecord(value) && Array.isArray(value.entries) && Array.isArray(value.listings) && Array.isArray(value.texts) && Array.isArray(value.links), 'resolution');
  const pairs = (list: unknown[], second: (v: unknown) => boolean) => list.every((entry) => Array.isArray(entry) && entry.length === 2 && isString(entry[0]) && second(entry[1]));
  expect(pairs(value.entries, (v) => v === null || (Array.isArray(v) && pairs(v, isString))), 'entries');
  expect(pairs(value.listings, (v) => v === null || isString(v)), 'listings');
  expect(pairs(value.texts, (v) => v === null || isString(v)), 'texts');
  expect(pairs(value.links, isString), 'links');
  return value as unknown as CachedResolution;
}

// ---------------------------------------------------------------------------------------------
// Where it lives

/**
 * The default cache folder for a workspace: `<root>/node_modules/.cache/flaglens` when the workspace has a
 * node_modules folder (where build tools keep theirs; it is never committed) and that path stays inside it once
 * symbolic links are resolved; otherwise the user's cache folder, `$XDG_CACHE_HOME/flaglens/<hash of the root>`
 * (`~/.cache` when XDG_CACHE_HOME is not set). Never a new file in the workspace itself. Undefined when neither
 * exists (no HOME): the scan then runs without a cache.
 */
export function defaultScanCacheDirectory(root: string, fs: FileSystem, env: Record<string, string | undefined>): string | undefined {
  const nodeModules = `${root}/node_modules`;
  try {
    if (fs.stat(nodeModules).isDirectory) {
      const realNodeModules = fs.realpath(nodeModules);
      const candidate = `${nodeModules}/.cache/flaglens`;
      if (isInside(realNodeModules, realExistingPrefix(fs, candidate))) return candidate;
    }
  } catch {
    // No node_modules: the user's cache folder.
  }
  const base = userCacheBase(env);
  if (!base) return undefined;
  let realRoot = root;
  try {
    realRoot = fs.realpath(root);
  } catch {
    // The root as given.
  }
  return `${base}/flaglens/${createHash('sha256').update(realRoot).digest('hex').slice(0, 16)}`;
}

/** The real path of the longest existing prefix of `path`, with the rest appended. */
function realExistingPrefix(fs: FileSystem, path: string): string {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = fs.realpath(current);
      return [real, ...rest.reverse()].join('/');
    } catch {
      const slash = current.lastIndexOf('/');
      if (slash <= 0) return path;
      rest.push(current.slice(slash + 1));
      current = current.slice(0, slash);
    }
  }
}

function isInside(directory: string, path: string): boolean {
  return path === directory || path.startsWith(`${directory}/`);
}

/**
 * The cache file in `directory`, written through the core's one atomic writer (a temp file beside it, fsync,
 * rename): two runs writing at once leave one complete cache, never a mix. Missing folders are created. Reads go
 * through the FileSystem with a size limit.
 */
export function fileScanCacheStore(directory: string, fs: FileSystem, writer: FileWriter): ScanCacheStore {
  const location = `${directory.replace(/\/+$/, '')}/${SCAN_CACHE_FILE}`;
  return {
    location,
    read() {
      try {
        return fs.readFileBytes(location, { maxBytes: MAX_CACHE_BYTES });
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    write(bytes) {
      makeDirectories(fs, writer, location.slice(0, location.lastIndexOf('/')));
      writer.writeAtomic(location, bytes);
    },
  };
}

/** How a front-end asks for the cache: on by default, off with `disabled`, in `location` when given. */
export interface ScanCacheRequest {
  root: string;
  fs: FileSystem;
  writer: FileWriter;
  env: Record<string, string | undefined>;
  disabled?: boolean;
  /** An absolute folder chosen by the person (`--cache-location DIR`). */
  location?: string;
}

/** The cache store a front-end uses, or undefined when the cache is off (or there is nowhere to keep it). */
export function scanCacheStoreFor(request: ScanCacheRequest): ScanCacheStore | undefined {
  if (request.disabled) return undefined;
  const directory = request.location ?? defaultScanCacheDirectory(request.root, request.fs, request.env);
  return directory ? fileScanCacheStore(directory, request.fs, request.writer) : undefined;
}

/** A cache larger than this is not read (a workspace of a million files would need about this much). */
export const MAX_CACHE_BYTES = 512 * 1024 * 1024;

