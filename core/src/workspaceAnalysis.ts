// The scanner as the editor's host sees it: an asynchronous service that indexes one workspace folder and
// re-analyses changed files, answering with plain data (references per workspace-relative file). The language
// server runs it in a worker thread, so nothing long runs where requests are answered; tests run it in-process
// (`createScannerAnalysis` in scannerAnalysis.ts). This file holds only the contract: no parser is loaded by it.
import type { FlaglensConfig } from './config.js';
import type { FlagReference, ScanFailure, ScanCacheReport } from './model.js';

/** What an analysis is created for: one folder and the config that governs it. */
export interface AnalysisTarget {
  /** Absolute folder root. */
  root: string;
  config: FlaglensConfig;
  /**
   * Another analysis answers the open documents (a `DocumentsAnalysis`, the language server's documents lane):
   * until its index ends this one only records buffers (the index applies them) instead of analysing each, so an
   * index never shares its thread with the documents being typed in.
   */
  documentsAnsweredElsewhere?: boolean;
  /** False: no persistent scan cache is read or written (the `flaglens.scanCache.enabled` setting). Default: on. */
  scanCache?: boolean;
}

export interface IndexRequest {
  /** Aborting it stops the index at its next slice; the promise then rejects with an `AnalysisCancelledError`. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface IndexOutcome {
  /** Every analysed file with its references (workspace-relative paths), open buffers applied. */
  references: Array<[file: string, references: FlagReference[]]>;
  files: number;
  parsedFiles: number;
  failures: ScanFailure[];
  durationMs: number;
  /** With the persistent scan cache: files answered from it and files read afresh, and why it was not used or written. */
  cache?: ScanCacheReport;
}

/**
 * A change to analyse. `buffer`: the editor's text of an open document (wins over the disk). `closed`: the
 * document was closed, the disk applies again. `disk`: a file changed on disk while not open (saved by another
 * tool, created, deleted; a tsconfig or package.json changes how imports resolve).
 */
export type AnalysisChange = { kind: 'buffer'; path: string; text: string } | { kind: 'closed'; path: string } | { kind: 'disk'; path: string };

/** Files whose references changed, each with all its references now (an empty list: it has none any more). */
export interface ReferenceUpdate {
  files: Array<[file: string, references: FlagReference[]]>;
}

export interface WorkspaceAnalysis {
  /** Indexes the folder. Before it ends, changes analyse their own file only; after, their dependents too. */
  index(request?: IndexRequest): Promise<IndexOutcome>;
  update(change: AnalysisChange): Promise<ReferenceUpdate>;
  /** Stops its work and frees its memory; pending calls reject. */
  dispose(): void;
}

export type AnalysisFactory = (target: AnalysisTarget) => WorkspaceAnalysis;

/**
 * The open documents alone, never indexed, on a thread of their own: each buffer is answered with its own
 * references at once, however long an index elsewhere takes (a big file it parses cannot be interrupted). `closed`
 * and `disk` changes keep what it parsed current and are answered empty: files other than the changed buffer,
 * dependents included, are the `WorkspaceAnalysis`'s to answer.
 */
export interface DocumentsAnalysis {
  update(change: AnalysisChange): Promise<ReferenceUpdate>;
  dispose(): void;
}

export type DocumentsAnalysisFactory = (target: AnalysisTarget) => DocumentsAnalysis;

/** An index stopped because its signal aborted (a newer index replaced it, or the person cancelled it). */
export class AnalysisCancelledError extends Error {
  readonly cancelled = true;
  constructor(message = 'the index was cancelled') {
    super(message);
    this.name = 'AnalysisCancelledError';
  }
}

/** True for a cancellation, also one that crossed a thread boundary as plain data. */
export function isAnalysisCancelled(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { cancelled?: unknown }).cancelled === true;
}

/** True when the analysis is gone (its worker thread stopped): it has to be created again. */
export function isAnalysisLost(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { lost?: unknown }).lost === true;
}
