// Writes core/src/configValidator.generated.js: flaglens.yaml's validator, compiled ahead of time from its schema
// (syntaxes/flaglens.schema.json) by ajv's standalone code generation. Compiling the schema at run time cost the CLI
// and the language server's `initialize` 100-150 ms of CPU on every start; the generated module costs a require.
// `npm run build` runs this first; `npm run generate` runs it alone. A unit test fails when the committed file is not
// what this script writes from the current schema.
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export const CONFIG_SCHEMA_PATH = 'syntaxes/flaglens.schema.json';
export const CONFIG_VALIDATOR_PATH = 'core/src/configValidator.generated.js';

/**
 * The options the config is validated with (the ones core/src/configSchema.ts once compiled with at run time).
 * `verbose` gives each error its schema, parent schema and data: configSchema.ts builds its messages from them.
 * `strict: false` lets the schema carry VS Code's annotations (errorMessage, patternErrorMessage, markdownDescription).
 */
export const CONFIG_VALIDATOR_OPTIONS = { allErrors: true, verbose: true, strict: false, allowUnionTypes: true };

/** The generated module's text for `schema` (the parsed flaglens.schema.json unless given): CommonJS, one line of code. */
export function configValidatorCode(schema = JSON.parse(readFileSync(join(repositoryRoot, CONFIG_SCHEMA_PATH), 'utf8'))) {
  // The module is read by machines only: no line breaks (`lines: false`).
  const ajv = new Ajv({ ...CONFIG_VALIDATOR_OPTIONS, code: { source: true, lines: false } });
  const code = standaloneCode(ajv, ajv.compile(schema));
  const header = [
    `// Generated from ${CONFIG_SCHEMA_PATH} by scripts/generate-config-validator.mjs (\`npm run generate\`, also run by`,
    '// `npm run build`): ajv\'s standalone validator for flaglens.yaml. Do not edit; edit the schema and run `npm run generate`.',
  ].join('\n');
  return `${header}\n${code}\n`;
}

/** Writes the generated module when its text changed (an unchanged file keeps its time, so nothing downstream rebuilds). */
export function writeConfigValidator() {
  const path = join(repositoryRoot, CONFIG_VALIDATOR_PATH);
  const code = configValidatorCode();
  let current;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === code) return false;
  writeFileSync(path, code);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const written = writeConfigValidator();
  console.log(`${CONFIG_VALIDATOR_PATH} ${written ? 'written' : 'unchanged'}`);
}
