// Key matching: camelCase mapping, spelling-convention variants and did-you-mean suggestions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, matchReferenceKey, suggestKeys, toCamelCaseKey } from '../../core/src/rules/index.js';

test('toCamelCaseKey follows LaunchDarkly\'s camelCasing', () => {
  assert.equal(toCamelCaseKey('new-checkout'), 'newCheckout');
  assert.equal(toCamelCaseKey('new_checkout'), 'newCheckout');
  assert.equal(toCamelCaseKey('new.checkout.v2'), 'newCheckoutV2');
  assert.equal(toCamelCaseKey('alreadyCamel'), 'alreadyCamel');
});

test('matchReferenceKey maps camelCase references to kebab, snake or dotted keys', () => {
  const known = ['new-checkout', 'beta_dashboard', 'search.v2'];
  assert.equal(matchReferenceKey({ key: 'newCheckout', keyStyle: 'camelCase' }, known), 'new-checkout');
  assert.equal(matchReferenceKey({ key: 'betaDashboard', keyStyle: 'camelCase' }, known), 'beta_dashboard');
  assert.equal(matchReferenceKey({ key: 'searchV2', keyStyle: 'camelCase' }, known), 'search.v2');
  assert.equal(matchReferenceKey({ key: 'newCheckout' }, known), 'newCheckout', 'only camelCase references are mapped');
  assert.equal(matchReferenceKey({ key: 'unknownThing', keyStyle: 'camelCase' }, known), 'unknownThing');
  assert.equal(matchReferenceKey({ key: null }, known), null);
});

test('editDistance', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('free-shiping', 'free-shipping'), 1);
  assert.equal(editDistance('', 'abc'), 3);
});

test('suggestKeys ranks convention variants first, then close typos, and ignores far keys', () => {
  const known = ['new-checkout', 'new-checkout-v2', 'dark-mode', 'newsletter'];
  assert.deepEqual(suggestKeys('newCheckout', known), ['new-checkout', 'new-checkout-v2']);
  assert.deepEqual(suggestKeys('dark-mod', known), ['dark-mode']);
  assert.deepEqual(suggestKeys('payments', known), []);
});

test('the indexed suggester finds exactly what a naive all-pairs edit distance finds', async () => {
  const { createKeySuggester, boundedEditDistance, normalizedKey } = await import('../../core/src/rules/index.js');
  const words = 'checkout cart search pay ship dark mode beta new old promo gift fast v2 web api'.split(' ');
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = () => words[Math.floor(random() * words.length)];
  const known = [...new Set(Array.from({ length: 300 }, () => `${pick()}-${pick()}${random() < 0.3 ? `-${pick()}` : ''}`))];
  const suggest = createKeySuggester(known);
  for (let round = 0; round < 200; round++) {
    const base = known[Math.floor(random() * known.length)];
    const at = Math.floor(random() * base.length);
    const typo = random() < 0.5 ? base.slice(0, at) + base.slice(at + 1) : base.slice(0, at) + 'x' + base.slice(at);
    const wanted = normalizedKey(typo);
    const max = Math.max(1, Math.min(4, Math.floor(wanted.length / 3)));
    const expected = known
      .filter((key) => key !== typo)
      .map((key) => ({ key, distance: boundedEditDistance(wanted, normalizedKey(key), max) }))
      .filter((entry) => entry.distance <= max)
      .sort((a, b) => a.distance - b.distance || a.key.localeCompare(b.key))
      .slice(0, 3)
      .map((entry) => entry.key);
    assert.deepEqual(suggest(typo), expected, typo);
  }
  assert.equal(boundedEditDistance('kitten', 'sitting', 2), 3, 'beyond the bound: max + 1');
  assert.equal(boundedEditDistance('kitten', 'sitting', 3), 3);
});
