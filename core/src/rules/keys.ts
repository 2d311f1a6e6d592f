// Flag-key matching: LaunchDarkly's camelCased keys back to real keys, and "did you mean" suggestions
// (edit distance plus camelCase / kebab-case / snake_case variants) for keys that are not defined.
import type { FlagReference } from '../model.js';
import { compareText } from '../collation.js';

/** Splits a key into lowercase words at `-`, `_`, `.`, spaces and camelCase humps. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

/** LaunchDarkly's camelCase form of a key (`new-checkout` → `newCheckout`), as its React SDK exposes it. */
export function toCamelCaseKey(key: string): string {
  const words = keyWords(key);
  return words.map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1))).join('');
}

/** A form that ignores the spelling convention: `newCheckout`, `new-checkout`, `new_checkout` → `new checkout`. */
export function normalizedKey(key: string): string {
  return keyWords(key).join(' ');
}

/**
 * The real flag key a reference names, among `knownKeys` (defined or removed flags): the key itself when
 * known; for camelCased references (`keyStyle: 'camelCase'`), the known key whose camelCase form matches.
 * Returns the reference's own key when nothing matches (it is then unknown), null for unresolved keys.
 */
export function matchReferenceKey(reference: Pick<FlagReference, 'key' | 'keyStyle'>, knownKeys: Iterable<string>): string | null {
  return createReferenceKeyMatcher(knownKeys)(reference);
}

/** `matchReferenceKey` over a fixed set of known keys, with the camelCase forms computed once. */
export function createReferenceKeyMatcher(knownKeys: Iterable<string>): (reference: Pick<FlagReference, 'key' | 'keyStyle'>) => string | null {
  const keys = new Set(knownKeys);
  let camelCaseIndex: Map<string, string> | undefined;
  return (reference) => {
    if (reference.key === null) return null;
    if (keys.has(reference.key) || reference.keyStyle !== 'camelCase') return reference.key;
    if (!camelCaseIndex) {
      camelCaseIndex = new Map();
      // The first key (in the state's order) wins when two keys camelCase alike (`new-checkout`, `new_checkout`).
      for (const key of keys) if (!camelCaseIndex.has(toCamelCaseKey(key))) camelCaseIndex.set(toCamelCaseKey(key), key);
    }
    return camelCaseIndex.get(reference.key) ?? reference.key;
  };
}

/** Levenshtein distance (insert, delete, substitute), small keys only. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * Levenshtein distance when it is at most `max`, else `max + 1`: rows stop as soon as every cell exceeds
 * `max`, so comparing one key against thousands stays cheap.
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = new Int32Array(b.length + 1);
  let current = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMinimum = i;
    const charA = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (charA === b.charCodeAt(j - 1) ? 0 : 1);
      const deletion = previous[j] + 1;
      const insertion = current[j - 1] + 1;
      const cell = substitution < deletion ? (substitution < insertion ? substitution : insertion) : deletion < insertion ? deletion : insertion;
      current[j] = cell;
      if (cell < rowMinimum) rowMinimum = cell;
    }
    if (rowMinimum > max) return max + 1;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[b.length], max + 1);
}

/**
 * Up to `limit` known keys the unknown `key` probably meant, best first: keys that differ only in their
 * spelling convention, then keys within an edit distance of about a third of the key's length.
 */
export function suggestKeys(key: string, knownKeys: Iterable<string>, limit = 3): string[] {
  return createKeySuggester(knownKeys)(key, limit);
}

/**
 * `suggestKeys` over a fixed set of known keys, prepared once (for many unknown keys). Candidates come from a
 * bigram index (the q-gram lemma: strings within edit distance k share at least max(length) - 1 - 2k bigrams),
 * so a query touches only the keys that look alike, and only those get the bounded edit distance.
 */
export function createKeySuggester(knownKeys: Iterable<string>): (key: string, limit?: number) => string[] {
  const candidates = [...new Set(knownKeys)].map((candidate) => ({ key: candidate, normalized: normalizedKey(candidate) }));
  const postings = new Map<string, Array<{ candidate: number; count: number }>>();
  candidates.forEach((candidate, index) => {
    for (const [bigram, count] of bigramCounts(candidate.normalized)) {
      let list = postings.get(bigram);
      if (!list) postings.set(bigram, (list = []));
      list.push({ candidate: index, count });
    }
  });
  const shared = new Int32Array(candidates.length);
  return (key, limit = 3) => {
    const wanted = normalizedKey(key);
    const maxDistance = Math.max(1, Math.min(4, Math.floor(wanted.length / 3)));
    const touched: number[] = [];
    for (const [bigram, count] of bigramCounts(wanted)) {
      for (const posting of postings.get(bigram) ?? []) {
        if (shared[posting.candidate] === 0) touched.push(posting.candidate);
        shared[posting.candidate] += Math.min(count, posting.count);
      }
    }
    const scored: Array<{ key: string; score: number }> = [];
    const consider = (index: number) => {
      const candidate = candidates[index];
      if (candidate.key === key || Math.abs(candidate.normalized.length - wanted.length) > maxDistance) return;
      const needed = Math.max(candidate.normalized.length, wanted.length) - 1 - 2 * maxDistance;
      if (shared[index] < needed) return;
      const distance = boundedEditDistance(wanted, candidate.normalized, maxDistance);
      if (distance <= maxDistance) scored.push({ key: candidate.key, score: distance });
    };
    // Short keys may match with no bigram in common: then every candidate is a possible match.
    const shortest = Math.max(0, wanted.length - maxDistance);
    if (shortest - 1 - 2 * maxDistance <= 0) candidates.forEach((_, index) => consider(index));
    else touched.forEach(consider);
    for (const index of touched) shared[index] = 0;
    scored.sort((a, b) => a.score - b.score || compareText(a.key, b.key));
    return scored.slice(0, limit).map((entry) => entry.key);
  };
}

function bigramCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let index = 0; index + 1 < text.length; index++) {
    const bigram = text.slice(index, index + 2);
    counts.set(bigram, (counts.get(bigram) ?? 0) + 1);
  }
  return counts;
}
