// Removing a flag's definition from flagd files keeps every other flag, comment and the formatting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { removeFlagDefinition } from '../../core/src/cleanup/definition.js';
import { applyTextEdits } from '../../core/src/cleanup/textEdits.js';
import { dedent } from './fixture.js';

function remove(text: string, key: string): string {
  const result = removeFlagDefinition(text, key);
  if ('error' in result) throw new Error(result.error);
  return applyTextEdits(text, [result.edit]);
}

test('YAML: the flag and the comment above it go, the others and their comments stay', () => {
  const text = dedent(`
    # Flags of the shop.
    flags:
      # Released in April.
      new-checkout:
        state: ENABLED # always on
        variants:
          "on": true
          "off": false
        defaultVariant: "on"
      # Still rolling out.
      fast-search:
        state: ENABLED
    `);
  assert.equal(
    remove(text, 'new-checkout'),
    dedent(`
    # Flags of the shop.
    flags:
      # Still rolling out.
      fast-search:
        state: ENABLED
    `),
  );
  assert.equal(
    remove(text, 'fast-search'),
    dedent(`
    # Flags of the shop.
    flags:
      # Released in April.
      new-checkout:
        state: ENABLED # always on
        variants:
          "on": true
          "off": false
        defaultVariant: "on"
    `),
  );
});

test('JSON: the member and one comma go', () => {
  const text = '{\n  "flags": {\n    "a": { "state": "ENABLED" },\n    "b": { "state": "DISABLED" }\n  }\n}\n';
  assert.equal(remove(text, 'a'), '{\n  "flags": {\n    "b": { "state": "DISABLED" }\n  }\n}\n');
  assert.equal(remove(text, 'b'), '{\n  "flags": {\n    "a": { "state": "ENABLED" }\n  }\n}\n');
  assert.deepEqual(JSON.parse(remove(text, 'b')), { flags: { a: { state: 'ENABLED' } } });
});

test('an unknown key or a broken file is an error, not a guess', () => {
  assert.deepEqual(removeFlagDefinition('flags:\n  a: {}\n', 'b'), { error: "flag 'b' is not defined in the state file" });
  assert.match((removeFlagDefinition('flags: [\n', 'a') as { error: string }).error, /does not parse/);
});
