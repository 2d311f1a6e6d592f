// flaglens.yaml's one definition is its JSON schema (syntaxes/flaglens.schema.json, also what VS Code validates the
// file with). This module validates a parsed config against it (with ajv's validator for it, generated ahead of time)
// and turns each violation into a message for people: the setting's path (`checks[].key`), what it must be (the
// schema's `errorMessage` / `patternErrorMessage`, or words derived from its type and bounds), the value found, the
// alternatives of an unknown setting ("expected one of"), and where to point (the value, or the key of an unknown or
// misplaced setting). Positions are the caller's business (config.ts maps each path to its YAML node).
import type { ErrorObject } from 'ajv';
import schema from '../../syntaxes/flaglens.schema.json';
// Compiled from the schema by scripts/generate-config-validator.mjs (run by `npm run build`): compiling it here, on
// the first config parse, cost every CLI command and the language server's `initialize` 100-150 ms of CPU.
import validateConfigSchema from './configValidator.generated.js';

export type ConfigPath = ReadonlyArray<string | number>;

/** One problem of a config, by the path of the node it is about. */
export interface SchemaViolation {
  path: ConfigPath;
  /** Point at the node's value, or at its key (an unknown setting, a setting that does not belong). */
  at: 'value' | 'key';
  message: string;
}

/** The schema as an object (for tests and tools that read its settings). */
export const CONFIG_SCHEMA: Readonly<Record<string, unknown>> = schema;

/** Every way `value` (flaglens.yaml as plain data) breaks the schema; empty when it is valid. */
export function configSchemaViolations(value: unknown): SchemaViolation[] {
  // The validator is generated with `verbose` (each error carries its schema, parent schema and data: the messages
  // are built from them); see scripts/generate-config-validator.mjs for its options.
  if (validateConfigSchema(value)) return [];
  const violations = explain((validateConfigSchema.errors ?? []).filter((error) => error.keyword !== 'if'));
  // The same problem reached through two schema paths is said once.
  const seen = new Set<string>();
  return violations.filter((violation) => {
    const id = `${violation.path.join('\0')}\0${violation.at}\0${violation.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

type SchemaObject = Record<string, unknown>;

/** Keywords whose message a schema object's `errorMessage` replaces (VS Code's rule); the others keep their own words. */
const MESSAGE_KEYWORDS = new Set(['type', 'const', 'enum', 'required', 'not', 'contains', 'oneOf', 'anyOf']);

/**
 * Explains a list of errors: those not inside a failing `oneOf`/`anyOf` are described; a failing combinator is
 * explained through the branch the data was meant for, or with its own message when no branch stands out.
 */
function explain(errors: ErrorObject[], discriminator?: { name: string; value: unknown }): SchemaViolation[] {
  // A failing `contains` is said by itself: the entries that are not what it looks for are no errors.
  const combinators = errors.filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf' || error.keyword === 'contains');
  const inside = (error: ErrorObject, combinator: ErrorObject) => error !== combinator && error.schemaPath.startsWith(`${combinator.schemaPath}/`);
  const out: SchemaViolation[] = [];
  for (const error of errors) {
    if (combinators.some((combinator) => inside(error, combinator))) continue;
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') out.push(...explainCombinator(error, errors.filter((other) => inside(other, error))));
    else out.push(describe(error, discriminator));
  }
  return out;
}

function explainCombinator(combinator: ErrorObject, innerErrors: ErrorObject[]): SchemaViolation[] {
  const branches = (combinator.schema as SchemaObject[]) ?? [];
  const data = combinator.data;
  const ambiguous = combinator.keyword === 'oneOf' && Array.isArray((combinator.params as { passingSchemas?: unknown }).passingSchemas);
  if (!ambiguous) {
    const perBranch = branches.map((branch, index) => {
      const errors = innerErrors.filter((error) => error.schemaPath.startsWith(`${combinator.schemaPath}/${index}/`));
      // A branch for another kind of value (a number where a mapping is given) is not what was meant.
      const sameKind = !errors.some((error) => error.instancePath === combinator.instancePath && (error.keyword === 'type' || error.keyword === 'const' || error.keyword === 'enum'));
      const present = requiredNames(branch).filter((name) => isObject(data) && name in data);
      return { index, errors, sameKind, present };
    });
    const sameKind = perBranch.filter((branch) => branch.sameKind);
    let picked = sameKind.length === 1 ? sameKind[0] : undefined;
    let discriminator: { name: string; value: unknown } | undefined;
    if (!picked && sameKind.length > 1) {
      // Objects: the branch whose required settings the object has (`jsx:` means the JSX form).
      const most = Math.max(...sameKind.map((branch) => branch.present.length));
      const best = sameKind.filter((branch) => branch.present.length === most);
      if (most > 0 && best.length === 1) {
        picked = best[0];
        discriminator = { name: picked.present[0], value: (data as SchemaObject)[picked.present[0]] };
      }
    }
    const own = ownMessage(combinator);
    // A branch that only misses generic required settings says less than the combinator's own message.
    const onlyPlainRequired = picked?.errors.every((error) => error.keyword === 'required' && !ownMessage(error));
    if (picked && !(own && onlyPlainRequired)) return explain(picked.errors, discriminator);
  }
  const subject = displayPath(pathOf(combinator));
  const message = ownMessage(combinator) ?? `must be ${branches.map(describeKind).filter(Boolean).join(' or ') || 'one of the allowed forms'}`;
  return [{ path: pathOf(combinator), at: 'value', message: `${subject} ${message}${got(data)}` }];
}

function describe(error: ErrorObject, discriminator?: { name: string; value: unknown }): SchemaViolation {
  const path = pathOf(error);
  const subject = displayPath(path);
  const parent = (error.parentSchema ?? {}) as SchemaObject;
  const own = ownMessage(error);
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = (error.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((parent.properties as SchemaObject | undefined) ?? {});
      return { path: [...path, name], at: 'key', message: `unknown setting '${displayPath([...path, name], '')}' (expected one of: ${allowed.join(', ')})` };
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      // In the form a discriminating setting chose (`jsx: Beta`), say which one: "checks[].jsx 'Beta' needs …".
      const who = discriminator ? `${displayPath([...path, discriminator.name])}${typeof discriminator.value === 'string' ? ` '${discriminator.value}'` : ''}` : subject;
      return { path, at: 'value', message: `${who} ${own ?? `needs ${missing}`}` };
    }
    case 'not': {
      // `not: { required: [x] }`: the setting that should not be there is the one to point at.
      const offending = requiredNames(error.schema as SchemaObject).find((name) => isObject(error.data) && name in error.data);
      if (offending) return { path: [...path, offending], at: 'key', message: `${displayPath([...path, offending])} ${own ?? 'does not belong here'}` };
      return { path, at: 'value', message: `${subject} ${own ?? 'is not allowed here'}` };
    }
    case 'pattern':
      return { path, at: 'value', message: `${subject} ${(parent.patternErrorMessage as string | undefined) ?? (parent.errorMessage as string | undefined) ?? `must match ${String(parent.pattern)}`}${got(error.data)}` };
    case 'const':
      return { path, at: 'value', message: `${subject} ${own ?? `must be ${String((error.params as { allowedValue: unknown }).allowedValue)}`}${got(error.data)}` };
    case 'enum':
      return { path, at: 'value', message: `${subject} ${own ?? `must be one of: ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String).join(', ')}`}${got(error.data)}` };
    case 'contains':
      return { path, at: 'value', message: `${subject} ${own ?? 'lacks an entry it needs'}` };
    case 'minItems': {
      const limit = (error.params as { limit: number }).limit;
      return { path, at: 'value', message: `${subject} must have at least ${limit} ${limit === 1 ? 'entry' : 'entries'}` };
    }
    case 'type':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'multipleOf':
      return { path, at: 'value', message: `${subject} ${(error.keyword === 'type' ? own : undefined) ?? `must be ${describeKind(parent)}`}${error.keyword === 'type' ? got(error.data) : ''}` };
    default:
      return { path, at: 'value', message: `${subject} ${error.message ?? 'is not valid'}` };
  }
}

/** The schema object's `errorMessage`, when it applies to this error's keyword. */
function ownMessage(error: ErrorObject): string | undefined {
  const message = (error.parentSchema as SchemaObject | undefined)?.errorMessage;
  return typeof message === 'string' && MESSAGE_KEYWORDS.has(error.keyword) ? message : undefined;
}

/** What a schema accepts, in words: "a number from 0 to 100", "a non-empty string", "a list", "a mapping". */
function describeKind(schemaObject: SchemaObject): string {
  const types = ([] as unknown[]).concat(schemaObject.type ?? []).map(String);
  if (types.length === 0 && 'const' in schemaObject) return String(schemaObject.const);
  const range = (unit: string) => {
    const min = schemaObject.minimum as number | undefined;
    const max = schemaObject.maximum as number | undefined;
    if (min !== undefined && max !== undefined) return `${unit} from ${min} to ${max}`;
    if (min !== undefined) return `${unit} of at least ${min}`;
    if (max !== undefined) return `${unit} of at most ${max}`;
    return unit;
  };
  if (types.includes('string') && types.includes('number')) return 'a non-empty string';
  const words = types.map((type) => {
    if (type === 'integer') return range('a whole number');
    if (type === 'number') return range('a number');
    if (type === 'string') return (schemaObject.minLength as number | undefined) ? 'a non-empty string' : 'a string';
    if (type === 'boolean') return 'true or false';
    if (type === 'array') return 'a list';
    if (type === 'object') return 'a mapping';
    return '';
  }).filter(Boolean);
  return words.join(' or ');
}

/** The settings a schema requires, directly or through its `anyOf`/`oneOf`/`allOf` branches, in order. */
function requiredNames(schemaObject: SchemaObject | undefined): string[] {
  if (!schemaObject || typeof schemaObject !== 'object') return [];
  const names = [...(((schemaObject.required as string[] | undefined) ?? []))];
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) for (const branch of (schemaObject[keyword] as SchemaObject[] | undefined) ?? []) names.push(...requiredNames(branch));
  return [...new Set(names)];
}

/** The error's place as path segments (numbers for list entries). */
function pathOf(error: ErrorObject): Array<string | number> {
  if (!error.instancePath) return [];
  return error.instancePath.slice(1).split('/').map((segment) => {
    const text = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(text) ? Number(text) : text;
  });
}

/** `checks[].key`, `rollout.steps[]`, `state.unleash.url`; the whole file is `flaglens.yaml`. */
export function displayPath(path: ConfigPath, whole = 'flaglens.yaml'): string {
  if (path.length === 0) return whole;
  let text = '';
  for (const segment of path) text += typeof segment === 'number' ? '[]' : text ? `.${segment}` : segment;
  return text;
}

/** `, got 'x'` for a scalar value (what the file says), nothing for mappings and lists. */
function got(value: unknown): string {
  if (typeof value === 'string') return `, got '${value.length > 80 ? `${value.slice(0, 77)}…` : value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `, got ${value}`;
  return '';
}

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
