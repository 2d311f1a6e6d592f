// The shapes of SDK results that are not the flag's value itself but an object holding it — OpenFeature's
// details and React query objects, ConfigCat's `{ value, loading }`, GrowthBook's feature results, Flagsmith's
// flag objects, LaunchDarkly's evaluation details, Statsig's gates, Unleash's variants — and what each of
// their properties is once the flag is removed. The planner uses this to rewrite `useFlag(k, d).value`,
// `const { value: on } = useFlag(k, d)` and `const details = …; details.value` instead of the call.
import { ts } from '../typescript.js';
import type { FlagReference } from '../model.js';
import type { LiteralValue } from './simplify.js';

/** The flag's final value, as the planner takes it. */
type FinalValue = boolean | string | number;

/** A property's value after removal, or why it has none (`reason`, `variationIndex`: only the SDK knew). */
export type PropertyValue = { value: LiteralValue } | { unknown: string };

export interface ResultShape {
  /** What the result is, for reasons: `OpenFeature evaluation details`. */
  name: string;
  property(name: string, flagValue: FinalValue): PropertyValue;
  /**
   * Set when the result is an object keyed by flag key (flagsmith/react's `useFlags(['a', 'b'])`): the
   * flag's own entry (`flags.a`) has this shape; the other keys' entries belong to other flags.
   */
  entry?: ResultShape;
}

/** The result shape of a check, or undefined when the check's own value is the flag's value. */
export function resultShapeOf(reference: Pick<FlagReference, 'sdk'>, check: ts.Node): ResultShape | undefined {
  const callee = calleeName(check);
  switch (reference.sdk) {
    case 'openfeature':
      if (callee && (/^get(Boolean|String|Number|Object)Details$/.test(callee) || /^use(Boolean|String|Number|Object)FlagDetails$/.test(callee))) return OPENFEATURE_DETAILS;
      if (callee === 'useFlag' || callee === 'useSuspenseFlag') return OPENFEATURE_QUERY;
      return undefined;
    case 'launchdarkly':
      return callee && /Detail$/.test(callee) ? LAUNCHDARKLY_DETAIL : undefined;
    case 'configcat':
      if (callee === 'useFeatureFlag') return CONFIGCAT_HOOK;
      return callee === 'getValueDetails' || callee === 'getValueDetailsAsync' ? CONFIGCAT_DETAILS : undefined;
    case 'growthbook':
      return callee === 'useFeature' || callee === 'evalFeature' || callee === 'feature' ? GROWTHBOOK_RESULT : undefined;
    case 'statsig':
      return callee === 'useFeatureGate' || callee === 'getFeatureGate' ? STATSIG_GATE : undefined;
    case 'unleash':
      return callee === 'getVariant' || callee === 'useVariant' ? UNLEASH_VARIANT : undefined;
    case 'flagsmith':
      // `useFlags(['new_checkout'])`: an object keyed by the listed flags; `flags.new_checkout` (a check of
      // its own where the scanner reports the entry) or `flagsmith.getAllFlags()[k]`: one flag object.
      if (callee === 'useFlags') return FLAGSMITH_FLAGS;
      return ts.isPropertyAccessExpression(check) || ts.isElementAccessExpression(check) ? FLAGSMITH_FLAG : undefined;
    default:
      return undefined;
  }
}

function calleeName(check: ts.Node): string | undefined {
  if (!ts.isCallExpression(check)) return undefined;
  const callee = check.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

const truthy = (value: FinalValue) => Boolean(value);

function table(name: string, properties: Record<string, (value: FinalValue) => PropertyValue>): ResultShape {
  return {
    name,
    property: (property, value) => properties[property]?.(value) ?? { unknown: `\`.${property}\` of the ${name} has no value once the flag is removed` },
  };
}

const known = (value: LiteralValue): PropertyValue => ({ value });

const OPENFEATURE_DETAILS = table('OpenFeature evaluation details', { value: known });
/** `useFlag`/`useSuspenseFlag`'s FlagQuery: once removed the value is known, never loading nor in error. */
const OPENFEATURE_QUERY = table('OpenFeature flag query', { value: known, isLoading: () => known(false), isError: () => known(false) });
const LAUNCHDARKLY_DETAIL = table('LaunchDarkly evaluation detail', { value: known });
/** configcat-react's `{ value, loading }`: a constant needs no loading. */
const CONFIGCAT_HOOK = table('ConfigCat hook result', { value: known, loading: () => known(false) });
const CONFIGCAT_DETAILS = table('ConfigCat evaluation details', { value: known });
const GROWTHBOOK_RESULT = table('GrowthBook feature result', { value: known, on: (value) => known(truthy(value)), off: (value) => known(!truthy(value)) });
const STATSIG_GATE = table('Statsig gate', { value: (value) => known(truthy(value)) });
/**
 * An Unleash variant: a boolean flag that is off gets Unleash's disabled variant (`name: 'disabled'`); a
 * string value is the variant's name; which variant an enabled boolean flag serves only Unleash knew.
 */
const UNLEASH_VARIANT = table('Unleash variant', {
  enabled: (value) => known(truthy(value)),
  feature_enabled: (value) => known(truthy(value)),
  featureEnabled: (value) => known(truthy(value)),
  name: (value) => (typeof value === 'string' ? known(value) : value === false ? known('disabled') : { unknown: '`.name` of the Unleash variant of an enabled flag is not known: give the variant name with --value' }),
});
/** A Flagsmith flag: `enabled` is the on/off state, `value` its remote-config value (known only when given). */
const FLAGSMITH_FLAG = table('Flagsmith flag', {
  enabled: (value) => known(typeof value === 'boolean' ? value : true),
  value: (value) => (typeof value === 'boolean' ? { unknown: '`.value` of the Flagsmith flag is its remote-config value: give it with --value' } : known(value)),
});
const FLAGSMITH_FLAGS: ResultShape = { name: 'Flagsmith flags object', property: (property) => ({ unknown: `\`.${property}\` of the Flagsmith flags object is another flag` }), entry: FLAGSMITH_FLAG };
