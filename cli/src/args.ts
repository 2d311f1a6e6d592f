// Argument parsing for the commands (node:util parseArgs), turning its errors into UsageError (exit 2).
import { parseArgs } from 'node:util';
import { UsageError } from './command.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Allowed values of a string option. */
  choices?: readonly string[];
}

export interface ParsedArguments {
  positionals: string[];
  options: Record<string, string | boolean | undefined>;
}

/** Parses argv strictly: unknown options, missing values, wrong choices and too many positionals are usage errors. */
export function parseCommandArguments(argv: string[], spec: Record<string, OptionSpec>, positionals: { max: number; names: string }): ParsedArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(spec).map(([name, option]) => [name, { type: option.type }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(describeArgumentError(error));
  }
  for (const [name, option] of Object.entries(spec)) {
    const value = parsed.values[name];
    if (option.choices && typeof value === 'string' && !option.choices.includes(value)) {
      throw new UsageError(`--${name} must be ${alternatives(option.choices)}, got '${value}'`);
    }
  }
  if (parsed.positionals.length > positionals.max) {
    throw new UsageError(`too many arguments: expected ${positionals.names}, got '${parsed.positionals.join(' ')}'`);
  }
  return { positionals: parsed.positionals, options: parsed.values as ParsedArguments['options'] };
}

/**
 * node:util parseArgs' errors in the words every command uses (its own messages are long and, for unknown
 * options, end in an unbalanced quote).
 */
export function describeArgumentError(error: unknown): string {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const code = (error as { code?: string }).code;
  const option = /'(--?[^' <]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option '${option}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) return /does not take an argument/.test(message) ? `option '${option}' takes no value` : `option '${option}' needs a value`;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument: ${message.replace(/^Unexpected argument '([^']*)'.*$/, "'$1'")}`;
  return message;
}

/** `a`, `a or b`, `a, b or c`. */
export function alternatives(values: readonly string[]): string {
  return values.length <= 1 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}
