// The exclude-pattern list: the same answers as picomatch for every shape of pattern (literal, escaped, based,
// root-level, negated, braces, classes, extglobs), and 200,000 patterns cost memory in proportion to their text,
// measured against the text itself in this process (picomatch compiles a matcher of kilobytes per pattern).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import picomatch from 'picomatch';
import { compileGlobList } from '../../core/src/globList.js';

const PATTERNS = [
  'dist',
  'dist/',
  './build',
  'src/generated/a.ts',
  'a+b',
  'a\\*b',
  'a(b)',
  'src/**',
  './lib/**',
  '**/fixtures/**',
  '**/*.gen.ts',
  'packages/*/fixtures/**',
  'packages/a/**/snapshots/*.snap',
  'x/{a,b}/y',
  '{docs,examples}/**',
  '[ab].ts',
  '@(one|two)/**',
  '.cache/**',
  '**/.*',
  '!keep/**',
  'deep/er/**/file?.js',
];
const PATHS = [
  'dist', 'dist/', 'dist/x.ts', 'build', 'build/x', 'src', 'src/', 'src/a.ts', 'src/generated/a.ts', 'a+b', 'a*b', 'a(b)', 'ab',
  'lib', 'lib/x/y.ts', 'fixtures', 'fixtures/x.ts', 'packages/p/fixtures/x.ts', 'packages/p/q/fixtures/x.ts', 'code.gen.ts',
  'deep/code.gen.ts', 'packages/a/x/snapshots/s.snap', 'packages/a/snapshots/s.snap', 'packages/b/snapshots/s.snap', 'x/a/y', 'x/c/y',
  'docs/index.md', 'examples/shop/src/app.ts', 'a.ts', 'c.ts', 'one/x', 'three/x', '.cache/corpus/t.ts', '.env', 'src/.hidden',
  'keep/x', 'deep/er/file1.js', 'deep/er/z/file2.js', 'deep/er/file10.js', 'other/x/y.ts', '', '/abs/x.ts',
];

test('every pattern alone and the whole list answer as picomatch does', () => {
  for (const pattern of PATTERNS) {
    const expected = picomatch(pattern, { dot: true });
    const actual = compileGlobList([pattern]);
    for (const path of PATHS) assert.equal(actual(path), expected(path), `${JSON.stringify(pattern)} on ${JSON.stringify(path)}`);
  }
  const positive = PATTERNS.filter((pattern) => !pattern.startsWith('!'));
  const expected = picomatch(positive, { dot: true });
  const actual = compileGlobList(positive);
  for (const path of PATHS) assert.equal(actual(path), expected(path), `the list on ${JSON.stringify(path)}`);
  assert.equal(compileGlobList([])('anything'), false);
});

test('a based group is compiled only when a path inside its base is tested, once', () => {
  const made: string[] = [];
  const original = picomatch.makeRe;
  picomatch.makeRe = ((pattern: string, options?: picomatch.PicomatchOptions) => {
    made.push(pattern);
    return original(pattern, options);
  }) as typeof picomatch.makeRe;
  try {
    const matches = compileGlobList(['packages/a/**/fixtures/**', 'packages/b/*.ts', 'tools/literal.ts']);
    assert.equal(matches('src/app.ts'), false);
    assert.deepEqual(made, [], 'nothing compiled for a path outside every base');
    assert.equal(matches('packages/a/x/fixtures/f.ts'), true);
    assert.equal(matches('packages/a/y.ts'), false);
    assert.deepEqual(made, ['packages/a/**/fixtures/**']);
    assert.equal(matches('tools/literal.ts'), true);
    assert.deepEqual(made, ['packages/a/**/fixtures/**'], 'literal paths are never compiled');
  } finally {
    picomatch.makeRe = original;
  }
});

test('200,000 patterns cost memory in proportion to their text, and still match', (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const count = 200_000;
  const start = heap();
  // Generated lists are mostly literal files and folders of their own; some are globs below a folder, and
  // a few thousand apply anywhere (`**/…`), which must be compiled for the first path tested.
  const patterns: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 100 === 0) patterns.push(`**/generated-${i}/**`);
    else if (i % 2 === 0) patterns.push(`src/generated/file-${i}.ts`);
    else patterns.push(`packages/package-${i}/dist/**`);
  }
  const textBytes = heap() - start;
  assert.ok(textBytes > 0);
  const matches = compileGlobList(patterns);
  const probes = ['src/generated/file-4.ts', 'src/generated/file-5.ts', 'packages/package-7/dist/index.js', 'packages/package-8/dist/index.js', 'a/generated-300/x.ts', 'a/generated-301/x.ts', 'src/app.ts'];
  assert.deepEqual(probes.map(matches), [true, false, true, false, true, false, false]);
  const matcherBytes = heap() - start - textBytes;
  // The text is the baseline measured here; picomatch's own matchers cost about a hundred times it.
  assert.ok(matcherBytes < 4 * textBytes, `the compiled list holds ${(matcherBytes / 1e6).toFixed(1)} MB for ${(textBytes / 1e6).toFixed(1)} MB of patterns`);
  t.diagnostic(`patterns ${(textBytes / 1e6).toFixed(1)} MB, compiled list ${(matcherBytes / 1e6).toFixed(1)} MB (${(matcherBytes / textBytes).toFixed(2)}×)`);
  void patterns.length;
});
