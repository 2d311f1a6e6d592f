// Flag health from metrics (Prometheus): evaluation, the background scheduler and the bump guard.
export * from './prometheus.js';
export * from './evaluate.js';
export * from './scheduler.js';
export * from './guard.js';
export * from './workspaceHealth.js';
export * from './liveUpdates.js';
