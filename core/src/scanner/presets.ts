// The built-in SDK presets in one table: which packages belong to which SDK, which calls, hooks,
// decorators and JSX components are flag checks, and where their key and fallback are. The analyser
// matches a preset only when the callee traces to one of the SDK's packages (any subpath of it).
import { ts } from '../typescript.js';
import type { SdkId } from '../model.js';

/** What a key or default position may depend on: the call's arguments and the SDK package it came from. */
export interface CallShape {
  arguments: readonly ts.Expression[];
  packageName: string;
}

/**
 * Where a check's key and default are, as argument paths: `0` (argument 0), `0.flagKey` (a property
 * of an object-literal argument), `0[]` (each element of an array argument: one reference each),
 * `0.flags[].flagKey`. Undefined: the call has no such argument.
 */
export interface CheckSpec {
  key: (call: CallShape) => string | undefined;
  default?: (call: CallShape) => string | undefined;
}

export interface JsxSpec {
  /** The attribute that holds the flag key (an array of keys gives one reference per element). */
  attribute: string;
  /** The attribute that holds the fallback value, if any. */
  defaultAttribute?: string;
}

export interface SdkPreset {
  sdk: SdkId;
  /** Package names (matched with any subpath: `flagsmith/isomorphic`, `unleash-client/lib/client`). */
  packages: string[];
  /** Package-name prefixes: `@launchdarkly/`, `configcat-`. */
  packagePrefixes: string[];
  /** Method or imported-function names that are checks (callee traced to the SDK). */
  checks: Record<string, CheckSpec>;
  /** JSX components imported from the SDK that are checks. */
  jsx: Record<string, JsxSpec>;
  /** Hooks whose result is a flags object keyed by camelCased flag keys (LaunchDarkly `useFlags`). */
  flagObjectHooks: string[];
  /**
   * Functions that declare a flag (Vercel's `flag({ key, defaultValue, decide })`): the declaration is
   * not a check; each use of the declared flag is, with the declared key and default.
   */
  flagDeclarations: Record<string, { key: string; default?: string }>;
  /** Functions taking a list of declared flags (`evaluate([a, b])`): each element is a use. */
  flagListFunctions: Record<string, number>;
}

const at = (path: string) => () => path;
const keyFirst = (defaultPath?: string): CheckSpec => ({ key: at('0'), default: defaultPath === undefined ? undefined : at(defaultPath) });
const openFeatureValue = keyFirst('1');
/** LaunchDarkly: (key, context, default) on servers, (key, default) in browsers. */
const launchDarklyVariation: CheckSpec = { key: at('0'), default: ({ arguments: args }) => (args.length >= 3 ? '2' : '1') };
const statsigServerPackages = ['statsig-node', 'statsig-node-lite', '@statsig/statsig-node-core'];
const statsigCheck: CheckSpec = { key: ({ arguments: args, packageName }) => (statsigServerPackages.includes(packageNameOf(packageName)) && args.length >= 2 ? '1' : '0') };
/** DevCycle: (user, key, default) on servers, (key, default) in browsers and hooks. */
const devCycleVariable: CheckSpec = {
  key: ({ arguments: args }) => (args.length >= 3 ? '1' : '0'),
  default: ({ arguments: args }) => (args.length >= 3 ? '2' : '1'),
};
/**
 * Split: (key, name, attributes?) on servers, (name, attributes?) in browsers. With two arguments an
 * object literal second argument is the attributes (browser), anything else the name (server).
 */
const splitNamePosition = (args: readonly ts.Expression[]): string =>
  args.length >= 3 || (args.length === 2 && !isObjectLiteral(args[1])) ? '1' : '0';
const splitTreatment: CheckSpec = { key: ({ arguments: args }) => splitNamePosition(args) };
const splitTreatments: CheckSpec = { key: ({ arguments: args }) => `${args.length >= 2 && isArrayLiteral(args[1]) ? '1' : args.length >= 3 ? '1' : '0'}[]` };
const eppoAssignment = keyFirst('3');

function isObjectLiteral(node: ts.Expression | undefined): boolean {
  return node !== undefined && ts.isObjectLiteralExpression(node);
}

function isArrayLiteral(node: ts.Expression | undefined): boolean {
  return node !== undefined && ts.isArrayLiteralExpression(node);
}

const none = { jsx: {}, flagObjectHooks: [], flagDeclarations: {}, flagListFunctions: {} };

export const SDK_PRESETS: SdkPreset[] = [
  {
    ...none,
    sdk: 'openfeature',
    packages: [],
    packagePrefixes: ['@openfeature/'],
    checks: Object.fromEntries([
      ...['Boolean', 'String', 'Number', 'Object'].flatMap((type) => [
        [`get${type}Value`, openFeatureValue],
        [`get${type}Details`, openFeatureValue],
        [`use${type}FlagValue`, openFeatureValue],
        [`use${type}FlagDetails`, openFeatureValue],
        // NestJS: @BooleanFeatureFlag({ flagKey, defaultValue }) on a handler parameter.
        [`${type}FeatureFlag`, { key: at('0.flagKey'), default: at('0.defaultValue') }],
      ]),
      ['useFlag', openFeatureValue],
      ['useSuspenseFlag', openFeatureValue],
      // NestJS: @RequireFlagsEnabled({ flags: [{ flagKey: 'a' }, …] }) on a controller or handler.
      ['RequireFlagsEnabled', { key: at('0.flags[].flagKey') }],
    ]),
  },
  {
    ...none,
    sdk: 'launchdarkly',
    packages: ['launchdarkly-node-server-sdk', 'launchdarkly-js-client-sdk', 'launchdarkly-react-client-sdk', 'launchdarkly-node-client-sdk', 'launchdarkly-react-native-client-sdk'],
    packagePrefixes: ['@launchdarkly/'],
    checks: Object.fromEntries(
      ['variation', 'boolVariation', 'stringVariation', 'numberVariation', 'jsonVariation'].flatMap((name) => [
        [name, launchDarklyVariation],
        [`${name}Detail`, launchDarklyVariation],
      ]),
    ),
    flagObjectHooks: ['useFlags'],
  },
  {
    ...none,
    sdk: 'unleash',
    packages: ['unleash-client', 'unleash-proxy-client'],
    packagePrefixes: ['@unleash/'],
    checks: {
      isEnabled: { key: at('0'), default: ({ arguments: args }) => (args.length >= 3 ? '2' : undefined) },
      getVariant: { key: at('0'), default: ({ arguments: args }) => (args.length >= 3 ? '2' : undefined) },
      useFlag: keyFirst(),
      useVariant: keyFirst(),
      // @unleash/nextjs: flags.isEnabled / getVariant on the result of flagsClient(...), plus these hooks.
      useFlagStatus: keyFirst(),
    },
  },
  {
    ...none,
    sdk: 'growthbook',
    packages: [],
    packagePrefixes: ['@growthbook/'],
    checks: {
      isOn: keyFirst(),
      isOff: keyFirst(),
      getFeatureValue: keyFirst('1'),
      evalFeature: keyFirst(),
      feature: keyFirst(),
      useFeatureIsOn: keyFirst(),
      useFeatureValue: keyFirst('1'),
      useFeature: keyFirst(),
    },
    jsx: { IfFeatureEnabled: { attribute: 'feature' }, FeatureString: { attribute: 'feature', defaultAttribute: 'default' } },
  },
  {
    ...none,
    sdk: 'flagsmith',
    packages: ['flagsmith', 'flagsmith-nodejs', 'flagsmith-es', 'react-native-flagsmith'],
    packagePrefixes: ['@flagsmith/'],
    checks: {
      hasFeature: keyFirst(),
      getValue: keyFirst(),
      // flagsmith-nodejs: (await flagsmith.getEnvironmentFlags()).isFeatureEnabled(key)
      isFeatureEnabled: keyFirst(),
      getFeatureValue: keyFirst(),
      // flagsmith/react: useFlags(['a', 'b'], ['trait']) — each listed flag is a check.
      useFlags: { key: at('0[]') },
    },
  },
  {
    ...none,
    sdk: 'configcat',
    packages: [],
    packagePrefixes: ['configcat-', '@configcat/'],
    checks: {
      getValueAsync: keyFirst('1'),
      getValue: keyFirst('1'),
      getValueDetailsAsync: keyFirst('1'),
      getValueDetails: keyFirst('1'),
      useFeatureFlag: keyFirst('1'),
    },
  },
  {
    ...none,
    sdk: 'statsig',
    packages: ['statsig-js', 'statsig-react', 'statsig-node', 'statsig-node-lite', 'statsig-react-native'],
    packagePrefixes: ['@statsig/'],
    checks: {
      checkGate: statsigCheck,
      getExperiment: statsigCheck,
      getDynamicConfig: statsigCheck,
      getFeatureGate: statsigCheck,
      getLayer: statsigCheck,
      useGate: keyFirst(),
      useFeatureGate: keyFirst(),
      useExperiment: keyFirst(),
      useDynamicConfig: keyFirst(),
      useGateValue: keyFirst(),
    },
  },
  {
    ...none,
    sdk: 'posthog',
    packages: ['posthog-js', 'posthog-node', 'posthog-react-native'],
    packagePrefixes: [],
    checks: {
      isFeatureEnabled: keyFirst(),
      getFeatureFlag: keyFirst(),
      getFeatureFlagPayload: keyFirst(),
      useFeatureFlagEnabled: keyFirst(),
      useFeatureFlagVariantKey: keyFirst(),
      useFeatureFlagPayload: keyFirst(),
    },
    jsx: { PostHogFeature: { attribute: 'flag' } },
  },
  {
    ...none,
    sdk: 'devcycle',
    packages: [],
    packagePrefixes: ['@devcycle/'],
    checks: {
      variableValue: devCycleVariable,
      variable: devCycleVariable,
      useVariableValue: keyFirst('1'),
      useVariable: keyFirst('1'),
      // @devcycle/nextjs-sdk/server
      getVariableValue: keyFirst('1'),
    },
  },
  {
    ...none,
    sdk: 'vercel',
    packages: ['flags', '@vercel/flags'],
    packagePrefixes: [],
    checks: {},
    flagDeclarations: { flag: { key: '0.key', default: '0.defaultValue' } },
    flagListFunctions: { evaluate: 0, precompute: 0 },
  },
  {
    ...none,
    sdk: 'split',
    packages: [],
    packagePrefixes: ['@splitsoftware/'],
    checks: {
      getTreatment: splitTreatment,
      getTreatmentWithConfig: splitTreatment,
      getTreatments: splitTreatments,
      getTreatmentsWithConfig: splitTreatments,
      useSplitTreatments: { key: at('0.names[]') },
      useTreatments: { key: at('0[]') },
    },
    jsx: { SplitTreatments: { attribute: 'names' } },
  },
  {
    ...none,
    sdk: 'optimizely',
    packages: [],
    packagePrefixes: ['@optimizely/'],
    checks: {
      // On a user context: optimizely.createUserContext(id).decide('flag').
      decide: keyFirst(),
      decideForKeys: { key: at('0[]') },
      useDecision: keyFirst(),
      // The older feature API on the client: isFeatureEnabled(featureKey, userId).
      isFeatureEnabled: keyFirst(),
    },
    jsx: { OptimizelyFeature: { attribute: 'feature' } },
  },
  {
    ...none,
    sdk: 'eppo',
    packages: [],
    packagePrefixes: ['@eppo/'],
    checks: Object.fromEntries(
      ['Boolean', 'String', 'Numeric', 'Integer', 'JSON'].flatMap((type) => [
        [`get${type}Assignment`, eppoAssignment],
        [`get${type}AssignmentDetails`, eppoAssignment],
      ]),
    ),
  },
];

/** The package a specifier names: `@scope/name` or `name`, without the subpath (`flagsmith/react` → `flagsmith`). */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The preset a module specifier belongs to, if any (relative and absolute specifiers never do). */
export function presetForPackage(specifier: string): SdkPreset | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#')) return undefined;
  const name = packageNameOf(specifier);
  return SDK_PRESETS.find((preset) => preset.packages.includes(name) || preset.packagePrefixes.some((prefix) => name.startsWith(prefix)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Matches an import of an SDK package: the package inside the quoted module specifier of an `import … from`,
 * `export … from`, `import('…')` or `require('…')` (`from 'flags/next'`, `require("@launchdarkly/node-server-sdk")`),
 * not anywhere in the text: a file that only names an SDK in a string, a comment or an identifier imports none.
 */
export const SDK_IMPORT_PATTERN = new RegExp(
  `(?:\\bfrom|\\bimport|\\brequire)\\s*\\(?\\s*['"\`](?:${[
    ...SDK_PRESETS.flatMap((preset) => preset.packages.map((name) => `${escapeRegExp(name)}(?=['"\`/])`)),
    ...SDK_PRESETS.flatMap((preset) => preset.packagePrefixes.map(escapeRegExp)),
  ].join('|')})`,
);
