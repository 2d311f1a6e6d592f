// The text prefilter: which files may hold a check, decided from their text before anything is parsed. A file
// is parsed when it imports an SDK (the package inside an import or require specifier), names every segment of
// a configured check as a word, or names a trigger name (a name exported by a module that leads to a check).
// A file passed over keeps no text: its word fingerprint (a small Bloom filter of the words in it) answers
// "may it name X?" later, and only a "maybe" is confirmed on the text, read again.
import type { CustomCheck } from '../config.js';
import { SDK_IMPORT_PATTERN } from './presets.js';

/**
 * The part of the prefilter that depends only on the file and the config: an SDK import, or a configured check
 * whose every segment the text names as a word (`featureFlagService.isFeatureEnabled` needs both words, in any
 * order and with anything between them, which covers `this.featureFlagService\n  .isFeatureEnabled(` and
 * destructuring alike).
 */
export class StaticPrefilter {
  /** Per configured check, one pattern per distinct segment (a check matches only when all of them do). */
  private readonly checkWords: Array<Array<{ word: string; pattern: RegExp }>>;
  /** The same words as fingerprint queries: most texts are ruled out by a few bit tests. */
  private readonly checkQueries: FingerprintQuery[][];

  constructor(checks: readonly CustomCheck[]) {
    const seen = new Set<string>();
    this.checkWords = [];
    for (const check of checks) {
      const name = check.kind === 'call' ? check.call : check.kind === 'property' ? check.property : check.jsx;
      const segments = [...new Set(name.split('.').filter((segment) => segment.length > 0))];
      const key = [...segments].sort().join('.');
      if (!segments.length || seen.has(key)) continue;
      seen.add(key);
      // The last segment first: it is usually the rarer word (`isFeatureEnabled` rather than `featureFlagService`).
      segments.reverse();
      this.checkWords.push(segments.map((word) => ({ word, pattern: wordPattern([word]) })));
    }
    this.checkQueries = this.checkWords.map((words) => words.map(({ word }) => fingerprintQuery(word)));
  }

  /** True when the text imports an SDK or names every segment of a configured check. */
  passes(text: string, fingerprint?: WordFingerprint): boolean {
    return this.importsSdk(text) || this.namesCheck(text, fingerprint);
  }

  /** An import or require of an SDK package. */
  importsSdk(text: string): boolean {
    return SDK_IMPORT_PATTERN.test(text);
  }

  /** Every segment of some configured check, as words; with the text's fingerprint, most texts cost a few bit tests. */
  namesCheck(text: string, fingerprint?: WordFingerprint): boolean {
    for (let index = 0; index < this.checkWords.length; index++) {
      if (fingerprint && !this.checkQueries[index]!.every((query) => fingerprintMayHold(fingerprint, query))) continue;
      // `includes` is a fast scan; the pattern then asks for the whole word.
      if (this.checkWords[index]!.every(({ word, pattern }) => text.includes(word) && pattern.test(text))) return true;
    }
    return false;
  }
}

/**
 * `export … from '…'` and `export * from`: a module that re-exports may pass on another module's accessor. It
 * starts with the literal word (no boundary test before it), which lets the regular expression engine skip
 * ahead to each `export`; the rare extra match (`reexport {} from`) only makes a module look worth opening.
 */
export const REEXPORT_PATTERN = /export\s*(?:\*|\{[^}]*\}|type\s*\{[^}]*\})\s*(?:as\s+\w+\s*)?from\b/;

/**
 * The words of a text as a Bloom filter: every run of identifier characters ([A-Za-z0-9_$]) of two or more
 * characters sets two bits. "No" is certain; "maybe" is wrong for a few percent of absent words.
 */
export type WordFingerprint = Uint32Array;

/** Identifier characters, as the fingerprint and the word patterns both count them. */
const WORD_CHARACTER = (() => {
  const table = new Uint8Array(128);
  for (let code = 0; code < 128; code++) {
    table[code] = (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36 ? 1 : 0;
  }
  return table;
})();

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** The second bit comes from the high half of this product: it depends on every bit of the word's hash (the low bits would repeat the first). */
const SECOND_HASH_MULTIPLIER = 0x9e3779b1;

/** About two bits per character, between 2,048 and 65,536 bits: a few percent of false "maybe" for ordinary files. */
function fingerprintBits(length: number): number {
  let bits = 2048;
  while (bits < 65536 && bits < length / 2) bits *= 2;
  return bits;
}

export function fingerprintWords(text: string): WordFingerprint {
  const fingerprint = new Uint32Array(fingerprintBits(text.length) / 32);
  const mask = fingerprint.length * 32 - 1;
  let hash = FNV_OFFSET;
  let length = 0;
  const end = text.length;
  for (let index = 0; index <= end; index++) {
    const code = index < end ? text.charCodeAt(index) : 32;
    if (code < 128 && WORD_CHARACTER[code] === 1) {
      hash = Math.imul(hash ^ code, FNV_PRIME);
      length++;
      continue;
    }
    if (length > 1) {
      const first = (hash >>> 0) & mask;
      const second = (Math.imul(hash, SECOND_HASH_MULTIPLIER) >>> 16) & mask;
      fingerprint[first >>> 5] |= 1 << (first & 31);
      fingerprint[second >>> 5] |= 1 << (second & 31);
    }
    hash = FNV_OFFSET;
    length = 0;
  }
  return fingerprint;
}

/** The words of a name as the fingerprint sees them (a name with other characters, `use-feature`, is several). */
function nameWords(name: string): string[] {
  return name.split(/[^A-Za-z0-9_$]+/).filter((word) => word.length > 1);
}

function wordHash(word: string): number {
  let hash = FNV_OFFSET;
  for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ word.charCodeAt(index), FNV_PRIME);
  return hash;
}

/** A name, ready to be looked up in fingerprints: the two bit positions of each of its words. */
interface FingerprintQuery {
  hashes: number[];
}

function fingerprintQuery(name: string): FingerprintQuery {
  return { hashes: nameWords(name).map(wordHash) };
}

function fingerprintMayHold(fingerprint: WordFingerprint, query: FingerprintQuery): boolean {
  const mask = fingerprint.length * 32 - 1;
  for (const hash of query.hashes) {
    const first = (hash >>> 0) & mask;
    const second = (Math.imul(hash, SECOND_HASH_MULTIPLIER) >>> 16) & mask;
    if ((fingerprint[first >>> 5] & (1 << (first & 31))) === 0 || (fingerprint[second >>> 5] & (1 << (second & 31))) === 0) return false;
  }
  return true;
}

/** A pattern matching any of the names as a whole word (not inside a longer identifier). */
export function wordPattern(names: readonly string[]): RegExp {
  return new RegExp(`(?<![\\w$])(?:${names.map(escapeRegExp).join('|')})(?![\\w$])`);
}

/** A set of trigger names, tested against texts (exactly) and fingerprints (maybe). */
export class TriggerNameSet {
  readonly names: readonly string[];
  private readonly queries: FingerprintQuery[];
  private pattern: RegExp | undefined;

  constructor(names: Iterable<string>) {
    this.names = [...new Set(names)];
    this.queries = this.names.map(fingerprintQuery);
  }

  get size(): number {
    return this.names.length;
  }

  /** True when the text names one of them as a word. */
  matchesText(text: string): boolean {
    if (!this.names.length) return false;
    this.pattern ??= wordPattern(this.names);
    return this.pattern.test(text);
  }

  /** False when the fingerprinted text certainly names none of them. */
  mayMatch(fingerprint: WordFingerprint): boolean {
    for (const query of this.queries) if (fingerprintMayHold(fingerprint, query)) return true;
    return false;
  }

  /** The names the fingerprinted text may name (the others it certainly does not). */
  namesMaybeIn(fingerprint: WordFingerprint): string[] {
    const names: string[] = [];
    for (let index = 0; index < this.names.length; index++) if (fingerprintMayHold(fingerprint, this.queries[index]!)) names.push(this.names[index]!);
    return names;
  }
}

const namePatterns = new Map<string, RegExp>();

/** True when the text names `name` as a whole word. */
export function mentionsName(text: string, name: string): boolean {
  let pattern = namePatterns.get(name);
  if (!pattern) {
    if (namePatterns.size > 10_000) namePatterns.clear();
    namePatterns.set(name, (pattern = wordPattern([name])));
  }
  return text.includes(name) && pattern.test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
