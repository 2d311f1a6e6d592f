// The Unleash provider's public surface (see provider.ts).
export * from './api.js';
export * from './mapping.js';
export * from './provider.js';
export * from './snapshotStore.js';
