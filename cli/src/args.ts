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
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
  for (const [name, option] of Object.entries(spec)) {
    const value = parsed.values[name];
    if (option.choices && typeof value === 'string' && !option.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${option.choices.join(', ')}, got '${value}'`);
    }
  }
  if (parsed.positionals.length > positionals.max) {
    throw new UsageError(`too many arguments: expected ${positionals.names}, got '${parsed.positionals.join(' ')}'`);
  }
  return { positionals: parsed.positionals, options: parsed.values as ParsedArguments['options'] };
}
