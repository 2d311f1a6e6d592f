// The flag-reference scanner: finds every flag check in a workspace (see ARCHITECTURE.md).
// Public API; the implementation lives beside this file.
import type { FlaglensConfig } from '../config.js';
import type { FileSystem } from '../io.js';
import type { FlagReference, ScanResult } from '../model.js';

export interface ScanOptions {
  /** Absolute workspace root. */
  root: string;
  config: FlaglensConfig;
  fs: FileSystem;
  /** Called as files are processed (for progress reporting). */
  onProgress?: (done: number, total: number) => void;
}

/** Scans the whole workspace once. */
export async function scanWorkspace(options: ScanOptions): Promise<ScanResult> {
  const host = new ScannerHost(options);
  return host.indexWorkspace(options.onProgress);
}

/**
 * The incremental scanner: index once, then apply single-file changes; only files that depend on a
 * changed file (importers of a constants module, callers of a wrapper) are re-analysed.
 */
export class ScannerHost {
  constructor(readonly options: ScanOptions) {}

  /** Indexes every file of the workspace; yields to the event loop between batches. */
  async indexWorkspace(onProgress?: (done: number, total: number) => void): Promise<ScanResult> {
    throw new Error('not implemented');
  }

  /** Analyses one file now (an opened editor document), even before the workspace index is done. */
  analyzeFile(absPath: string, text: string): FlagReference[] {
    throw new Error('not implemented');
  }

  /** Applies a file's new text (undefined: deleted). Returns the workspace-relative files whose references changed. */
  updateFile(absPath: string, text: string | undefined): string[] {
    throw new Error('not implemented');
  }

  /** All references currently known. */
  references(): FlagReference[] {
    throw new Error('not implemented');
  }

  /** References in one workspace-relative file. */
  referencesInFile(file: string): FlagReference[] {
    throw new Error('not implemented');
  }
}
