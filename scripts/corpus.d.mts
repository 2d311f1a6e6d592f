// Types for scripts/corpus.mjs (the shared real-code corpus finder), for TypeScript tests and benches.
export declare const repositoryRoot: string;
export declare function findCorpusDirectory(name?: string): string;
export interface CorpusFiles {
  /** The unpacked tree, e.g. `.cache/corpus/twenty`. */
  tree: string;
  config: string;
  groundTruth: string;
  excluded: string;
  scoreScript: string;
}
export declare function unpackCorpus(name?: string, cacheRoot?: string): CorpusFiles;
