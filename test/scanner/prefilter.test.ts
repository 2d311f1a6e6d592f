// The text prefilter: which files are parsed. SDK names count only inside import and require specifiers,
// configured checks only when every segment is named, word fingerprints never miss a word that is there, and
// what a scan finds does not depend on the order files are walked in (lookups refused early are done again).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StaticPrefilter, TriggerNameSet, fingerprintWords } from '../../core/src/scanner/prefilter.js';
import { scanWorkspace } from '../../core/src/scanner/index.js';
import { configFrom, memoryFileSystem } from './fixture.js';
import { seededRandom } from '../helpers/seeded.js';

const checksConfig = configFrom(`checks:
  - call: featureFlagService.isFeatureEnabled
  - property: flagsByName
  - jsx: FeatureGate
    attribute: flag
`);

test('an SDK package counts inside an import, export-from, dynamic import or require specifier, and nowhere else', () => {
  const prefilter = new StaticPrefilter([]);
  for (const text of [`import { isEnabled } from 'unleash-client';`, `import {\n  a,\n} from\n  "flags/next";`, `export * from '@openfeature/web-sdk';`, `const sdk = await import('posthog-js');`, `const { initialize } = require( 'launchdarkly-node-server-sdk' );`]) {
    assert.equal(prefilter.passes(text), true, text);
  }
  for (const text of [`const names = ['flags', 'unleash-client'];`, `// migrated from launchdarkly-js-client-sdk`, `t('flagsmith')`, `import x from 'flagsmithy';`, `jest.requireActual('unleash-client');`, `const flags = config.flags;`]) {
    assert.equal(prefilter.passes(text), false, text);
  }
});

test('a configured check counts when every segment of its name is a word of the text, in any order and layout', () => {
  const prefilter = new StaticPrefilter(checksConfig.checks);
  assert.equal(prefilter.passes(`this.featureFlagService\n  .isFeatureEnabled(KEY, id)`), true);
  assert.equal(prefilter.passes(`const { isFeatureEnabled } = featureFlagService;`), true);
  assert.equal(prefilter.passes(`const x = flagsByName[k];`), true);
  assert.equal(prefilter.passes(`<FeatureGate flag="x" />`), true);
  // One segment alone, or a segment inside a longer identifier, is not the check.
  assert.equal(prefilter.passes(`constructor(private readonly featureFlagService: FeatureFlagService) {}`), false);
  assert.equal(prefilter.passes(`const isFeatureEnabledLabel = featureFlagServiceName;`), false);
  assert.equal(prefilter.passes(`const flagsByNameOf = 1;`), false);
});

test('a word fingerprint never misses a word of the text, and says "maybe" for few absent words', () => {
  const random = seededRandom(7);
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$0123456789';
  const word = () => Array.from({ length: random.int(2, 14) }, (_, i) => letters[random.int(0, i === 0 ? 53 : letters.length - 1)]).join('');
  let absentMaybes = 0;
  let absentAsked = 0;
  for (let sample = 0; sample < 200; sample++) {
    const present = Array.from({ length: random.int(20, 600) }, word);
    const separators = [' ', '.', '(', ')', '\n', "'", '-', '/', '{', '}', ';', 'é'];
    const text = present.map((w) => w + random.pick(separators)).join('');
    const fingerprint = fingerprintWords(text);
    for (const name of present.slice(0, 50)) assert.equal(new TriggerNameSet([name]).mayMatch(fingerprint), true, `missed ${name}`);
    // A name with other characters is several words: `use-feature` is there when `use` and `feature` are.
    assert.equal(new TriggerNameSet([`${present[0]}-${present[1]}`]).mayMatch(fingerprint), true);
    for (let i = 0; i < 20; i++) {
      const absent = `${word()}Zq${word()}`;
      if (present.includes(absent)) continue;
      absentAsked++;
      if (new TriggerNameSet([absent]).mayMatch(fingerprint)) absentMaybes++;
    }
  }
  assert.ok(absentMaybes / absentAsked < 0.1, `false "maybe" for ${absentMaybes} of ${absentAsked} absent words`);
});

test('SDK names and check words in comments, strings and unrelated identifiers parse nothing', async () => {
  const files: Record<string, string> = {
    'src/flags.ts': `import { isEnabled } from 'unleash-client';\nexport const on = isEnabled('real');\n`,
  };
  for (let i = 0; i < 20; i++) {
    files[`src/noise${i}.ts`] = `// see the unleash-client and flagsmith docs; featureFlagService config\nconst sdkNames = ['unleash-client', 'flags'];\nexport const featureFlagService${i} = { flags: sdkNames, isFeatureEnabledLabel: 'x' };\n`;
  }
  const result = await scanWorkspace({ root: '/w', fs: memoryFileSystem(files), config: checksConfig });
  assert.deepEqual(result.references.map((r) => r.key), ['real']);
  assert.equal(result.parsedFiles, 1);
});

test('what a scan finds does not depend on the walk order: a lookup refused before a trigger name was known is done again', async () => {
  // The caller imports the SDK itself, so it is analysed as soon as it is read; the wrapper's module names the
  // client only, which is a trigger name once the client's module (read last) is analysed.
  const caller = `import { isEnabled } from 'unleash-client';\nimport { gate } from './{outer}';\nexport const direct = isEnabled('direct');\nexport const wrapped = gate('through-wrapper');\n`;
  const outer = `import { client } from './{client}';\nexport function gate(name: string) { return client.isEnabled(name); }\n`;
  const client = `import { initialize } from 'unleash-client';\nexport const client = initialize({ url: 'http://unleash', appName: 'a' });\n`;
  const results: string[][] = [];
  for (const [callerName, outerName, clientName] of [['a-caller', 'm-outer', 'z-client'], ['z-caller', 'm-outer', 'a-client']]) {
    const fs = memoryFileSystem({
      [`src/${callerName}.ts`]: caller.replace('{outer}', outerName),
      [`src/${outerName}.ts`]: outer.replace('{client}', clientName),
      [`src/${clientName}.ts`]: client,
    });
    const result = await scanWorkspace({ root: '/w', fs, config: configFrom() });
    results.push(result.references.map((r) => `${r.key} ${r.sdk}`).sort());
  }
  assert.deepEqual(results[0], ['direct unleash', 'through-wrapper wrapper']);
  assert.deepEqual(results[1], results[0]);
});
