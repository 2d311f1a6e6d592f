// Types of configValidator.generated.js, flaglens.yaml's validator that scripts/generate-config-validator.mjs compiles
// from syntaxes/flaglens.schema.json ahead of time: an ajv validate function (its `errors` are verbose ones).
import type { ValidateFunction } from 'ajv';

declare const validateConfigSchema: ValidateFunction;
export default validateConfigSchema;
