// compareText is the order of `localeCompare` (the one people read in reports, lists and SARIF), for any mix of
// case, digits, punctuation and accents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareText } from '../../core/src/collation.js';
import { seededRandom } from '../helpers/seeded.js';

test('compareText sorts exactly as localeCompare does', () => {
  const random = seededRandom(20261201);
  const alphabet = ['a', 'B', 'b', 'Z', 'z', '0', '9', '-', '_', '.', '/', 'é', 'E', 'ß', ' '];
  const words = Array.from({ length: 400 }, () => Array.from({ length: random.int(1, 8) }, () => random.pick(alphabet)).join(''));
  words.push('src/App.tsx', 'src/app.tsx', 'src/a/b.ts', 'src/a-b.ts', 'packages/twenty-front/src/modules/x.ts', 'Packages/z.ts');
  assert.deepEqual([...words].sort(compareText), [...words].sort((a, b) => a.localeCompare(b)));
});
