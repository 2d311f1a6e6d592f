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
