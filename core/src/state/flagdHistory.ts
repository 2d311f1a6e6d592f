// What a flagd file's git history tells: when each released flag reached 100% for good (`releasedAt`, source
// 'git') and which keys existed once but are gone now (`removedKeys`). Pure over `FileRevision`s from `GitHost`.
import type { FileRevision, GitHost } from '../io.js';
import { analyzeFlagdText } from './flagdDocument.js';
import { stateFileHash } from './fileStore.js';

/** Per revision content: which keys existed and which were released (100% and enabled). */
interface RevisionFacts {
  parsed: boolean;
  keys: Set<string>;
  released: Set<string>;
}

export interface FlagdHistoryFacts {
  /** Key → ISO date of the first commit after which the flag stayed released through HEAD. */
  releasedSince: Map<string, string>;
  /** Every key some revision defined (the caller subtracts the current keys). */
  everDefined: Set<string>;
  /** Keys of the newest revision that parses: what a malformed working copy most likely still defines. */
  lastCommittedKeys: Set<string>;
}

/** Remembers what each distinct file content says, so a long history is analysed once per content. */
export class FlagdRevisionCache {
  private readonly facts = new Map<string, RevisionFacts>();

  constructor(private readonly maxEntries = 5000) {}

  factsFor(content: string, file: string, steps: readonly number[]): RevisionFacts {
    const hash = stateFileHash(content);
    const cached = this.facts.get(hash);
    if (cached) return cached;
    const analysis = analyzeFlagdText(content, { file, steps, positions: false });
    const facts: RevisionFacts = { parsed: !analysis.malformed && analysis.isFlagdFile, keys: new Set(), released: new Set() };
    for (const flag of analysis.flags) {
      facts.keys.add(flag.key);
      if (flag.state.stage === 'released') facts.released.add(flag.key);
    }
    if (this.facts.size >= this.maxEntries) this.facts.clear();
    this.facts.set(hash, facts);
    return facts;
  }
}

export interface FlagdHistoryOptions {
  file: string;
  steps: readonly number[];
  /** Keys released in the working copy (only these can have a git-derived `releasedAt`). */
  releasedNow: ReadonlySet<string>;
  cache?: FlagdRevisionCache;
}

/** A flagd file's history as read: what its revisions tell, how many git gave, and whether the clone is shallow. */
export interface FlagdFileHistory {
  facts: FlagdHistoryFacts;
  revisions: number;
  shallow: boolean;
}

/**
 * Where a flagd file's history is read and parsed: git and `flagdHistoryFacts` on another thread (the language
 * server's analysis worker), so neither the git processes' spawns nor forty YAML parses hold the thread that
 * answers requests. Plain data in and out.
 */
export type FlagdHistoryAnalysis = (absolutePath: string, options: Omit<FlagdHistoryOptions, 'cache'>) => Promise<FlagdFileHistory>;

/**
 * Reads a flagd file's revisions from git and parses them with `parse`; a git failure (no git, not a repository)
 * reads as no history. The one way both the analysis worker and the in-process fallback read a history.
 */
export async function readFlagdFileHistory(git: GitHost, absolutePath: string, parse: (revisions: FileRevision[]) => FlagdHistoryFacts | Promise<FlagdHistoryFacts>): Promise<FlagdFileHistory> {
  let revisions: FileRevision[];
  let shallow = false;
  try {
    revisions = await git.fileHistory(absolutePath);
    shallow = revisions.length > 0 && (await git.isShallow?.(absolutePath)) === true;
  } catch {
    revisions = [];
  }
  return { facts: await parse(revisions), revisions: revisions.length, shallow };
}

/**
 * Walks the revisions newest first: a key released now gets the date of the oldest revision of the unbroken run
 * of revisions (from HEAD back) in which it was released. Not released at HEAD (only in the working copy) → no date.
 */
export function flagdHistoryFacts(revisions: readonly FileRevision[], options: FlagdHistoryOptions): FlagdHistoryFacts {
  const cache = options.cache ?? new FlagdRevisionCache();
  const releasedSince = new Map<string, string>();
  const everDefined = new Set<string>();
  let lastCommittedKeys: Set<string> | undefined;
  const stillReleased = new Set(options.releasedNow);
  for (const revision of revisions) {
    if (revision.content === undefined) {
      stillReleased.clear();
      continue;
    }
    const facts = cache.factsFor(revision.content, options.file, options.steps);
    for (const key of facts.keys) everDefined.add(key);
    if (!lastCommittedKeys && facts.parsed) lastCommittedKeys = facts.keys;
    for (const key of [...stillReleased]) {
      if (facts.released.has(key)) releasedSince.set(key, revision.date);
      else stillReleased.delete(key);
    }
  }
  for (const [key, date] of releasedSince) releasedSince.set(key, new Date(date).toISOString());
  return { releasedSince, everDefined, lastCommittedKeys: lastCommittedKeys ?? new Set() };
}
