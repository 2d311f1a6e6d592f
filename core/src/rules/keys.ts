// Flag-key matching: LaunchDarkly's camelCased keys back to real keys, and "did you mean" suggestions
// (edit distance plus camelCase / kebab-case / snake_case variants) for keys that are not defined.
import type { FlagReference } from '../model.js';

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
  if (reference.key === null) return null;
  const keys = knownKeys instanceof Set ? (knownKeys as Set<string>) : new Set(knownKeys);
  if (keys.has(reference.key)) return reference.key;
  if (reference.keyStyle === 'camelCase') {
    for (const key of keys) if (toCamelCaseKey(key) === reference.key) return key;
  }
  return reference.key;
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
 * Up to `limit` known keys the unknown `key` probably meant, best first: keys that differ only in their
 * spelling convention, then keys within an edit distance of about a third of the key's length.
 */
export function suggestKeys(key: string, knownKeys: Iterable<string>, limit = 3): string[] {
  const wanted = normalizedKey(key);
  const maxDistance = Math.max(1, Math.min(4, Math.floor(wanted.length / 3)));
  const scored: Array<{ key: string; score: number }> = [];
  for (const candidate of knownKeys) {
    if (candidate === key) continue;
    const distance = editDistance(wanted, normalizedKey(candidate));
    if (distance === 0) scored.push({ key: candidate, score: 0 });
    else if (distance <= maxDistance) scored.push({ key: candidate, score: distance });
  }
  scored.sort((a, b) => a.score - b.score || a.key.localeCompare(b.key));
  return scored.slice(0, limit).map((entry) => entry.key);
}
