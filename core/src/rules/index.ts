// The hygiene rules: findings FL001–FL009, key matching, suppressions and the per-flag overview.
export * from './catalog.js';
export * from './keys.js';
export * from './suppression.js';
export * from './findings.js';
export * from './summary.js';
