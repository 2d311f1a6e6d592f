// V8's code cache for the large JavaScript files Flaglens ships: the CLI and server bundles (2-3 MB each) and the
// libraries beside them (dist/typescript.js, 9 MB, and dist/ts-morph-common.js). Compiling TypeScript costs
// ~150–200 ms of CPU every time a process or a worker thread loads it, and the language server's workers load it
// at start-up, just when the editor sends its first documents; each bundle ~50 ms per thread. With the code V8
// produced in an earlier run, the same loads take a fraction of that. Node 20 has no `module.enableCompileCache`
// (Node 22 does), so the executables (dist/cli.js, dist/server.js: `loadBundleWithCompileCache`) install this hook
// for those files only, before they load their bundle.
//
// The cache lives in the user's cache folder (`$XDG_CACHE_HOME/flaglens/v8-code-cache/`, `~/.cache` when unset),
// never in a workspace: a repository cannot hand the process compiled code. Each entry is named by the file (its
// name, a hash of its path) and a hash of the Node and V8 versions, the architecture, the build and the file's size
// and modification time, so a rebuilt or upgraded file never meets a cache made for another one; V8 also checks the entry itself (its
// version, its flags, the source length) and rejects one that does not fit, and the file is then compiled as usual.
// Entries for older builds of the same file are removed when a new one is written. A missing, unreadable or
// rejected entry is rewritten once the process has used the file (the code then includes
// the functions that ran, the parser among them), atomically, by `writePendingCompileCaches` or at exit.
import { createHash } from 'node:crypto';
import Module from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { makeDirectories, userCacheBase, type FileSystem, type FileWriter } from './io.js';
import { buildIdentity } from './version.js';

/** A code cache larger than this is not read (TypeScript's, with its parser compiled, is a few MB). */
const MAX_CODE_CACHE_BYTES = 64 * 1024 * 1024;

export interface CompileCacheOptions {
  /** The files whose compiled code is cached (absolute paths); any other module loads as usual. */
  files: string[];
  fs: FileSystem;
  writer: FileWriter;
  /** The process environment (XDG_CACHE_HOME, HOME). */
  env: Record<string, string | undefined>;
  /** Where a problem is told (a cache that could not be written); silent by default. */
  log?: (message: string) => void;
}

export interface CompileCacheReport {
  /** Files whose code came from the cache. */
  hits: string[];
  /** Files compiled afresh (no entry, or V8 rejected it); their entries are written later. */
  misses: string[];
}

interface PendingEntry {
  script: Script;
  location: string;
}

interface InstalledCache {
  directory: string;
  options: CompileCacheOptions;
  report: CompileCacheReport;
  pending: PendingEntry[];
}

/**
 * One cache per thread, whichever copy of this module installed it: the executables (dist/cli.js, dist/server.js)
 * are small launchers with a copy of their own that install it before loading their bundle, which has another.
 */
const THREAD_CACHE = Symbol.for('flaglens.compileCache');
const threadState = globalThis as typeof globalThis & { [THREAD_CACHE]?: InstalledCache };

/** The large library files scripts/build.mjs puts beside the bundles, whose compiled code is worth keeping. */
export const BUNDLED_LIBRARY_FILES = ['typescript.js', 'ts-morph-common.js'];

/** The folder of the code caches: `$XDG_CACHE_HOME/flaglens/v8-code-cache` (or under `~/.cache`); undefined without either. */
export function compileCacheDirectory(env: Record<string, string | undefined>): string | undefined {
  const base = userCacheBase(env);
  return base ? `${base}/flaglens/v8-code-cache` : undefined;
}

/**
 * Loads `options.files` through V8's code cache from now on (once per thread: a second call only adds files).
 * Returns false when there is no cache folder (no HOME) or `FLAGLENS_COMPILE_CACHE=0`: the files then load as usual.
 */
export function enableCompileCache(options: CompileCacheOptions): boolean {
  const installed = threadState[THREAD_CACHE];
  if (installed) {
    installed.options.files.push(...options.files.filter((file) => !installed.options.files.includes(file)));
    return true;
  }
  const directory = options.env.FLAGLENS_COMPILE_CACHE === '0' ? undefined : compileCacheDirectory(options.env);
  if (!directory) return false;
  const cache: InstalledCache = { directory, options: { ...options, files: [...options.files] }, report: { hits: [], misses: [] }, pending: [] };
  threadState[THREAD_CACHE] = cache;
  const prototype = Module.prototype as unknown as { _compile(content: string, filename: string): unknown };
  const compile = prototype._compile;
  prototype._compile = function compileWithCache(this: Module, content: string, filename: string) {
    if (!cache.options.files.includes(filename)) return compile.call(this, content, filename);
    return compileCached(cache, this, content, filename);
  };
  // A process that ends soon after loading a file (a CLI command) writes its entries on the way out.
  process.once('exit', () => writePendingCompileCaches());
  return true;
}

/**
 * What the executables do: the compiled-code cache for `bundle` (the big file beside them) and the libraries beside
 * it, then the bundle itself, whose exports are returned. Compiling the 2-3 MB bundle is ~50 ms of each start (and
 * of each server thread's); from the cache it is a few.
 */
export function loadBundleWithCompileCache(bundle: string, io: Omit<CompileCacheOptions, 'files'>): unknown {
  const directory = dirname(bundle);
  enableCompileCache({ ...io, files: [bundle, ...BUNDLED_LIBRARY_FILES.map((name) => `${directory}/${name}`)] });
  return require(bundle);
}

/** Which files came from the cache in this thread so far (for logs and tests). */
export function compileCacheReport(): CompileCacheReport {
  const installed = threadState[THREAD_CACHE];
  return installed ? { hits: [...installed.report.hits], misses: [...installed.report.misses] } : { hits: [], misses: [] };
}

/** One line for a log: which files came from the cache and which were compiled afresh (empty when none was loaded). */
export function describeCompileCache(report: CompileCacheReport): string {
  const names = (files: string[]) => files.map((file) => file.slice(file.lastIndexOf('/') + 1)).join(', ');
  const parts = [
    report.hits.length ? `${names(report.hits)} from the compiled-code cache` : '',
    report.misses.length ? `${names(report.misses)} compiled afresh (kept in ${threadState[THREAD_CACHE]?.directory ?? 'the compiled-code cache'} for the next start)` : '',
  ].filter(Boolean);
  return parts.join('; ');
}

/**
 * Writes the entries of files that were compiled afresh, with the code of every function that ran so far. The
 * language server's analysis worker calls it once its first analyses are done; at exit it runs by itself.
 */
export function writePendingCompileCaches(): void {
  const cache = threadState[THREAD_CACHE];
  if (!cache?.pending.length) return;
  try {
    makeDirectories(cache.options.fs, cache.options.writer, cache.directory);
  } catch (error) {
    cache.options.log?.(`the compiled-code cache ${cache.directory} could not be created: ${error instanceof Error ? error.message : String(error)}`);
    cache.pending.length = 0;
    return;
  }
  for (const entry of cache.pending.splice(0)) {
    try {
      cache.options.writer.writeAtomic(entry.location, entry.script.createCachedData());
      removeOlderEntries(cache, entry.location);
    } catch (error) {
      cache.options.log?.(`the compiled-code cache ${entry.location} could not be written: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function compileCached(cache: InstalledCache, module: Module, content: string, filename: string): unknown {
  const location = entryLocation(cache, filename);
  let cachedData: Buffer | undefined;
  if (location) {
    try {
      cachedData = Buffer.from(cache.options.fs.readFileBytes(location, { maxBytes: MAX_CODE_CACHE_BYTES }));
    } catch {
      // No entry yet (or unreadable): compiled afresh, and the entry written later.
    }
  }
  const script = new Script(Module.wrap(content), { filename, cachedData });
  const hit = cachedData !== undefined && !script.cachedDataRejected;
  (hit ? cache.report.hits : cache.report.misses).push(filename);
  if (!hit && location) cache.pending.push({ script, location });
  const wrapper = script.runInThisContext({ displayErrors: true }) as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => unknown;
  return wrapper.call(module.exports, module.exports, requireFor(module), module, filename, dirname(filename));
}

/** Entries of the same file made for another build or Node (`typescript.js-<its path>-<another version>.bin`) are of no more use. */
function removeOlderEntries(cache: InstalledCache, location: string): void {
  const name = location.slice(location.lastIndexOf('/') + 1);
  const prefix = name.slice(0, name.lastIndexOf('-') + 1);
  for (const entry of cache.options.fs.readDirectory(cache.directory)) {
    if (entry.isFile && entry.name !== name && entry.name.startsWith(prefix) && /^[0-9a-f]{20}\.bin$/.test(entry.name.slice(prefix.length))) {
      cache.options.writer.remove(`${cache.directory}/${entry.name}`);
    }
  }
}

/** The entry's path, named by everything that makes compiled code valid for this file; undefined when the file cannot be stat'ed. */
function entryLocation(cache: InstalledCache, filename: string): string | undefined {
  let identity: string;
  try {
    const stat = cache.options.fs.stat(filename);
    identity = `${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
  // Named per file (its name and a hash of its path), then by everything that makes the compiled code valid for it.
  const place = createHash('sha256').update(filename).digest('hex').slice(0, 12);
  const version = createHash('sha256')
    .update([process.version, process.versions.v8, process.arch, buildIdentity(), identity].join('\0'))
    .digest('hex')
    .slice(0, 20);
  const base = filename.slice(filename.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9._-]/g, '_');
  return `${cache.directory}/${base}-${place}-${version}.bin`;
}

/** The `require` a CommonJS module receives, as Node builds it: relative to the module, sharing the module cache. */
function requireFor(module: Module): NodeJS.Require {
  const statics = Module as unknown as { _resolveFilename(request: string, parent: Module, isMain: boolean, options?: unknown): string; _cache: NodeJS.Dict<NodeJS.Module>; _extensions: NodeJS.RequireExtensions };
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  require.resolve = Object.assign((request: string, options?: { paths?: string[] }) => statics._resolveFilename(request, module, false, options), {
    paths: (request: string) => (Module as unknown as { _resolveLookupPaths(request: string, parent: Module): string[] | null })._resolveLookupPaths(request, module),
  });
  require.cache = statics._cache;
  require.extensions = statics._extensions;
  require.main = process.mainModule;
  return require;
}
