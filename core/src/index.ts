// The protocol-free core of Flaglens, used by the CLI and the language server alike.
export * from './model.js';
export * from './io.js';
export * from './config.js';
export * from './scanner/index.js';
export * from './state/registry.js';
export * from './rules/index.js';
