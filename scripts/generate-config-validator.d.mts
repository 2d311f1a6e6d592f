// Types for scripts/generate-config-validator.mjs (the ahead-of-time flaglens.yaml validator), for TypeScript tests.
export declare const CONFIG_SCHEMA_PATH: string;
export declare const CONFIG_VALIDATOR_PATH: string;
export declare const CONFIG_VALIDATOR_OPTIONS: { allErrors: boolean; verbose: boolean; strict: boolean; allowUnionTypes: boolean };
export declare function configValidatorCode(schema?: unknown): string;
export declare function writeConfigValidator(): boolean;
