// The protocol-free core of Flaglens, used by the CLI and the language server alike.
export * from './model.js';
export * from './io.js';
export * from './config.js';
export * from './scanner/index.js';
export * from './state/registry.js';
export * from './rules/index.js';
export * from './state/stages.js';
export * from './state/rollout.js';
export * from './state/flagdDocument.js';
export * from './state/flagdEdit.js';
export * from './state/flagdHistory.js';
export * from './state/fileStore.js';
export * from './state/nodeFileStore.js';
export * from './state/flagdProvider.js';
export * from './http.js';
export * from './health/index.js';
export * from './providers/unleash/index.js';
