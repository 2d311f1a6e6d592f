// Key resolution: constants, `as const` objects, enums, templates, imports, re-exports, barrels, path
// aliases; and keys that cannot be resolved are reported with a reason, never dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from './fixture.js';

const client = `import { OpenFeature } from '@openfeature/server-sdk';\nconst client = OpenFeature.getClient();\n`;

test('same-file constants, as-const objects (nested), enums, templates and concatenation', async () => {
  const refs = await check(`${client}
const NEW = 'new-checkout';
const FLAGS = { checkout: { NEW: 'checkout-v2', OLD: NEW }, 'dark-mode': 'dark' } as const;
enum Keys { Search = 'fast-search', Other = \`other\` }
const PREFIX = 'exp';
client.getBooleanValue(/*<new-checkout>*/NEW, false);
client.getBooleanValue(/*<checkout-v2>*/FLAGS.checkout.NEW, false);
client.getBooleanValue(/*<new-checkout>*/FLAGS.checkout.OLD, false);
client.getBooleanValue(/*<dark>*/FLAGS['dark-mode'], false);
client.getBooleanValue(/*<fast-search>*/Keys.Search, false);
client.getBooleanValue(/*<other>*/Keys.Other, false);
client.getBooleanValue(/*<exp-1>*/\`\${PREFIX}-1\`, false);
client.getBooleanValue(/*<exp-2>*/PREFIX + '-2', false);
`);
  assert.equal(refs.find((r) => r.key === 'checkout-v2')?.keyExpression, 'FLAGS.checkout.NEW');
});

test('unresolvable keys are reported with a reason', async () => {
  await check(`${client}
import { MISSING } from './does-not-exist';
let mutable = 'x';
export function f(name: string, o: { k: string }) {
  client.getBooleanValue(/*<!dynamic expression>*/\`exp-\${name.trim()}\`, false);
  client.getBooleanValue(/*<!import of './does-not-exist' not found: no file src/does-not-exist(.ts, .tsx, …, /index.*) for src/main.ts>*/MISSING, false);
  client.getBooleanValue(/*<!not a constant>*/mutable, false);
  client.getBooleanValue(/*<!dynamic expression>*/o.k.toLowerCase(), false);
  client.getBooleanValue(/*<!unknown name>*/GLOBAL_FLAG, false);
  [1].forEach((k) => client.getBooleanValue(/*<!dynamic expression>*/String(k), false));
}
`);
});

test('a parameter key in an anonymous callback is unresolved, not swallowed as a wrapper', async () => {
  await check(`${client}
export const all = ['a', 'b'].map((k) => client.getBooleanValue(/*<!parameter>*/k, false));
`);
});

test('constants and enums imported across files, re-exports, barrels and export * chains', async () => {
  const refs = await check(`
//- /src/flags/keys.ts
export const NEW_CHECKOUT = 'new-checkout';
export enum FeatureFlagsKeysEnum { IS_V2_ENABLED = 'is-v2-enabled' }
export const FEATURE_FLAGS = { SEARCH: 'fast-search' } as const;
const local = 'renamed-flag';
export { local as RENAMED };
export default 'default-flag';
//- /src/flags/index.ts
export * from './keys';
export { FEATURE_FLAGS as ALL_FLAGS } from './keys';
export * as keysNamespace from './keys';
//- /src/app.ts
import { OpenFeature } from '@openfeature/server-sdk';
import { NEW_CHECKOUT, FeatureFlagsKeysEnum, ALL_FLAGS, RENAMED, keysNamespace } from './flags';
import * as keys from './flags/keys.js';
import DEFAULT_FLAG from './flags/keys';
const client = OpenFeature.getClient();
client.getBooleanValue(/*<new-checkout>*/NEW_CHECKOUT, false);
client.getBooleanValue(/*<is-v2-enabled>*/FeatureFlagsKeysEnum.IS_V2_ENABLED, false);
client.getBooleanValue(/*<fast-search>*/ALL_FLAGS.SEARCH, false);
client.getBooleanValue(/*<renamed-flag>*/RENAMED, false);
client.getBooleanValue(/*<new-checkout>*/keys.NEW_CHECKOUT, false);
client.getBooleanValue(/*<fast-search>*/keysNamespace.FEATURE_FLAGS.SEARCH, false);
client.getBooleanValue(/*<default-flag>*/DEFAULT_FLAG, false);
`);
  assert.equal(refs.length, 7);
  assert.ok(refs.every((r) => r.file === 'src/app.ts'));
});

test('tsconfig paths aliases (with extends) and baseUrl', async () => {
  await check(`
//- /tsconfig.base.json
{ "compilerOptions": { "baseUrl": ".", "paths": { "@flags/*": ["src/shared/flags/*"], "@root": ["src/root.ts"] } } }
//- /tsconfig.json
{
  // comments are allowed in tsconfig
  "extends": "./tsconfig.base.json",
  "compilerOptions": { "strict": true }
}
//- /src/shared/flags/keys.ts
export const KEY = 'aliased-flag';
//- /src/root.ts
export const ROOT_KEY = 'root-flag';
//- /src/lib/base.ts
export const BASE_KEY = 'base-url-flag';
//- /src/app.ts
import { OpenFeature } from '@openfeature/server-sdk';
import { KEY } from '@flags/keys';
import { ROOT_KEY } from '@root';
import { BASE_KEY } from 'src/lib/base';
const client = OpenFeature.getClient();
client.getBooleanValue(/*<aliased-flag>*/KEY, false);
client.getBooleanValue(/*<root-flag>*/ROOT_KEY, false);
client.getBooleanValue(/*<base-url-flag>*/BASE_KEY, false);
`);
});

test('an SDK client created in one module and imported elsewhere (through a barrel)', async () => {
  await check(`
//- /src/ld.ts
import { init } from '@launchdarkly/node-server-sdk';
export const ld = init('key');
//- /src/clients/index.ts
export { ld as flagsClient } from '../ld';
//- /src/handler.ts
import { flagsClient } from './clients';
import { ld } from './ld';
export async function handle(ctx: object) {
  await flagsClient.variation(/*<through-barrel>*/'through-barrel', ctx, false);
  await ld.boolVariation(/*<direct>*/'direct', ctx, false);
}
`);
});

test('keys in comments and in code inside strings are not references', async () => {
  await check(`${client}
// client.getBooleanValue('commented-out', false)
/* client.getBooleanValue('block-comment', false) */
const snippet = "client.getBooleanValue('in-a-string', false)";
const template = \`client.getBooleanValue('in-a-template', false)\`;
export { snippet, template };
`);
});

test('a client returned by a factory function of the codebase', async () => {
  await check(`
//- /src/flags.ts
import { OpenFeature } from '@openfeature/server-sdk';
export function getFlags() { return OpenFeature.getClient('app'); }
export const lazyClient = () => OpenFeature.getClient();
//- /src/use.ts
import { getFlags, lazyClient } from './flags';
export const a = getFlags().getBooleanValue(/*<from-factory>*/'from-factory', false);
const client = lazyClient();
export const b = client.getStringValue(/*<from-arrow-factory>*/'from-arrow-factory', '');
`);
});

test('CommonJS: keys required from another module (whole module and destructured)', async () => {
  await check(`
//- /src/keys2.ts
export const DARK = 'cjs-dark';
//- /src/app.js
const { isEnabled } = require('unleash-client');
const keys = require('./keys2');
const { DARK } = require('./keys2');
isEnabled(/*<cjs-dark>*/keys.DARK);
isEnabled(/*<cjs-dark>*/DARK);
`);
});
