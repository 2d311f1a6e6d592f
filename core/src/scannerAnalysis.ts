// The scanner behind the `WorkspaceAnalysis` contract: one incremental `ScannerHost` per folder and config,
// indexed in time slices (the host yields to its event loop every few milliseconds, so changes are analysed while
// the index runs), from the persistent scan cache when there is one, with the editor's buffers winning over the
// disk. The language server runs this inside its analysis worker thread; tests and tools run it in-process.
import { join } from 'node:path';
import type { FileSystem } from './io.js';
import type { FlagReference } from './model.js';
import { ScannerHost, isResolutionInput, type ScanCacheStore, type ScanOptions } from './scanner/index.js';
import { isSourceFile, readSourceText } from './scanner/walk.js';
import {
  AnalysisCancelledError,
  type AnalysisChange,
  type AnalysisTarget,
  type DocumentsAnalysis,
  type IndexOutcome,
  type IndexRequest,
  type ReferenceUpdate,
  type WorkspaceAnalysis,
} from './workspaceAnalysis.js';

export interface ScannerAnalysisOptions {
  fs: FileSystem;
  /**
   * The scanner's persistent cache (scanner/scanCache.ts), shared with the CLI: an index starts from what it says
   * about unchanged files and writes it again when anything changed. Without it every start scans from scratch.
   */
  cache?: ScanCacheStore;
  /** How the index shares its thread's event loop (default: 8 ms of work between turns, see scanner/timeSlices.ts). */
  slices?: ScanOptions['slices'];
}

export function createScannerAnalysis(target: AnalysisTarget, options: ScannerAnalysisOptions): WorkspaceAnalysis {
  return new ScannerAnalysis(target, options);
}

/**
 * The documents lane over its own `ScannerHost`: no index, no persistent cache (see `DocumentsAnalysis`). What it
 * parsed for the open documents (their imports) is let go when the last document closes, or on a close once it
 * holds more than `retainLimit` parsed files: a long session does not keep every dependency it ever followed.
 */
export function createDocumentsAnalysis(target: AnalysisTarget, options: { fs: FileSystem; retainLimit?: number }): DocumentsAnalysis & { readonly retainedModules: number } {
  return new DocumentsScannerAnalysis(target, options.fs, options.retainLimit ?? DOCUMENTS_RETAIN_LIMIT);
}

/** Parsed files the documents lane keeps across a close (its open documents and what they import). */
const DOCUMENTS_RETAIN_LIMIT = 2000;

class DocumentsScannerAnalysis implements DocumentsAnalysis {
  private scanner: ScannerHost;
  private disposed = false;
  /** The open documents' texts. */
  private readonly open = new Map<string, string>();

  constructor(
    private readonly target: AnalysisTarget,
    private readonly fs: FileSystem,
    private readonly retainLimit: number,
  ) {
    this.scanner = this.freshScanner();
  }

  get retainedModules(): number {
    return this.scanner.parsedModuleCount;
  }

  private freshScanner(): ScannerHost {
    return new ScannerHost({ root: this.target.root, config: this.target.config, fs: this.fs });
  }

  async update(change: AnalysisChange): Promise<ReferenceUpdate> {
    if (this.disposed) return { files: [] };
    const path = change.path;
    switch (change.kind) {
      case 'buffer':
        this.open.set(path, change.text);
        return { files: [[relativeTo(this.target.root, path), this.scanner.analyzeFile(path, change.text)]] };
      case 'closed':
        this.open.delete(path);
        if (!this.open.size || this.scanner.parsedModuleCount > this.retainLimit) {
          // A fresh start: the open documents' texts again, what they import parsed again when next needed.
          this.scanner = this.freshScanner();
          for (const [openPath, text] of this.open) this.scanner.analyzeFile(openPath, text);
          return { files: [] };
        }
        // The closed document is now a dependency of the open ones, as it is on disk.
        applyDiskChange(this.scanner, this.fs, this.target.root, path);
        return { files: [] };
      case 'disk':
        // A dependency of an open document as it is on disk now; the workspace analysis answers for the files it affects.
        applyDiskChange(this.scanner, this.fs, this.target.root, path);
        return { files: [] };
    }
  }

  dispose(): void {
    this.disposed = true;
  }
}

/** Workspace-relative path (a path outside the root stays as it is). */
function relativeTo(root: string, path: string): string {
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

/** Applies `path` as it is on disk now; returns the workspace-relative files whose references changed. */
function applyDiskChange(scanner: ScannerHost, fs: FileSystem, root: string, path: string): string[] {
  const file = relativeTo(root, path);
  // tsconfig, package.json and workspace declarations change how imports resolve (and so keys and clients).
  if (isResolutionInput(file)) return scanner.resolutionInputChanged();
  if (!isSourceFile(path)) return [];
  return [file, ...scanner.updateFile(path, readDiskText(fs, path))];
}

function readDiskText(fs: FileSystem, path: string): string | undefined {
  const outcome = readSourceText(fs, path);
  return 'text' in outcome ? outcome.text : undefined;
}

/**
 * Compiles the analysis code paths once on a tiny in-memory snippet, so the first opened document is not also the
 * first thing the parser ever sees (JIT warm-up of the scanner and TypeScript).
 */
export function warmUpScanner(target: AnalysisTarget, fs: FileSystem): void {
  const scratch = new ScannerHost({ root: target.root, config: target.config, fs });
  scratch.analyzeFile(
    join(target.root, '.flaglens-warm-up.ts'),
    "const client = { getBooleanValue: (key: string, fallback: boolean) => fallback };\nexport const on = client.getBooleanValue('warm-up', false);\n",
  );
}

class ScannerAnalysis implements WorkspaceAnalysis {
  private readonly scanner: ScannerHost;
  private readonly root: string;
  private indexed = false;
  private indexing: Promise<IndexOutcome> | undefined;
  private disposed = false;
  /** Editor buffers by absolute path: re-applied after the index, which read the disk. */
  private readonly buffers = new Map<string, string>();
  /** Files changed on disk while the index ran: applied once it is done. */
  private readonly diskChangesDuringIndex = new Set<string>();

  private readonly documentsAnsweredElsewhere: boolean;

  constructor(
    target: AnalysisTarget,
    private readonly options: ScannerAnalysisOptions,
  ) {
    this.root = target.root;
    this.documentsAnsweredElsewhere = target.documentsAnsweredElsewhere === true;
    this.scanner = new ScannerHost({ root: target.root, config: target.config, fs: options.fs, cache: options.cache, slices: options.slices });
  }

  index(request: IndexRequest = {}): Promise<IndexOutcome> {
    this.indexing ??= this.runIndex(request);
    return this.indexing;
  }

  async update(change: AnalysisChange): Promise<ReferenceUpdate> {
    if (this.disposed) return { files: [] };
    const path = change.path;
    const file = this.relative(path);
    switch (change.kind) {
      case 'buffer':
        this.buffers.set(path, change.text);
        if (!this.indexed) return this.documentsAnsweredElsewhere ? { files: [] } : { files: [[file, this.scanner.analyzeFile(path, change.text)]] };
        return this.referencesOf([file, ...this.scanner.updateFile(path, change.text)]);
      case 'closed':
        this.buffers.delete(path);
        // Before the index ends only open documents are shown; the index reads the disk version itself.
        if (!this.indexed) {
          // Never analysed here when the documents lane had it; otherwise its buffer's analysis gives way to the disk.
          if (!this.documentsAnsweredElsewhere) this.scanner.updateFile(path, this.readDisk(path));
          return { files: [] };
        }
        return this.referencesOf([file, ...this.scanner.updateFile(path, this.readDisk(path))]);
      case 'disk':
        if (this.buffers.has(path)) return { files: [] };
        if (!this.indexed) {
          this.diskChangesDuringIndex.add(path);
          return { files: [] };
        }
        return this.referencesOf(this.applyDiskChange(path));
    }
  }

  dispose(): void {
    this.disposed = true;
    this.buffers.clear();
  }

  private async runIndex(request: IndexRequest): Promise<IndexOutcome> {
    const cancelled = () => this.disposed || request.signal?.aborted === true;
    // The scanner gives the event loop a turn every few milliseconds and reports progress there; a cancelled index
    // stops at its next turn (the signal), and a disposed one at its next progress report.
    let result;
    try {
      result = await this.scanner.indexWorkspace({
        signal: request.signal,
        onProgress: (done, total) => {
          if (cancelled()) throw new AnalysisCancelledError();
          request.onProgress?.(done, total);
        },
      });
    } catch (error) {
      if (cancelled()) throw new AnalysisCancelledError();
      throw error;
    }
    if (cancelled()) throw new AnalysisCancelledError();
    // Documents edited while indexing: the buffer wins over what the index read from disk, and their
    // dependents are re-analysed now that the dependency graph is complete.
    for (const [path, text] of this.buffers) this.scanner.updateFile(path, text);
    this.indexed = true;
    for (const path of this.diskChangesDuringIndex) this.applyDiskChange(path);
    this.diskChangesDuringIndex.clear();
    const byFile = new Map<string, FlagReference[]>();
    for (const reference of this.scanner.references()) {
      let list = byFile.get(reference.file);
      if (!list) byFile.set(reference.file, (list = []));
      list.push(reference);
    }
    return { references: [...byFile], files: result.files, parsedFiles: result.parsedFiles, failures: result.failures, durationMs: result.durationMs, cache: result.cache };
  }

  /** Workspace-relative files whose references changed because `path` changed on disk. */
  private applyDiskChange(path: string): string[] {
    return applyDiskChange(this.scanner, this.options.fs, this.root, path);
  }

  private referencesOf(files: string[]): ReferenceUpdate {
    return { files: [...new Set(files)].map((file) => [file, this.scanner.referencesInFile(file)]) };
  }

  private readDisk(path: string): string | undefined {
    return readDiskText(this.options.fs, path);
  }

  private relative(path: string): string {
    return relativeTo(this.root, path);
  }
}
